import Diagnostics
import Foundation

/// The site's files, read and decoded, nothing parsed: what the load stage hands to validation.
struct SiteSources: Sendable {
    /// `cxsite.yaml`; nil when it is missing or cannot be read (and an error says why).
    var config: SourceFile?
    /// The design: the built-in templates and assets, with the site's `templates/` files in their place, by
    /// path relative to `templates/`.
    var design: [String: SourceFile] = [:]
    var stories: [SourceFile] = []
    /// Story files not read: their stamps are as the build cache has them, so the cache's
    /// stories stand for them.
    var unchangedStories: [String] = []
    /// When each content file last changed in git: empty unless asked for.
    var history = GitHistory()
    /// The stamps of the story files read, by path (the first, should two share a path).
    var storyStamps: [String: FileStamp] {
        Dictionary(stories.compactMap { file in file.stamp.map { (file.path, $0) } }, uniquingKeysWith: { first, _ in first })
    }
    var briefings: [SourceFile] = []
    /// The figures briefings showed when frozen: `content/briefings/SLUG.figures.yaml`.
    var briefingFigures: [SourceFile] = []
    /// Metric snapshots: `content/metrics/*.csv|json|yaml`.
    var metrics: [SourceFile] = []
    /// Survey tallies: `content/tallies/*.csv|json|yaml`.
    var tallies: [SourceFile] = []
    /// Snapshots and tallies in workbooks: `content/metrics/*.xlsx`, `content/tallies/*.xlsx`.
    var metricWorkbooks: [WorkbookFile] = []
    var tallyWorkbooks: [WorkbookFile] = []
    /// `content/themes.yaml`, when the site has one.
    var themes: SourceFile?
    /// `content/sentiment-lexicon.txt`, when the site replaces the built-in lexicon.
    var sentimentLexicon: SourceFile?
    /// Perception rounds: `content/perception/*.yaml`.
    var perception: [SourceFile] = []
    /// Survey responses, `content/responses/*.csv|tsv|xlsx`: too large to hold, so validation
    /// streams them.
    var responses: [String] = []
    /// Files copied into the output as they are.
    var staticFiles: [StaticFile] = []
}

