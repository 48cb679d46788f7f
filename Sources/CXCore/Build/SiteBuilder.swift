import Diagnostics
import Foundation
import Markdown
import Mustache

/// The version of cxsite, which `--version` prints and the build cache keys on.
public let cxsiteVersion = "0.2.0"

/// What `cxsite build` is asked to do.
public struct BuildOptions: Sendable {
    /// The site folder, holding `cxsite.yaml`, `content/` and optionally `templates/`.
    public var source: URL
    /// Where the site is written; `SOURCE/public` by default.
    public var output: URL
    /// Include stories marked `draft: true`.
    public var includeDrafts: Bool
    /// The build's only clock (seconds since 1970), from `SOURCE_DATE_EPOCH`; without it the
    /// newest date in the content stands for "today".
    public var sourceDateEpoch: Int?
    /// Show on each story when it last changed and who changed it, from git.
    public var useGit = true
    /// Keep the previous output beside the new one, and a build cache in
    /// `SOURCE/.cxsite-cache/`, so the next build parses, renders and writes only what
    /// changed (`--no-cache` turns both off).
    public var useCache = true
    /// `SOURCE_DATE_EPOCH`, when set to a number of seconds.
    public static var sourceDateEpochFromEnvironment: Int? {
        ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) }
    }

    /// Told the share of a large response import done so far (for a progress bar).
    public var progress: (@Sendable (Double) -> Void)?

    /// Told, once, that another build is writing the same output and this one waits for it.
    public var waiting: (@Sendable (String) -> Void)?

    public init(source: URL, output: URL? = nil, includeDrafts: Bool = false,
                sourceDateEpoch: Int? = BuildOptions.sourceDateEpochFromEnvironment) {
        self.source = source
        self.output = output ?? source.appendingPathComponent("public")
        self.includeDrafts = includeDrafts
        self.sourceDateEpoch = sourceDateEpoch
    }
}

/// What a finished build made.
public struct BuildSummary: Sendable {
    public var stories: Int
    public var briefings: Int
    public var pages: Int
    public var seconds: Double
    public var output: URL
    /// Warnings found on the way; errors stop the build instead.
    public var warnings: [Diagnostic]
    /// Seconds spent in each stage, in pipeline order.
    public var stages: [(name: String, seconds: Double)]
    /// What the build cache saved: story files taken from it rather than parsed (and their
    /// markdown not rendered again), and pages the spare still held rather than rendered.
    public var reuse = Reuse()

    public struct Reuse: Sendable, Equatable {
        public var storiesParsed = 0
        public var storiesReused = 0
        public var pagesRendered = 0
        public var pagesKept = 0

        public init(storiesParsed: Int = 0, storiesReused: Int = 0, pagesRendered: Int = 0, pagesKept: Int = 0) {
            self.storiesParsed = storiesParsed
            self.storiesReused = storiesReused
            self.pagesRendered = pagesRendered
            self.pagesKept = pagesKept
        }
    }

    /// `Built 18 stories and 3 briefings into 34 pages in 0.21 s → public/`
    public var line: String {
        "Built \(stories) \(stories == 1 ? "story" : "stories") and \(briefings) \(briefings == 1 ? "briefing" : "briefings") "
            + "into \(pages) pages in \(String(format: "%.2f", seconds)) s → \(output.path)"
    }
}

/// A site rendered into memory: output paths and their bytes.
public struct RenderedSite: Sendable {
    public let files: [String: [UInt8]]
    public let warnings: [Diagnostic]
    public let summary: String
}

