import Diagnostics
import Foundation
import Mustache

@_exported import struct Diagnostics.Diagnostic
@_exported import struct Diagnostics.DiagnosticList
@_exported import struct Diagnostics.SourceLocation

/// The build pipeline: load → validate → model → render → write. Each stage is a function
/// of its own folder (`Load/`, `Validate/`, `Model/`, `Render/`, `Write/`); caching wraps the
/// two expensive ones (`Cache/`). `build`, `check` and `renderInMemory` are the same chain
/// with different ends.
public enum SiteBuilder {
    /// Builds the site. Throws a ``DiagnosticList`` with every error found (and the warnings),
    /// in which case the previous output is left as it was.
    @discardableResult
    public static func build(_ options: BuildOptions) throws -> BuildSummary {
        try refuseUnownedOutput(options)
        do {
            return try build(options, cache: options.useCache ? .disk : .none)
        } catch is CachedText.Unreadable {
            // The cache's file changed while the build read it: the build is done again from
            // the sources, and leaves a new cache.
            return try build(options, cache: .rewrite)
        }
    }

    private static func build(_ options: BuildOptions, cache: CacheSource) throws -> BuildSummary {
        var run = StageRun()
        guard var modelled = modelled(options, &run, cache: cache, brokenLinks: .warning), !run.failed else {
            throw run.failure()
        }
        let reuse: BuildSummary.Reuse
        do {
            reuse = try renderAndWrite(&modelled, options: options, &run)
        } catch  where modelled.cache?.textUnreadable == true {
            throw CachedText.Unreadable()
        }
        let summary = BuildSummary(
            stories: modelled.model.site.stories.count, briefings: modelled.model.site.briefings.count,
            pages: modelled.model.pages.count, seconds: run.clock.total, output: options.output,
            warnings: run.diagnostics, stages: run.clock.stages, reuse: reuse, maskedContactDetails: modelled.maskedContactDetails)
        if options.leavesMemoryToExit { Retired.keptToExit(consume modelled) }
        return summary
    }

    /// What a build made, let go of apart from the work that follows: never when the command
    /// ends with the build (``BuildOptions/leavesMemoryToExit``); on another thread for a
    /// preview, where freeing a model of ten thousand pages held up (3% of its time) the page
    /// a browser was waiting for. Nothing else holds the model once it is handed over.
    private final class Retired: @unchecked Sendable {
        let modelled: Modelled
        init(_ modelled: consuming Modelled) { self.modelled = modelled }

        static func keptToExit(_ modelled: consuming Modelled) { _ = Unmanaged.passRetained(Retired(modelled)) }

        static func releasedInBackground(_ modelled: consuming Modelled) {
            let retired = Unmanaged.passRetained(Retired(modelled))
            DispatchQueue.global(qos: .utility).async { retired.release() }
        }
    }

    /// The site rendered into memory, for `cxsite serve`; throws like `build`. What
    /// `previous` parsed and rendered is reused where its sources are unchanged, as the build
    /// cache does on disk.
    public static func renderInMemory(_ options: BuildOptions, reusing previous: RenderedSite? = nil) throws -> RenderedSite {
        var run = StageRun()
        guard var modelled = modelled(options, &run, cache: .memory(previous?.cache), brokenLinks: .warning), !run.failed else {
            throw run.failure()
        }
        let renderer = Renderer(design: modelled.design, options: renderOptions(options))
        let previousFiles = previous?.files ?? [:]
        let pages = modelled.pageReuse(renderer) { path, _ in previousFiles[path] != nil }
        var files: [String: [UInt8]] = [:]
        files.reserveCapacity(modelled.model.pages.count + modelled.model.otherFiles.count)
        var reuse = modelled.storiesReused
        run.record(
            .render,
            renderer.render(modelled.model.pages, with: pages) { rendered in
                modelled.settle(rendered, &reuse, keep: { files[$0] = previousFiles[$0] }) { rendered in
                    rendered.map { page in
                        files[page.path] = page.bytes
                        return Manifest.hash(page.bytes ?? [])
                    }
                }
            })
        guard !run.failed else { throw run.failure() }
        for file in renderer.otherFiles(of: modelled.model) { files[file.path] = file.bytes }
        run.clock.finish("render")
        let (stories, briefings) = (modelled.model.site.stories.count, modelled.model.site.briefings.count)
        let rendered = RenderedSite(
            files: files, warnings: run.diagnostics,
            summary: "Rebuilt \(NumberText.counted(stories, "story", "stories")) and "
                + "\(NumberText.counted(briefings, "briefing", "briefings")) in "
                + String(format: "%.2f s", run.clock.total),
            cache: modelled.nextCache, reuse: reuse)
        Retired.releasedInBackground(consume modelled)
        return rendered
    }