/// Load: files → sources. Reads every file of the site the build uses, and only regular
/// files inside it, reporting each one it cannot use: first the config and the design, which
/// say how to read the rest (and what the build cache is keyed on), then the content.
enum Load {
    /// The config and the design.
    static func settings(of site: SiteFolder) -> (SiteSources, [Diagnostic]) {
        var sources = SiteSources()
        var diagnostics: [Diagnostic] = []
        if !site.exists(SiteConfig.fileName) {
            diagnostics.append(
                Diagnostic(
                    .error, "no cxsite.yaml in the site folder: is this a cxsite site? (--source names another folder)",
                    at: .file(SiteConfig.fileName)))
        } else if let problem = site.outsideLinkProblem(SiteConfig.fileName) {
            diagnostics.append(problem)
        } else {
            switch site.read(SiteConfig.fileName) {
            case .success(let file): sources.config = file
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        for (name, text) in Design.builtInFiles {
            sources.design[name] = SourceFile(path: "(built-in theme) templates/" + name, text: text)
        }
        let (themeFiles, themeProblems) = site.filesRecursively(in: "templates")
        diagnostics += themeProblems
        // The design's pictures and fonts are copied as they are, with the static files.
        let textFiles = themeFiles.filter { !($0.hasPrefix("assets/") && StaticFiles.themeBinary.contains(StaticFiles.fileType(of: $0))) }
        for (name, file) in read(textFiles.map { "templates/" + $0 }, from: site, limit: SiteFolder.textFileLimit, &diagnostics) {
            sources.design[String(name.dropFirst("templates/".count))] = file
        }
        return (sources, diagnostics)
    }

    /// The content, into `sources`. A story file whose metadata is as `unchanged` has it is
    /// not read (``SiteSources/unchangedStories``): asked for once the files' metadata is read,
    /// so that the build cache that says it can be read meanwhile.
    static func content(
        of site: SiteFolder, into sources: SiteSources,
        unchanged: () -> [String: FileStamp] = { [:] }, history: Bool = false
    ) -> (SiteSources, [Diagnostic]) {
        var sources = sources
        // `git log` runs while the files are listed and read: a process of its own, it costs
        // the build nothing it waits for unless it takes longer than they do.
        let root = site.root
        let gitLog = history ? BackgroundWork { GitHistory(folder: root) } : nil
        var diagnostics: [Diagnostic] = []

        func list(_ folder: String, _ extensions: Set<String>) -> [String] {
            let (paths, problems) = site.files(in: folder, extensions: extensions)
            diagnostics += problems
            return paths
        }
        // One listing for the stories and the pictures beside them.
        let storyTypes = contentFolders["content/stories"]!
        let storyFolder = list("content/stories", storyTypes.union(StaticFiles.besideStories))
        let (stories, besideStories) = storyFolder.reduce(into: ([String](), [String]())) { parts, path in
            if storyTypes.contains(StaticFiles.fileType(of: path)) { parts.0.append(path) } else { parts.1.append(path) }
        }
        // One listing for the briefings and the figures frozen beside them (one error if it fails).
        let briefingFolder = list("content/briefings", contentFolders["content/briefings"]!.union(["yaml"]))
        let briefings = briefingFolder.filter { !$0.lowercased().hasSuffix(".yaml") }
        // One `stat` a file, on all cores: the sizes for the memory bound, the stamps to tell
        // which stories are as the cache has them.
        let stamps = (stories + briefings).concurrentMap { FileStamp(followingLinksAt: site.path($0)) }
        if let problem = markdownTotalProblem(stamps.reduce(0) { $0 + ($1?.size ?? 0) }) {
            diagnostics.append(problem)
        } else {
            var changed: [String] = []
            let unchanged = unchanged()
            for (path, stamp) in zip(stories, stamps) {
                if let stamp, stamp == unchanged[path] { sources.unchangedStories.append(path) } else { changed.append(path) }
            }
            sources.stories = read(changed, from: site, limit: SiteFolder.markdownFileLimit, &diagnostics).map(\.file)
            sources.briefings = read(briefings, from: site, limit: SiteFolder.markdownFileLimit, &diagnostics).map(\.file)
        }
        sources.briefingFigures = read(
            briefingFolder.filter { $0.hasSuffix(PublishedFigures.suffix) }, from: site,
            limit: SiteFolder.textFileLimit, &diagnostics
        ).map(\.file)
        let (metrics, metricWorkbooks) = tables(list("content/metrics", contentFolders["content/metrics"]!))
        let (tallies, tallyWorkbooks) = tables(list("content/tallies", contentFolders["content/tallies"]!))
        sources.metrics = read(metrics, from: site, limit: SiteFolder.textFileLimit, &diagnostics).map(\.file)
        sources.tallies = read(tallies, from: site, limit: SiteFolder.textFileLimit, &diagnostics).map(\.file)
        sources.metricWorkbooks = readWorkbooks(metricWorkbooks, from: site, &diagnostics)
        sources.tallyWorkbooks = readWorkbooks(tallyWorkbooks, from: site, &diagnostics)
        if site.exists(ThemeCatalog.path) {
            sources.themes = read([ThemeCatalog.path], from: site, limit: SiteFolder.textFileLimit, &diagnostics).first?.file
        }
        if site.exists(SentimentLexicon.sitePath) {
            sources.sentimentLexicon = read([SentimentLexicon.sitePath], from: site, limit: SiteFolder.textFileLimit, &diagnostics).first?.file
        }
        sources.perception = read(
            list("content/perception", contentFolders["content/perception"]!), from: site,
            limit: SiteFolder.textFileLimit, &diagnostics
        ).map(\.file)
        // Responses may sit in folders of their own (an export per platform, as it came).
        let (responses, responseProblems) = site.filesRecursively(in: "content/responses")
        diagnostics += responseProblems
        sources.responses = responses.filter { name in
            contentFolders["content/responses"]!.contains((name as NSString).pathExtension.lowercased())
        }.map { "content/responses/" + $0 }
        let (staticFiles, staticProblems) = StaticFiles.load(from: site, besideStories: besideStories)
        sources.staticFiles = staticFiles
        diagnostics += staticProblems
        if let gitLog { sources.history = gitLog.value }
        return (sources, diagnostics)
    }

    /// The folders of `content/` a build reads, each with the file extensions it reads there
    /// (not their subfolders); and the single files it reads.
    static let contentFolders: [String: Set<String>] = [
        "content/stories": ["md", "markdown"], "content/briefings": ["md", "markdown"],
        "content/metrics": ["csv", "tsv", "xlsx", "xlsm", "json", "yaml", "yml"],
        "content/tallies": ["csv", "tsv", "xlsx", "xlsm", "json", "yaml", "yml"],
        "content/perception": ["yaml", "yml"], "content/responses": ["csv", "tsv", "xlsx", "xlsm"],
    ]
    static let contentFiles: Set<String> = [ThemeCatalog.path, SentimentLexicon.sitePath]

    /// `diagnostics`, each pointing into a story file that was not read (`unread`: the build
    /// cache stood for it) given its source line from the file now, as a read file's would be.
    static func quote(_ diagnostics: [Diagnostic], unread: Set<String>, in site: SiteFolder) -> [Diagnostic] {
        var files: [String: SourceFile?] = [:]
        return diagnostics.map { diagnostic in
            guard diagnostic.sourceLine == nil, let location = diagnostic.location, location.line > 0, unread.contains(location.path)
            else { return diagnostic }
            if files[location.path] == nil { files[location.path] = try? site.read(location.path).get() }
            guard let file = files[location.path] ?? nil else { return diagnostic }
            return file.diagnostic(
                diagnostic.message, line: location.line, column: location.column, severity: diagnostic.severity, notes: diagnostic.notes)
        }
    }

    /// A warning for each file of `content/` that no build reads (hidden files aside): a
    /// story saved as `.txt`, a spreadsheet, a folder of old stories.
    static func unreadContent(of site: SiteFolder) -> [Diagnostic] {
        guard site.exists("content") else { return [] }
        /// The folder whose rule reads `path`: responses are read in subfolders too.
        func folder(of path: String) -> String {
            path.hasPrefix("content/responses/") ? "content/responses" : (path as NSString).deletingLastPathComponent
        }
        return site.filesRecursively(in: "content").files.map { "content/" + $0 }.filter { path in
            let home = folder(of: path)
            let type = (path as NSString).pathExtension.lowercased()
            let copied = home == "content/stories" && StaticFiles.besideStories.contains(type)
            let figures = home == "content/briefings" && path.hasSuffix(PublishedFigures.suffix)
            return !contentFiles.contains(path) && !copied && !figures && !(contentFolders[home]?.contains(type) ?? false)
        }.map { path in
            let home = folder(of: path)
            let type = (path as NSString).pathExtension.lowercased()
            var hint =
                contentFolders[home].map { "only " + $0.sorted().map { "." + $0 }.joined(separator: ", ") + " files are read there" }
                ?? "cxsite reads content/stories, briefings, metrics, responses, tallies, perception, themes.yaml and sentiment-lexicon.txt"
            if otherSpreadsheets.contains(type), contentFolders[home]?.contains("xlsx") == true {
                hint += "; save the spreadsheet as Excel Workbook (.xlsx)"
            }
            return Diagnostic(.warning, "this file is not read: \(hint)", at: .file(path))
        }
    }

    /// Spreadsheets in formats cxsite does not read, which a spreadsheet can save as `.xlsx`.
    private static let otherSpreadsheets: Set<String> = ["xls", "ods", "numbers", "xlsb"]

    /// Table files split into text files and workbooks.
    private static func tables(_ paths: [String]) -> (text: [String], workbooks: [String]) {
        (paths.filter { !WorkbookFile.isWorkbook($0) }, paths.filter(WorkbookFile.isWorkbook))
    }

    /// Reads workbooks whole, reporting those that cannot be read.
    private static func readWorkbooks(_ paths: [String], from site: SiteFolder, _ diagnostics: inout [Diagnostic]) -> [WorkbookFile] {
        paths.compactMap { path in
            switch site.readBytes(path, limit: WorkbookFile.tableLimit) {
            case .success(let read): return WorkbookFile(path: path, bytes: read.bytes)
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                return nil
            }
        }
    }

    /// Reads files on all cores, in order, reporting those that cannot be read.
    private static func read(
        _ paths: [String], from site: SiteFolder, limit: Int,
        _ diagnostics: inout [Diagnostic]
    ) -> [(path: String, file: SourceFile)] {
        var files: [(String, SourceFile)] = []
        for (path, result) in zip(paths, paths.concurrentMap { site.read($0, limit: limit) }) {
            switch result {
            case .success(let file): files.append((path, file))
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        return files
    }

    /// An error when the stories and briefings, `total` bytes together, are larger than a build
    /// holds in memory (``SiteFolder/markdownTotalLimit``): checked before any is read.
    private static func markdownTotalProblem(_ total: Int) -> Diagnostic? {
        guard total > SiteFolder.markdownTotalLimit else { return nil }
        let megabytes = String(format: "%.0f", Double(total) / 1_048_576)
        return Diagnostic(
            .error,
            "the stories and briefings add up to \(megabytes) MiB, more than the \(SiteFolder.markdownTotalLimit >> 20) MiB a build holds in memory: split the site, or archive old stories",
            at: .file("content"))
    }
}