/// The build pipeline: load → validate → model → render → write.
public enum SiteBuilder {
    /// Builds the site. Throws a ``DiagnosticList`` with every error found (and the warnings),
    /// in which case the previous output is left as it was.
    ///
    /// Pages are rendered in batches and each batch is written as it is done, so memory holds
    /// one batch of pages, not the whole site.
    @discardableResult
    public static func build(_ options: BuildOptions) throws -> BuildSummary {
        // Before any work: an output or cache that cxsite may not replace stops the build.
        let output = OutputFolder(options.output)
        let refusals = [output.problem(forSiteIn: options.source).map { Diagnostic(.error, $0, at: .file(options.output.path)) },
                        options.useCache ? BuildCache.folderProblem(in: options.source).map { Diagnostic(.error, $0, at: .file(BuildCache.folderName)) } : nil]
        guard refusals.allSatisfy({ $0 == nil }) else { throw DiagnosticList(refusals.compactMap { $0 }) }
        var prepared = prepare(options, checking: false)
        guard let model = prepared.model, !prepared.diagnostics.contains(where: \.isError) else {
            throw DiagnosticList(prepared.diagnostics.sorted())
        }
        // Write: the only stage that touches the output folder.
        func failure(_ message: String) -> DiagnosticList {
            DiagnosticList(prepared.diagnostics + [Diagnostic(.error, message, at: .file(options.output.path))])
        }
        let update: OutputFolder.Update
        do {
            let manifests = options.useCache ? try BuildCache.manifestPrefix(in: options.source, for: options.output) : nil
            update = try output.beginUpdate(forSiteIn: options.source, manifests: manifests, waiting: options.waiting)
        } catch let refused as OutputRefused {
            throw failure(refused.message)
        } catch {
            throw failure("could not write the site: \(error)")
        }
        // With caching on, every page's model is hashed for the next build, even when this
        // one has no cache to reuse from.
        let reuse = prepared.nextCache == nil ? nil : PageReuse(previous: prepared.cache?.pages ?? [:], spare: update.holdings)
        var counts = BuildSummary.Reuse(storiesParsed: prepared.storyFiles - prepared.reusedStories.count,
                                        storiesReused: prepared.reusedStories.count)
        do {
            prepared.diagnostics += try render(prepared, reusing: reuse) { pages in
                var written: [(path: String, bytes: [UInt8])] = []
                var modelHashes: [UInt64?] = []
                for page in pages {
                    if page.bytes == nil { counts.pagesKept += 1 } else { counts.pagesRendered += 1 }
                    if let bytes = page.bytes {
                        written.append((page.path, bytes))
                        modelHashes.append(page.modelHash)
                    } else if let modelHash = page.modelHash, let output = page.keptOutputHash {
                        update.keep(page.path)
                        prepared.nextCache?.pages[page.path] = BuildCache.PageEntry(modelHash: modelHash, outputHash: output)
                    }
                }
                for (index, outputHash) in try update.write(written).enumerated() {
                    guard let modelHash = modelHashes[index] else { continue }
                    prepared.nextCache?.pages[written[index].path] = BuildCache.PageEntry(modelHash: modelHash, outputHash: outputHash)
                }
            }
            guard !prepared.diagnostics.contains(where: \.isError) else {
                update.abandon()
                throw DiagnosticList(prepared.diagnostics.sorted())
            }
            try update.write(prepared.otherFiles)
            try update.finish()
        } catch let errors as DiagnosticList {
            throw errors
        } catch {
            update.abandon()
            throw failure("could not write the site: \(error)")
        }
        prepared.clock.finish("render and write")
        if let cache = prepared.nextCache {
            do {
                try cache.write(in: options.source, previous: prepared.cache, reused: prepared.reusedStories)
            } catch {
                prepared.diagnostics.append(Diagnostic(.warning, "could not save the build cache, so the next build starts from scratch: \(error)",
                                                       at: .file(BuildCache.folderName)))
            }
            prepared.clock.finish("save the cache")
        }
        return BuildSummary(stories: model.stories.count, briefings: model.briefings.count, pages: prepared.pages.count,
                            seconds: prepared.clock.total, output: options.output, warnings: prepared.diagnostics,
                            stages: prepared.clock.stages, reuse: counts)
    }

    /// The site rendered into memory, for `cxsite serve`; throws like `build`.
    public static func renderInMemory(_ options: BuildOptions) throws -> RenderedSite {
        var prepared = prepare(options, checking: false)
        var files: [String: [UInt8]] = [:]
        if prepared.model != nil, !prepared.diagnostics.contains(where: \.isError) {
            prepared.diagnostics += render(prepared) { pages in
                for page in pages { files[page.path] = page.bytes }
            }
        }
        guard let model = prepared.model, !prepared.diagnostics.contains(where: \.isError) else {
            throw DiagnosticList(prepared.diagnostics.sorted())
        }
        for file in prepared.otherFiles { files[file.path] = file.bytes }
        prepared.clock.finish("render")
        return RenderedSite(files: files, warnings: prepared.diagnostics,
                            summary: "Rebuilt \(model.stories.count) stories and \(model.briefings.count) briefings in "
                                + String(format: "%.2f s", prepared.clock.total))
    }