    /// Everything `build` validates, plus templates in strict mode and broken internal links
    /// in markdown, as errors; writes nothing. The diagnostics come sorted by file and line.
    public static func check(_ options: BuildOptions) -> [Diagnostic] {
        var run = StageRun()
        if let modelled = modelled(options, &run, cache: .none, brokenLinks: .error) {
            // Broken links are errors here, but the pages still render.
            let renderer = Renderer(design: modelled.design, options: renderOptions(options, strict: true))
            run.record(.render, renderer.render(modelled.model.pages, with: renderer) { _ in } + modelled.design.templates.missingPartials())
        }
        run.record(.load, Load.unreadContent(of: SiteFolder(options.source)))
        return run.diagnostics.sorted()
    }

    /// What load → validate → model made of a site, ready to render.
    struct Modelled {
        let model: SiteModel
        let design: Design
        /// The previous build's cache, when there is one for this build's key.
        let cache: BuildCache?
        /// The cache this build leaves for the next, when caching: its stories now, its
        /// pages as they are written.
        var nextCache: BuildCache?
        /// The stories taken from the cache, those of them whose files were not read, and how
        /// many story files the site has.
        let reusedStories: Set<String>
        let unreadStories: Set<String>
        let storyFiles: Int
        /// Contact details masked in the comments taken from responses.
        let maskedContactDetails: Int

        /// How this build renders its pages: through the previous build's pages when caching
        /// (`holds` says whether the output being updated still holds a page's bytes), every
        /// page's model hashed for the next build even when there is no previous one to reuse.
        func pageReuse(_ renderer: Renderer, holds: @escaping @Sendable (String, UInt64) -> Bool) -> PageReuse {
            PageReuse(renderer: renderer, cache: nextCache == nil ? nil : PageCache(previous: cache?.pages ?? [:], holds: holds))
        }

        /// What this build took from the cache before rendering: the pages' counts follow.
        var storiesReused: BuildSummary.Reuse {
            BuildSummary.Reuse(
                storiesParsed: storyFiles - reusedStories.count, storiesReused: reusedStories.count,
                storiesNotRead: unreadStories.count)
        }

        /// Takes a batch of pages from the renderer, the one way both ends do: a page rendered
        /// again goes to `store` (which returns the hash of the bytes it holds), one the
        /// previous output still holds to `keep`; each is recorded for the next build's cache
        /// and counted.
        mutating func settle(
            _ pages: [RenderedPage], _ reuse: inout BuildSummary.Reuse, keep: (String) -> Void,
            store: ([RenderedPage]) throws -> [UInt64]
        ) rethrows {
            let rendered = pages.filter { $0.bytes != nil }
            for page in pages where page.bytes == nil {
                guard let modelHash = page.modelHash, let kept = page.keptOutputHash else { continue }
                keep(page.path)
                nextCache?.recordPage(page.path, modelHash: modelHash, outputHash: kept)
                reuse.pagesKept += 1
            }
            for (page, outputHash) in zip(rendered, try store(rendered)) {
                guard let modelHash = page.modelHash else { continue }
                nextCache?.recordPage(page.path, modelHash: modelHash, outputHash: outputHash)
            }
            reuse.pagesRendered += rendered.count
        }
    }

    /// Where a build finds what an earlier one parsed and rendered.
    enum CacheSource {
        /// Nowhere: everything is parsed and rendered (`--no-cache`, `check`).
        case none
        /// The build cache in `SOURCE/.cxsite-cache/`.
        case disk
        /// Nowhere, but the build cache is written for the next build.
        case rewrite
        /// An earlier build into memory (`serve`).
        case memory(BuildCache?)
    }

    /// load → validate → model; nil when the site cannot be modelled (a model with broken
    /// links, errors under `check`, is still returned: its pages render). With a cache,
    /// stories come from it where their files are unchanged.
    static func modelled(
        _ options: BuildOptions, _ run: inout StageRun, cache source: CacheSource,
        brokenLinks: Diagnostic.Severity
    ) -> Modelled? {
        let folder = SiteFolder(options.source)
        var sources = run.stage(.load, "load config and theme") { Load.settings(of: folder) }
        guard let settings = run.stage(.validate, "validate config and theme", { Validate.settings(sources, baseURL: options.baseURL) }) else {
            return nil
        }
        // The previous build's cache is read while the content's files are listed and their
        // metadata read, on the other core.
        let reading = BackgroundWork { IncrementalBuild(settings, options: options, source: source, in: folder) }
        sources = run.stage(.load, "load content") {
            Load.content(of: folder, into: sources, unchanged: { reading.value.storyStamps }, history: options.useGit)
        }
        let incremental = reading.value
        let (content, reused) = run.stage(.validate, "validate content") {
            Validate.content(sources, settings, in: folder, cache: incremental.stories)
        }
        let (responses, responseFiles) = run.stage(.validate, "aggregate responses") {
            Validate.responses(
                sources, settings, content: content, in: folder, cached: incremental.responses,
                joined: incremental.joinedLinks, now: options.clock.instant, progress: options.progress)
        }
        let valid = ValidContent(content: content, responses: responses, reusedStories: reused)
        guard let design = settings.design, !run.failed else { return nil }
        // Only stories whose files loaded without a warning are cached, so a build from the
        // cache reports what a clean one does.
        let nextCache = incremental.next(
            valid.content, stamps: sources.storyStamps, except: run.pathsWithDiagnostics, responses: responseFiles,
            now: options.clock.instant)
        guard
            let model = run.stage(
                .model, nil,
                {
                    let (model, found) = Model.site(settings, valid, design: design, options: options, brokenLinks: brokenLinks)
                    return (model, Load.quote(found, unread: Set(sources.unchangedStories), in: folder))
                })
        else { return nil }
        return Modelled(
            model: model, design: design, cache: incremental.previous, nextCache: nextCache,
            reusedStories: valid.reusedStories, unreadStories: Set(sources.unchangedStories),
            storyFiles: valid.content.stories.count, maskedContactDetails: valid.responses.maskedContactDetails)
    }

