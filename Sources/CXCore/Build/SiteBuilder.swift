import Diagnostics
import Foundation
import Markdown
import Mustache

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
    /// Keep the previous output beside the new one, so the next build writes only what
    /// changed (`--no-cache` turns it off).
    public var useCache = true
    /// `SOURCE_DATE_EPOCH`, when set to a number of seconds.
    public static var sourceDateEpochFromEnvironment: Int? {
        ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) }
    }

    /// Told the share of a large response import done so far (for a progress bar).
    public var progress: (@Sendable (Double) -> Void)?

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
        var prepared = prepare(options, checking: false)
        guard let model = prepared.model, !prepared.diagnostics.contains(where: \.isError) else {
            throw DiagnosticList(prepared.diagnostics.sorted())
        }
        // Write: the only stage that touches the output folder.
        let output = OutputFolder(options.output)
        func failure(_ message: String) -> DiagnosticList {
            DiagnosticList(prepared.diagnostics + [Diagnostic(.error, message, at: .file(options.output.path))])
        }
        if let problem = output.problem(forSiteIn: options.source) { throw failure(problem) }
        let update: OutputFolder.Update
        do {
            update = try output.beginUpdate(keepSpare: options.useCache)
        } catch {
            throw failure("could not write the site: \(error)")
        }
        do {
            prepared.diagnostics += try render(prepared) { try update.write($0) }
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
        return BuildSummary(stories: model.stories.count, briefings: model.briefings.count, pages: prepared.pages.count,
                            seconds: prepared.clock.total, output: options.output, warnings: prepared.diagnostics,
                            stages: prepared.clock.stages)
    }

    /// The site rendered into memory, for `cxsite serve`; throws like `build`.
    public static func renderInMemory(_ options: BuildOptions) throws -> RenderedSite {
        var prepared = prepare(options, checking: false)
        var files: [String: [UInt8]] = [:]
        if prepared.model != nil, !prepared.diagnostics.contains(where: \.isError) {
            prepared.diagnostics += render(prepared) { batch in
                for file in batch { files[file.path] = file.bytes }
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
    }

    /// How many pages render between two writes: enough to keep both cores busy, few
    /// enough that memory holds little of the site.
    static let renderBatchSize = 256

    /// Renders every page on all cores, batch by batch, handing each batch to `sink` until
    /// a page fails; returns the diagnostics of every failed page. A broken shared template
    /// fails every page the same way, and is reported once.
    static func render(_ prepared: Prepared,
                       to sink: ([(path: String, bytes: [UInt8])]) throws -> Void) rethrows -> [Diagnostic] {
        guard let templates = prepared.templates else { return [] }
        var diagnostics: [Diagnostic] = []
        let options = prepared.renderOptions
        for start in stride(from: 0, to: prepared.pages.count, by: renderBatchSize) {
            let batch = Array(prepared.pages[start..<min(start + renderBatchSize, prepared.pages.count)])
            let results = batch.concurrentMap { page -> Result<[UInt8], DiagnosticList> in
                do {
                    return .success(try templates.renderBytes(page.template, page.data, options: options))
                } catch let errors as DiagnosticList {
                    return .failure(errors)
                } catch {
                    return .failure(DiagnosticList([Diagnostic(.error, "\(page.path): \(error)")]))
                }
            }
            var rendered: [(path: String, bytes: [UInt8])] = []
            for (page, result) in zip(batch, results) {
                switch result {
                case .success(let bytes): rendered.append((page.path, bytes))
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
        let (loaded, loadDiagnostics) = load(site)
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

        // Model: markdown bodies, then the site and its pages.
        let markdown = MarkdownRenderer(allowsRawHTML: loaded.config.allowsRawHTML)
        // Briefing notes sit under the page's own h2, so their headings move down a level.
        let documents: [(path: String, body: String, headingOffset: Int)] =
            loaded.content.stories.map { ($0.path, $0.body, 0) } + loaded.content.briefings.map { ($0.path, $0.body, 1) }
        let rendered = documents.concurrentMap { markdown.render($0.body, headingOffset: $0.headingOffset) }
        let bodies = Dictionary(zip(documents.map(\.path), rendered), uniquingKeysWith: { first, _ in first })
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
        otherFiles.append(("scorecard.json", ScorecardExport.json(model.scorecard)))
        otherFiles.append(("feed.xml", Feeds.atom(model)))
        if let sitemap = Feeds.sitemap(model, pages: pages) { otherFiles.append(("sitemap.xml", sitemap)) }
        let outputPaths = Set(pages.map(\.path) + otherFiles.map(\.0))
        prepared.diagnostics += LinkChecker(site: model, content: loaded.content, outputPaths: outputPaths)
            .brokenLinks(severity: checking ? .error : .warning)
        prepared.model = model
        prepared.pages = pages
        prepared.otherFiles = otherFiles
        prepared.templates = loaded.theme.templates
        prepared.renderOptions = RenderOptions(strict: checking, expectedSize: 64 * 1024)
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
    }

    /// Streams `content/responses/*.csv` into running totals.
    static func aggregateResponses(_ site: SiteFolder, config: SiteConfig,
                                   progress: (@Sendable (Double) -> Void)?) -> (ResponseAggregates, [Diagnostic]) {
        let (files, problems) = site.files(in: "content/responses", extensions: ["csv"])
        let (aggregates, diagnostics) = ResponseAggregator(config: config, progress: progress)
            .aggregate(files.map { ($0, site.url($0)) })
        return (aggregates, problems + diagnostics)
    }

    /// Reads the config, the content and the theme, reporting every problem of all three.
    static func load(_ site: SiteFolder) -> (Loaded?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var config: SiteConfig?
        if !site.exists(SiteConfig.fileName) {
            diagnostics.append(Diagnostic(.error, "no cxsite.yaml in the site folder: is this a cxsite site? (--source names another folder)",
                                          at: .file(SiteConfig.fileName)))
        } else if let problem = site.outsideLinkProblem(SiteConfig.fileName) {
            diagnostics.append(problem)
        } else {
            switch site.read(SiteConfig.fileName) {
            case .success(let file):
                let (loaded, problems) = SiteConfig.load(file)
                config = loaded
                diagnostics += problems
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            }
        }
        var content: Content?
        if let config {
            var loader = ContentLoader(site: site, config: config)
            content = loader.load()
            diagnostics += loader.diagnostics
        }
        let (theme, themeDiagnostics) = Theme.load(from: site)
        diagnostics += themeDiagnostics
        guard let config, let content, let theme else { return (nil, diagnostics) }
        return (Loaded(config: config, content: content, theme: theme), diagnostics)
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