    /// Everything `build` validates, plus templates in strict mode and broken internal links
    /// in markdown, as errors; writes nothing. The diagnostics come sorted by file and line.
    public static func check(_ options: BuildOptions) -> [Diagnostic] {
        var prepared = prepare(options, checking: true)
        if prepared.model != nil {  // broken links are errors here, but the pages still render
            prepared.diagnostics += render(prepared) { _ in }
            prepared.diagnostics += prepared.templates?.missingPartials() ?? []
        }
        return prepared.diagnostics.sorted()
    }

    /// The site modelled, ready to render, or the diagnostics that stopped it.
    struct Prepared {
        var model: Site?
        var pages: [Page] = []
        /// Theme assets, `scorecard.json`, feeds: everything written besides the pages.
        var otherFiles: [(path: String, bytes: [UInt8])] = []
        var templates: TemplateSet?
        var renderOptions = RenderOptions()
        var diagnostics: [Diagnostic] = []
        var clock = StageClock()
        /// The previous build's cache, when there is one for this build's key.
        var cache: BuildCache?
        /// The cache this build leaves for the next, when caching: filled as pages are written.
        var nextCache: BuildCache?
        /// The stories taken from the previous build's cache.
        var reusedStories: Set<String> = []
        /// How many story files the site has, drafts included.
        var storyFiles = 0
    }

    /// A page as rendered, or as the spare still holds it.
    struct RenderedPage: Sendable {
        let path: String
        /// The page's bytes; nil when the spare holds them already.
        let bytes: [UInt8]?
        /// The hash of the page's template and model, when reusing pages.
        let modelHash: UInt64?
        /// The hash of the bytes the spare holds for a page not rendered again.
        let keptOutputHash: UInt64?
    }

    /// What the previous build rendered, and what the spare holds of it: a page whose
    /// template and model hash as they did then is not rendered again.
    struct PageReuse: Sendable {
        let previous: [String: BuildCache.PageEntry]
        let spare: SpareHoldings

        /// The hash of the bytes the spare holds for `path`, when they were rendered from a
        /// model hashing to `modelHash`.
        func keptOutput(_ path: String, modelHash: UInt64) -> UInt64? {
            guard let entry = previous[path], entry.modelHash == modelHash, spare.holds(path, hash: entry.outputHash) else { return nil }
            return entry.outputHash
        }
    }

    /// How many pages render between two writes: enough to keep both cores busy, few
    /// enough that memory holds little of the site.
    static let renderBatchSize = 256

    /// Renders every page on all cores, batch by batch, handing each batch to `sink` until
    /// a page fails; returns the diagnostics of every failed page. A broken shared template
    /// fails every page the same way, and is reported once. With `reuse`, pages whose model
    /// is unchanged since the previous build are handed over without bytes.
    static func render(_ prepared: Prepared, reusing reuse: PageReuse? = nil,
                       to sink: ([RenderedPage]) throws -> Void) rethrows -> [Diagnostic] {
        guard let templates = prepared.templates else { return [] }
        var diagnostics: [Diagnostic] = []
        let options = prepared.renderOptions
        // A page past its render budget stops the pages not yet started: they share its templates.
        let overBudget = Flag()
        for start in stride(from: 0, to: prepared.pages.count, by: renderBatchSize) where !overBudget.isSet {
            let batch = Array(prepared.pages[start..<min(start + renderBatchSize, prepared.pages.count)])
            let results = batch.concurrentMap { page -> Result<RenderedPage, DiagnosticList> in
                if overBudget.isSet { return .failure(DiagnosticList([])) }
                let data: MustacheValue
                do { data = try page.data() } catch {
                    return .failure(DiagnosticList([Diagnostic(.error, "\(page.path): \(error)")]))
                }
                let modelHash = reuse == nil ? nil : data.stableHash.map { hash in
                    var hasher = StableHasher()
                    hasher.combine(page.template)
                    hasher.combine(hash)
                    return hasher.finalize()
                }
                if let reuse, let modelHash, let kept = reuse.keptOutput(page.path, modelHash: modelHash) {
                    return .success(RenderedPage(path: page.path, bytes: nil, modelHash: modelHash, keptOutputHash: kept))
                }
                do {
                    let bytes = try templates.renderBytes(page.template, data, options: options)
                    return .success(RenderedPage(path: page.path, bytes: bytes, modelHash: modelHash, keptOutputHash: nil))
                } catch let errors as DiagnosticList {
                    return .failure(errors)
                } catch let exceeded as RenderBudgetExceeded {
                    overBudget.set()
                    return .failure(DiagnosticList([exceeded.diagnostic]))
                } catch {
                    return .failure(DiagnosticList([Diagnostic(.error, "\(page.path): \(error)")]))
                }
            }
            var rendered: [RenderedPage] = []
            for result in results {
                switch result {
                case .success(let page): rendered.append(page)
                case .failure(let errors): diagnostics += errors.diagnostics.filter { !diagnostics.contains($0) }
                }
            }
            if diagnostics.isEmpty { try sink(rendered) }
        }
        return diagnostics
    }