    /// How pages render: 64 KiB expected per page, within the build's step budget.
    private static func renderOptions(_ options: BuildOptions, strict: Bool = false) -> RenderOptions {
        RenderOptions(strict: strict, expectedSize: 64 * 1024, maximumSteps: options.maximumRenderSteps)
    }

    /// Before any work: an output or cache folder that cxsite may not replace stops the build.
    private static func refuseUnownedOutput(_ options: BuildOptions) throws {
        let refusals = [
            OutputFolder(options.output).problem(forSiteIn: options.source).map { Diagnostic(.error, $0, at: .file(options.output.path)) },
            options.useCache ? BuildCache.folderProblem(in: options.source).map { Diagnostic(.error, $0, at: .file(BuildCache.folderName)) } : nil,
        ].compactMap { $0 }
        guard refusals.isEmpty else { throw DiagnosticList(refusals) }
    }

    /// Render and write: pages are rendered in batches and each batch is written as it is
    /// done, so memory holds one batch of pages, not the whole site. The cache is saved while
    /// the output is finished.
    private static func renderAndWrite(
        _ modelled: inout Modelled, options: BuildOptions,
        _ run: inout StageRun
    ) throws -> BuildSummary.Reuse {
        func failure(_ message: String) -> DiagnosticList {
            run.record(.write, [Diagnostic(.error, message, at: .file(options.output.path))])
            return run.failure()
        }
        let update: OutputFolder.Update
        do {
            let manifests = options.useCache ? try BuildCache.manifestPrefix(in: options.source, for: options.output) : nil
            update = try OutputFolder(options.output).beginUpdate(
                forSiteIn: options.source, manifests: manifests,
                waiting: options.waiting)
        } catch let refused as OutputRefused {
            throw failure(refused.message)
        } catch {
            throw failure("could not write the site: \(error)")
        }
        let renderer = Renderer(design: modelled.design, options: renderOptions(options))
        let spare = update.holdings
        let pages = modelled.pageReuse(renderer) { spare.holds($0, hash: $1) }
        var reuse = modelled.storiesReused
        var cacheSave: BackgroundWork<Result<Void, any Error>>?
        defer { _ = cacheSave?.value }  // a build that fails leaves no thread writing
        do {
            let renderDiagnostics = try renderer.render(modelled.model.pages, with: pages) { rendered in
                try modelled.settle(rendered, &reuse, keep: update.keep) { rendered in
                    try update.write(rendered.map { ($0.path, $0.bytes ?? []) })
                }
            }
            run.record(.render, renderDiagnostics)
            guard !run.failed else {
                update.abandon()
                throw run.failure()
            }
            // Every page is recorded: the cache is saved while the output is finished. Should
            // finishing fail, the saved cache does no harm: a page is kept only when the
            // spare's manifest and the disk say it holds the bytes.
            cacheSave = modelled.nextCache.map { cache in
                BackgroundWork { [previous = modelled.cache, reused = modelled.unreadStories] in
                    // A story read again (its stamp changed) is written again, with its new stamp.
                    Result { try cache.write(in: options.source, previous: previous, reused: reused) }
                }
            }
            try update.write(renderer.otherFiles(of: modelled.model))
            try update.finish()
        } catch let errors as DiagnosticList {
            throw errors
        } catch {
            update.abandon()
            throw failure("could not write the site: \(error)")
        }
        run.clock.finish("render and write")
        if let cacheSave {
            if case .failure(let error) = cacheSave.value {
                run.record(
                    .write,
                    [
                        Diagnostic(
                            .warning, "could not save the build cache, so the next build starts from scratch: \(error)",
                            at: .file(BuildCache.folderName))
                    ])
            }
            run.clock.finish("save the cache")
        }
        return reuse
    }
}
