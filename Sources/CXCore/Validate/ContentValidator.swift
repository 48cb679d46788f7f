import Diagnostics
import Foundation
import Markdown
import Spreadsheet
import Yams

/// Validates the content files against the config, collecting every error.
struct ContentValidator {
    let config: SiteConfig
    /// Renders story and briefing bodies, as the config allows raw HTML or not.
    let markdown: MarkdownRenderer
    var diagnostics: [Diagnostic] = []
    /// How many diagnostics there were before the table file being read.
    var snapshotErrorsBefore = 0

    init(config: SiteConfig) {
        self.config = config
        markdown = MarkdownRenderer(allowsRawHTML: config.allowsRawHTML)
    }

    /// The content of `sources`, and the paths of the stories taken from `cache`.
    mutating func validate(_ sources: SiteSources, cache: StoryCache?) -> (Content, reused: Set<String>) {
        var content = Content()
        let stories =
            parseAll(sources.stories) { validator, file -> (Story, reused: Bool)? in
                if let cached = cache?.story(for: file) { return (cached, true) }
                return validator.story(from: file).map { ($0, false) }
            } + sources.unchangedStories.compactMap { path in cache?.story(unchangedAt: path).map { ($0, true) } }
        content.stories = stories.map(\.0)
        content.briefings = parseAll(sources.briefings) { $0.briefing(from: $1) }
        for file in sources.briefingFigures {
            guard let published = publishedFigures(from: file) else { continue }
            let slug = PublishedFigures.slug(of: file.path)
            if let index = content.briefings.firstIndex(where: { $0.slug == slug }) {
                content.briefings[index].published = published
            } else if !sources.briefings.contains(where: { Self.slug(of: $0.path) == slug }) {
                report(
                    Diagnostic(
                        .warning, "these figures are of no briefing: there is no content/briefings/\(slug).md", at: .file(file.path)))
            }
        }
        for file in sources.metrics {
            content.snapshots += snapshots(from: file)
        }
        for file in sources.tallies {
            content.tallies += tallies(from: file)
        }
        for workbook in sources.metricWorkbooks {
            let (file, snapshots) = sheetTable(from: workbook, .snapshots) { $0.snapshot($1, in: $2, line: $3) }
            content.snapshots += snapshots
            if let file { content.files[file.path] = file }
        }
        for workbook in sources.tallyWorkbooks {
            let (file, tallies) = sheetTable(from: workbook, .tallies) { $0.tally($1, in: $2, line: $3) }
            content.tallies += tallies
            if let file { content.files[file.path] = file }
        }
        reportUnknownWorkbooks(named: config.sheets, among: sources)
        if let file = sources.themes { content.themes = themeCatalog(from: file) }
        if let file = sources.sentimentLexicon {
            let lexicon = SentimentLexicon(parsing: file.text)
            if lexicon.isEmpty {
                report(
                    file.diagnostic(
                        "no line of this lexicon gives a word and its valence, tab-separated: the built-in lexicon is used",
                        line: 1, column: 1, severity: .warning))
            } else {
                content.sentiment = lexicon
                content.sentimentHash = ThemeWords.hash(Array(file.text.utf8))
            }
        }
        for file in sources.perception {
            if let round = perceptionRound(from: file) { content.perceptionRounds.append(round) }
        }
        for file in sources.stories + sources.briefings + sources.briefingFigures + sources.metrics + sources.tallies + sources.perception
            + [sources.themes].compactMap({ $0 })
        {
            content.files[file.path] = file
        }
        reportDuplicateSlugs(content.stories.map { ($0.slug, $0.path) }, kind: "story")
        reportDuplicateSlugs(content.briefings.map { ($0.slug, $0.path) }, kind: "briefing")
        return (content, Set(stories.filter(\.reused).map(\.0.path)))
    }

    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    mutating func report(_ list: [Diagnostic]) {
        diagnostics += list
    }

    /// Parses files on all cores, each with a validator of its own, and gathers the results
    /// and diagnostics in file order.
    private mutating func parseAll<Item: Sendable>(
        _ files: [SourceFile],
        _ parse: @Sendable (inout ContentValidator, SourceFile) -> Item?
    ) -> [Item] {
        let config = self.config
        let results = files.concurrentMap { file -> (Item?, [Diagnostic]) in
            var validator = ContentValidator(config: config)
            let item = parse(&validator, file)
            return (item, validator.diagnostics)
        }
        for result in results { diagnostics += result.1 }
        return results.compactMap(\.0)
    }

    // MARK: For the fuzz targets

    /// Reads one story file; for the fuzz targets.
    mutating func parseStory(_ file: SourceFile) -> Story? { story(from: file) }

    /// Reads one briefing file; for the fuzz targets.
    mutating func parseBriefing(_ file: SourceFile) -> Briefing? { briefing(from: file) }

    /// Reads one snapshot CSV file; for the fuzz targets.
    mutating func parseSnapshots(_ file: SourceFile) -> [MetricSnapshot] { snapshots(from: file) }
}