    /// load → validate → model. When `checking`, templates render in strict mode and broken
    /// links in markdown are errors rather than warnings.
    static func prepare(_ options: BuildOptions, checking: Bool) -> Prepared {
        var prepared = Prepared()
        let site = SiteFolder(options.source)

        // Load and validate: every stage reports all it finds before the build stops.
        let (loaded, loadDiagnostics) = load(site, options: options)
        prepared.diagnostics = loadDiagnostics
        prepared.clock.finish("load and validate")
        var responses = ResponseAggregates()
        if let config = loaded?.config {
            let (aggregates, responseDiagnostics) = aggregateResponses(site, config: config, progress: options.progress)
            responses = aggregates
            prepared.diagnostics += responseDiagnostics
        }
        guard let loaded, !prepared.diagnostics.contains(where: \.isError) else { return prepared }
        prepared.clock.finish("aggregate responses")

        // Model: markdown bodies (but those of stories taken from the cache), then the site
        // and its pages.
        let markdown = MarkdownRenderer(allowsRawHTML: loaded.config.allowsRawHTML)
        let cachedStories = loaded.cache?.stories ?? [:]
        // Briefing notes sit under the page's own h2, so their headings move down a level.
        let documents: [(path: String, body: String, headingOffset: Int)] =
            loaded.content.stories.filter { !loaded.reusedStories.contains($0.path) }.map { ($0.path, $0.body, 0) }
            + loaded.content.briefings.map { ($0.path, $0.body, 1) }
        let rendered = documents.concurrentMap { markdown.render($0.body, headingOffset: $0.headingOffset) }
        var bodies = Dictionary(zip(documents.map(\.path), rendered), uniquingKeysWith: { first, _ in first })
        for path in loaded.reusedStories { bodies[path] = cachedStories[path]?.markdown }
        let (scorecard, scorecardWarnings) = Scorecard.make(config: loaded.config, snapshots: loaded.content.snapshots,
                                                            responses: responses, content: loaded.content)
        let history = options.useGit ? GitHistory(folder: site.root) : GitHistory()
        let (model, modelDiagnostics) = Site.make(config: loaded.config, content: loaded.content, scorecard: scorecard,
                                                  includeDrafts: options.includeDrafts, bodies: bodies,
                                                  sourceDateEpoch: options.sourceDateEpoch, history: history)
        prepared.diagnostics += scorecardWarnings + modelDiagnostics
        guard !prepared.diagnostics.contains(where: \.isError) else { return prepared }
        let pages = PageBuilder(site: model).pages()
        var otherFiles = loaded.theme.assets.sorted { $0.key < $1.key }.map { ($0.key, Array($0.value.utf8)) }
        otherFiles.append((Routes.scorecardExport.path, ScorecardExport.json(model.scorecard)))
        otherFiles.append((Routes.feed.path, Feeds.atom(model)))
        if let sitemap = Feeds.sitemap(model, pages: pages) { otherFiles.append((Routes.sitemap.path, sitemap)) }
        let outputPaths = Set(pages.map(\.path) + otherFiles.map(\.0))
        prepared.diagnostics += LinkChecker(site: model, content: loaded.content, outputPaths: outputPaths)
            .brokenLinks(severity: checking ? .error : .warning)
        prepared.model = model
        prepared.storyFiles = loaded.content.stories.count
        prepared.pages = pages
        prepared.otherFiles = otherFiles
        prepared.templates = loaded.theme.templates
        prepared.renderOptions = RenderOptions(strict: checking, expectedSize: 64 * 1024)
        if let key = loaded.cacheKey {
            prepared.cache = loaded.cache
            prepared.reusedStories = loaded.reusedStories
            prepared.nextCache = nextCache(key: key, content: loaded.content, bodies: bodies,
                                           withoutProblemsIn: Set(loadDiagnostics.compactMap(\.location?.path)))
        }
        prepared.clock.finish("model")
        return prepared
    }

    /// Times the stages of a build on the monotonic clock.
    struct StageClock {
        private let start = DispatchTime.now().uptimeNanoseconds
        private var last = DispatchTime.now().uptimeNanoseconds
        private(set) var stages: [(name: String, seconds: Double)] = []

        mutating func finish(_ stage: String) {
            let now = DispatchTime.now().uptimeNanoseconds
            stages.append((stage, Double(now - last) / 1e9))
            last = now
        }

        var total: Double { Double(last - start) / 1e9 }
    }

    struct Loaded {
        var config: SiteConfig
        var content: Content
        var theme: Theme
        /// The build cache's key, when caching.
        var cacheKey: UInt64?
        /// The previous build's cache, when it has this build's key.
        var cache: BuildCache?
        /// The stories taken from the cache rather than parsed.
        var reusedStories: Set<String> = []
    }

    /// The cache for the next build: every story that loaded without a warning, with its
    /// rendered markdown. Pages are added as they are written.
    private static func nextCache(key: UInt64, content: Content, bodies: [String: RenderedMarkdown],
                                  withoutProblemsIn problemPaths: Set<String>) -> BuildCache {
        let stories = content.stories.filter { !problemPaths.contains($0.path) }
        let entries = stories.concurrentMap { story -> BuildCache.StoryEntry? in
            guard let file = content.files[story.path], let markdown = bodies[story.path] else { return nil }
            var story = story
            story.body = ""
            return BuildCache.StoryEntry(sourceHash: StableHasher.hash(file.text), story: story, markdown: markdown)
        }
        var cache = BuildCache(key: key)
        for entry in entries.compactMap({ $0 }) { cache.stories[entry.story.path] = entry }
        return cache
    }

    /// Streams `content/responses/*.csv` into running totals.
    static func aggregateResponses(_ site: SiteFolder, config: SiteConfig,
                                   progress: (@Sendable (Double) -> Void)?) -> (ResponseAggregates, [Diagnostic]) {
        let (files, problems) = site.files(in: "content/responses", extensions: ["csv"])
        let (aggregates, diagnostics) = ResponseAggregator(config: config, progress: progress)
            .aggregate(files.map { ($0, site.url($0)) })
        return (aggregates, problems + diagnostics)
    }

    /// Reads the config, the theme and the content, reporting every problem of all three.
    /// With `options.useCache`, stories whose files are unchanged since the previous build
    /// are taken from its cache.
    static func load(_ site: SiteFolder, options: BuildOptions) -> (Loaded?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var config: (value: SiteConfig, text: String)?
        if !site.exists(SiteConfig.fileName) {
            diagnostics.append(Diagnostic(.error, "no cxsite.yaml in the site folder: is this a cxsite site? (--source names another folder)",
                                          at: .file(SiteConfig.fileName)))
        } else if let problem = site.outsideLinkProblem(SiteConfig.fileName) {
            diagnostics.append(problem)
        } else {
            switch site.read(SiteConfig.fileName) {
            case .success(let file):
                let (loaded, problems) = SiteConfig.load(file)
                config = loaded.map { ($0, file.text) }
                diagnostics += problems
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            }
        }
        let (theme, themeDiagnostics) = Theme.load(from: site)
        diagnostics += themeDiagnostics
        guard let config else { return (nil, diagnostics) }
        let cacheKey = options.useCache ? theme.map { BuildCache.key(configText: config.text, theme: $0, options: options) } : nil
        let cache = cacheKey.flatMap { BuildCache.read(in: site.root, key: $0) }
        var loader = ContentLoader(site: site, config: config.value)
        loader.reusable = cache?.stories ?? [:]
        let content = loader.load()
        diagnostics += loader.diagnostics
        guard let theme else { return (nil, diagnostics) }
        return (Loaded(config: config.value, content: content, theme: theme, cacheKey: cacheKey, cache: cache,
                       reusedStories: loader.reusedStories), diagnostics)
    }
}

extension TemplateSet {
    func renderBytes(_ name: String, _ data: MustacheValue, options: RenderOptions) throws -> [UInt8] {
        guard let template = self[name] else {
            throw DiagnosticList([Diagnostic(.error, "the theme has no template '\(name).mustache'")])
        }
        return try template.renderBytes(data, partials: self, options: options)
    }
}

@_exported import struct Diagnostics.Diagnostic
@_exported import struct Diagnostics.DiagnosticList
@_exported import struct Diagnostics.SourceLocation
