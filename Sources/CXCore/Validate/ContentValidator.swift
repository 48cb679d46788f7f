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
    private(set) var diagnostics: [Diagnostic] = []

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
        for file in sources.stories + sources.briefings + sources.metrics + sources.tallies + sources.perception
            + [sources.themes].compactMap({ $0 })
        {
            content.files[file.path] = file
        }
        content.stamps = Dictionary(
            sources.stories.compactMap { file in file.stamp.map { (file.path, $0) } },
            uniquingKeysWith: { first, _ in first })
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

    // MARK: Stories

    /// Reads one story file; for the fuzz targets.
    mutating func parseStory(_ file: SourceFile) -> Story? { story(from: file) }

    /// Reads one briefing file; for the fuzz targets.
    mutating func parseBriefing(_ file: SourceFile) -> Briefing? { briefing(from: file) }

    /// Reads one snapshot CSV file; for the fuzz targets.
    mutating func parseSnapshots(_ file: SourceFile) -> [MetricSnapshot] { snapshots(from: file) }

    private mutating func story(from file: SourceFile) -> Story? {
        guard let (front, body) = frontMatter(of: file, what: "a story") else { return nil }
        var fields = front
        let slug = Self.slug(of: file.path)
        guard pageName(slug, of: file) else { return nil }
        typealias Field = Story.Field
        let title = fields.string(Field.title.rawValue, required: true)
        let date = fields.day(Field.date.rawValue, required: true)
        let outcome: Outcome? = fields.choice(Field.outcome.rawValue, required: true)
        let customer = fields.string(Field.customer.rawValue)
        let dateLocation = fields.node(Field.date.rawValue).map { fields.location(of: $0) }
        if let customer, customer.trimmingCharacters(in: .whitespaces).isEmpty, let node = fields.node(Field.customer.rawValue) {
            fields.appendDiagnostic(
                fields.file.diagnostic(
                    "'customer' is empty: who was it? (a name and place, or a role, as in \"Priya S., Leeds\")",
                    line: fields.position(of: node).line, column: fields.position(of: node).column,
                    severity: .warning))
        }
        let segment = fields.string(Field.segment.rawValue)
        let touchpoints = touchpointIDs(&fields)
        let journeys = journeyIDs(&fields)
        let score = fields.int(Field.score.rawValue, in: 0...10)
        let quote = fields.string(Field.quote.rawValue)
        let tags = fields.strings(Field.tags.rawValue).map(\.value)
        let themes = fields.strings(Field.themes.rawValue).map {
            Story.ThemeReference(id: $0.value, location: file.location(line: $0.line, column: $0.column))
        }
        let owner = fields.string(Field.owner.rawValue)
        let status: LoopStatus? = fields.choice(Field.status.rawValue)
        let statusLocation = fields.node(Field.status.rawValue).map { fields.location(of: $0) }
        let loop: LoopLevel? = fields.choice(Field.loop.rawValue)
        let draft = fields.bool(Field.draft.rawValue) ?? false
        var left = false
        var leftDate: Day?
        if let node = fields.node(Field.left.rawValue), !YAMLFields.isNull(node) {
            if let answer = YAMLFields.plainScalar(node).flatMap(YAMLFields.boolean) {
                left = answer
            } else {
                leftDate = fields.day(Field.left.rawValue)
                left = leftDate != nil
            }
            if left, outcome == .success {
                fields.report(at: node, "a customer who left is a failure story: set 'outcome: failure', or remove 'left'")
            }
        }
        var actions: [Story.Action] = []
        for var entry in fields.mappings(Field.actions.rawValue) {
            let what = entry.string("what", required: true)
            let actionOwner = entry.string("owner")
            let due = entry.day("due")
            let done = entry.bool("done") ?? false
            entry.warnAboutUnknownKeys(["what", "owner", "due", "done"])
            fields.absorb(entry)
            if let what { actions.append(Story.Action(what: what, owner: actionOwner, due: due, done: done)) }
        }
        fields.warnAboutUnknownKeys(Set(Field.allCases.map(\.rawValue)))
        diagnostics += fields.diagnostics
        diagnostics += Self.emptySections(in: body, of: file)
        guard let title, let date, let outcome, !fields.diagnostics.contains(where: \.isError) else { return nil }
        return Story(
            slug: slug, title: title, date: date, outcome: outcome, customer: customer, segment: segment,
            touchpoints: touchpoints, journeys: journeys, score: score, quote: quote, tags: tags, themes: themes, owner: owner, status: status,
            loop: loop, actions: actions, draft: draft, left: left, leftDate: leftDate, dateLocation: dateLocation,
            statusLocation: statusLocation,
            body: markdown.render(body.text), bodyLine: body.line, path: file.path,
            sourceHash: StableHasher.hash(file.text))
    }

    /// A warning for each heading with nothing under it before the next heading of its level
    /// or higher, or the end: a section `cxsite new` wrote that nobody filled in.
    static func emptySections(in body: (text: String, line: Int), of file: SourceFile) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        var open: (title: Substring.UTF8View, level: Int, line: Int)?
        var inFence = false
        func close() {
            if let section = open {
                let title = String(decoding: section.title, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                warnings.append(
                    file.diagnostic(
                        "the section '\(title)' is empty: write it, or remove the heading",
                        line: section.line, column: 1, severity: .warning))
            }
            open = nil
        }
        // Bytes, not strings: this runs over every story's text on every full build.
        let hash = UInt8(ascii: "#")
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        for (offset, line) in body.text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard let first = line.firstIndex(where: { $0 != space && $0 != tab && $0 != UInt8(ascii: "\r") }) else { continue }
            let rest = line[first...]
            if rest.starts(with: "```".utf8) || rest.starts(with: "~~~".utf8) { inFence.toggle() }
            let level = inFence || rest.first != hash ? 0 : rest.prefix { $0 == hash }.count
            if (1...6).contains(level), rest.dropFirst(level).first == space {
                if let section = open, level > section.level { open = nil }  // a subsection is content
                close()
                open = (Substring(rest.dropFirst(level)).utf8, level, body.line + offset)
            } else {
                open = nil
            }
        }
        close()
        return warnings
    }

    private mutating func touchpointIDs(_ fields: inout YAMLFields) -> [String] {
        let config = config
        return knownIDs(&fields, Story.Field.touchpoints, what: "touchpoint", known: config.touchpoints.map(\.id).joined(separator: ", ")) {
            config.touchpoint($0) != nil
        }
    }

    private mutating func journeyIDs(_ fields: inout YAMLFields) -> [String] {
        let config = config
        return knownIDs(&fields, Story.Field.journeys, what: "journey", known: config.journeyList) { config.journey($0) != nil }
    }

    /// The ids of the list `field` that `isKnown`, each once, in order; the unknown ones are one
    /// error at the first of them, however many there are.
    private mutating func knownIDs(
        _ fields: inout YAMLFields, _ field: Story.Field, what: String, known: String, isKnown: (String) -> Bool
    ) -> [String] {
        var ids: [String] = []
        var seen: Set<String> = []
        var unknown: [(value: String, line: Int, column: Int)] = []
        for item in fields.strings(field.rawValue) {
            guard isKnown(item.value) else {
                unknown.append(item)
                continue
            }
            if seen.insert(item.value).inserted { ids.append(item.value) }
        }
        if let first = unknown.first {
            diagnostics.append(
                fields.file.diagnostic(
                    YAMLFields.unknown(what, unknown.map(\.value)) + ": cxsite.yaml has \(known)", line: first.line, column: first.column))
        }
        return ids
    }

    // MARK: Briefings

    private mutating func briefing(from file: SourceFile) -> Briefing? {
        guard let (front, body) = frontMatter(of: file, what: "a briefing") else { return nil }
        var fields = front
        guard pageName(Self.slug(of: file.path), of: file) else { return nil }
        let title = fields.string("title", required: true)
        let date = fields.day("date", required: true)
        var period: Period?
        if let node = fields.node("period"), let text = node.string {
            switch Period.parse(text) {
            case .success(let parsed) where parsed.kind != config.period:
                fields.report(at: node, "'period': \(text) is a \(parsed.kind.rawValue) but cxsite.yaml groups by \(config.period.rawValue)")
            case .success(let parsed): period = parsed
            case .failure(let problem): fields.report(at: node, "'period': \(problem)")
            }
        } else {
            fields.error("missing required field 'period' (as in 2026-Q3 or 2026-09)")
        }
        let storiesLocation = fields.node("stories").map { fields.location(of: $0) } ?? file.location(line: 1, column: 1)
        let references = fields.strings("stories").map {
            (slug: $0.value, location: fields.file.location(line: $0.line, column: $0.column))
        }
        fields.warnAboutUnknownKeys(["title", "date", "period", "stories"])
        diagnostics += fields.diagnostics
        guard let title, let date, let period, !fields.diagnostics.contains(where: \.isError) else { return nil }
        return Briefing(
            slug: Self.slug(of: file.path), title: title, date: date, period: period,
            storyReferences: references, storiesLocation: storiesLocation,
            body: markdown.render(body.text, headingOffset: 1),
            bodyLine: body.line, path: file.path)
    }

    // MARK: Front matter

    /// The front matter of a story or briefing as fields to read, and its markdown body with
    /// the line it starts on; nil, with the problem reported, when either cannot be used.
    private mutating func frontMatter(of file: SourceFile, what: String) -> (YAMLFields, body: (text: String, line: Int))? {
        switch FrontMatter.split(file, what: what) {
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        case .success(let parts):
            if let problem = MarkdownLimits.problem(in: parts.body) {
                diagnostics.append(file.diagnostic(problem.message, line: parts.bodyLine + problem.line - 1, column: problem.column))
                return nil
            }
            switch YAMLFields.parse(parts.yaml, in: file, lineOffset: parts.yamlLineOffset, what: "the front matter") {
            case .success(let fields): return (fields, (parts.body, parts.bodyLine))
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                return nil
            }
        }
    }

    /// True when `slug` can name a page folder; reports why not otherwise.
    private mutating func pageName(_ slug: String, of file: SourceFile) -> Bool {
        guard let problem = Slug.problem(slug) else { return true }
        report(Diagnostic(.error, "the file name '\(slug)' cannot name a page: it \(problem)", at: .file(file.path)))
        return false
    }

    static func slug(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    private mutating func reportDuplicateSlugs(_ items: [(slug: String, path: String)], kind: String) {
        var firstPath: [String: String] = [:]
        for item in items {
            let key = item.slug.lowercased()  // folders clash on case-insensitive disks
            if let earlier = firstPath[key] {
                diagnostics.append(
                    Diagnostic(
                        .error, "duplicate \(kind) slug '\(item.slug)': \(earlier) has the same name",
                        at: .file(item.path), notes: [Diagnostic.Note("the other file", at: .file(earlier))]))
            } else {
                firstPath[key] = item.path
            }
        }
    }

    // MARK: Metric snapshots

    /// A finite number of a sensible size (snapshot values and targets).
    static func number(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite, abs(value) < 1e15 else { return nil }
        return value
    }

    /// The most errors shown for one snapshot or tally file; past them, one line says how many more.
    static let shownSnapshotErrors = 20

    /// A row of a snapshot or tally file: each named field's text and where it stands.
    typealias Cells = [String: (text: String, line: Int, column: Int)]

    /// A kind of table file: what its rows are called, the columns every row needs, and the
    /// key a JSON or YAML document may list its rows under.
    struct TableKind {
        let rows: String
        let required: [String]
        let listKey: String

        static let snapshots = TableKind(rows: "snapshot", required: ["period", "metric", "value"], listKey: "snapshots")
        static let tallies = TableKind(rows: "tally", required: ["period", "metric", "n"], listKey: "tallies")
    }

    private mutating func snapshots(from file: SourceFile) -> [MetricSnapshot] {
        table(from: file, .snapshots) { $0.snapshot($1, in: $2, line: $3) }
    }

    /// Makes a row of a table from its cells, in its file, at its line.
    typealias RowReader<Row> = (inout ContentValidator, Cells, SourceFile, Int) -> Row?

    /// An error for each workbook `sheets` names that the site does not have.
    private mutating func reportUnknownWorkbooks(named sheets: [String: NamedSheet], among sources: SiteSources) {
        let present = Set((sources.metricWorkbooks + sources.tallyWorkbooks).map(\.path) + sources.responses)
        for (path, named) in sheets.sorted(by: { $0.key < $1.key }) where !present.contains(path) {
            report(Diagnostic(.error, "'sheets' names \(path), which the site does not have", at: named.fileLocation))
        }
    }

    /// The rows of a snapshot or tally file (CSV, or JSON or YAML), each made by `row` from its
    /// fields and the line it starts on as the file is read; at most ``shownSnapshotErrors``
    /// errors, and then a line saying the rest was not checked.
    mutating func table<Row>(
        from file: SourceFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> [Row] {
        snapshotErrorsBefore = diagnostics.count
        let type = StaticFiles.fileType(of: file.path)
        let rows = type == "csv" || type == "tsv" ? csvTable(from: file, kind, row) : documentTable(from: file, kind, row)
        let found = diagnostics.count - snapshotErrorsBefore
        if found > Self.shownSnapshotErrors {
            diagnostics.removeLast(found - Self.shownSnapshotErrors)
            report(Diagnostic(.error, "the rest of this file was not checked: fix these errors first", at: .file(file.path)))
        }
        return rows
    }

    /// How many diagnostics there were before the table file being read.
    private var snapshotErrorsBefore = 0

    /// True once the table file being read has given more errors than are shown: the rest
    /// of it is not read, so a file of bad rows costs no more than a few.
    private var snapshotErrorsFull: Bool { diagnostics.count - snapshotErrorsBefore > Self.shownSnapshotErrors }

    private mutating func csvTable<Row>(
        from file: SourceFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> [Row] {
        var reader = CSVReader(Array(file.text.utf8), delimiter: CSVReader.delimiter(of: file.path))
        var table = TableReading<Row>()
        while !snapshotErrorsFull {
            do {
                guard try reader.next() else { break }
            } catch {
                diagnostics.append(file.diagnostic(error.message, line: error.line, column: error.column))
                reader.skipLine()
                continue
            }
            take(reader.record, into: &table, from: file, kind, row)
        }
        return finish(table, of: file, kind)
    }

    /// The rows of a table on a sheet of a workbook (`.xlsx`): the sheet `cxsite.yaml` names
    /// for the file under `sheets`, or the first.
    mutating func sheetTable<Row>(
        from workbook: WorkbookFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> (SourceFile?, [Row]) {
        snapshotErrorsBefore = diagnostics.count
        let opened: (Workbook, Workbook.Sheet)
        switch workbook.open(config: config) {
        case .success(let found): opened = found
        case .failure(let diagnostic):
            report(diagnostic)
            return (nil, [])
        }
        var file = SourceFile(path: workbook.path, text: "")
        file.sheet = opened.1.name
        var table = TableReading<Row>()
        var record = CSVReader.Record()
        do {
            try opened.0.forEachRow(in: opened.1) { sheetRow in
                if let problem = sheetRow.problem {
                    diagnostics.append(file.diagnostic(problem.message, line: sheetRow.number, column: problem.column))
                } else {
                    record.load(sheetRow, width: table.header?.count ?? 0)
                    take(record, into: &table, from: file, kind, row)
                }
                return !snapshotErrorsFull
            }
        } catch {
            report(Diagnostic(.error, error.message, at: .file(workbook.path), notes: [Diagnostic.Note("in sheet '\(opened.1.name)'")]))
        }
        let rows = finish(table, of: file, kind)
        let found = diagnostics.count - snapshotErrorsBefore
        if found > Self.shownSnapshotErrors {
            diagnostics.removeLast(found - Self.shownSnapshotErrors)
            report(Diagnostic(.error, "the rest of this sheet was not checked: fix these errors first", at: .file(file.path)))
        }
        return (file, rows)
    }

    /// A CSV or sheet table being read: its header once read, and its rows.
    private struct TableReading<Row> {
        var header: [String]?
        var rows: [Row] = []
    }

    /// Reads one record of a table: the header first, then rows.
    private mutating func take<Row>(
        _ record: CSVReader.Record, into table: inout TableReading<Row>, from file: SourceFile,
        _ kind: TableKind, _ row: RowReader<Row>
    ) {
        if let problem = record.textProblem() {
            diagnostics.append(file.diagnostic(problem.message, line: problem.line, column: problem.column))
            return
        }
        guard let columns = table.header else {
            let names = record.strings.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            table.header = names
            for required in kind.required where !names.contains(required) {
                diagnostics.append(
                    file.diagnostic(
                        "the header has no '\(required)' column: \(kind.rows) files start with \(kind.required.joined(separator: ","))",
                        line: record.line, column: 1))
            }
            return
        }
        guard record.count == columns.count else {
            let last = record.position(record.count - 1)
            diagnostics.append(file.diagnostic(record.widthMessage(header: columns.count), line: last.line, column: last.column))
            return
        }
        var cells: Cells = [:]
        for (i, name) in columns.enumerated() {
            let position = record.position(i)
            cells[name] = (record.string(i).trimmingCharacters(in: .whitespaces), position.line, position.column)
        }
        if let made = row(&self, cells, file, record.line) { table.rows.append(made) }
    }

    /// The rows read, after an error if there was not even a header.
    private mutating func finish<Row>(_ table: TableReading<Row>, of file: SourceFile, _ kind: TableKind) -> [Row] {
        if table.header == nil {
            diagnostics.append(
                file.diagnostic(
                    "the \(file.sheet == nil ? "file" : "sheet") is empty: \(kind.rows) files start with the header \(kind.required.joined(separator: ","))",
                    line: 1, column: 1))
        }
        return table.rows
    }

    /// A table in JSON or YAML: a list of rows, or `{snapshots: [...]}` (`tallies`), with the
    /// CSV's fields.
    private mutating func documentTable<Row>(
        from file: SourceFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> [Row] {
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: file.text, .default, .default, .utf8)  // JSON is YAML
        } catch {
            diagnostics.append(file.diagnostic("not valid \(file.path.hasSuffix(".json") ? "JSON" : "YAML"): \(error)", line: 1, column: 1))
            return []
        }
        var list = node
        if case .mapping(let mapping)? = node { list = mapping[Yams.Node(kind.listKey)] }
        guard case .sequence(let sequence)? = list else {
            diagnostics.append(
                file.diagnostic(
                    "expected a list of \(kind.rows) rows (\(kind.required.joined(separator: ", ")), …)",
                    line: 1, column: 1))
            return []
        }
        var rows: [Row] = []
        for item in sequence where !snapshotErrorsFull {
            let line = item.mark?.line ?? 1
            let column = item.mark?.column ?? 1
            guard case .mapping(let mapping) = item else {
                diagnostics.append(file.diagnostic("each \(kind.rows) row must be a mapping", line: line, column: column))
                continue
            }
            var cells: Cells = [:]
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                if case .scalar(let scalar) = value {
                    let isNull = YAMLFields.isNull(value)
                    cells[name] = (isNull ? "" : scalar.string, value.mark?.line ?? line, value.mark?.column ?? column)
                }
            }
            if let made = row(&self, cells, file, line) { rows.append(made) }
        }
        return rows
    }

    mutating func snapshot(_ cells: Cells, in file: SourceFile, line: Int) -> MetricSnapshot? {
        var row = TableRow(cells: cells, file: file, line: line, config: config)
        defer { report(row.diagnostics) }
        let period = row.period()
        let metric = row.text("metric")
        if let metric, config.metric(metric) == nil {
            let known = config.metrics.map(\.id).joined(separator: ", ")
            row.fail("unknown metric '\(metric)': cxsite.yaml knows \(known); declare it under 'metrics'", "metric")
        } else if metric == nil {
            row.fail("missing metric", "metric")
        }
        let value = row.text("value").flatMap(Self.number)
        if value == nil { row.fail("the value '\(row.text("value") ?? "")' is not a number (a finite one below 10^15)", "value") }
        var n: Int?
        if let raw = row.text("n") {
            n = Int(raw)
            if n == nil || n! < 0 { row.fail("n '\(raw)' must be a whole number of responses", "n") }
        }
        let group = row.group(of: "a snapshot")
        var target: Double?
        if let raw = row.text("target") {
            target = Self.number(raw)
            if target == nil { row.fail("the target '\(raw)' is not a number (a finite one below 10^15)", "target") }
        }
        guard row.ok, let period, let metric, let value, let group else { return nil }
        return MetricSnapshot(
            period: period, metric: metric, value: value, n: n, group: group, target: target,
            location: file.location(line: line, column: 1))
    }
}

/// The fields of one snapshot or tally row, read with their checks: every problem is a
/// diagnostic at its field.
struct TableRow {
    let cells: ContentValidator.Cells
    let file: SourceFile
    let line: Int
    let config: SiteConfig
    private(set) var diagnostics: [Diagnostic] = []
    var ok: Bool { diagnostics.isEmpty }

    init(cells: ContentValidator.Cells, file: SourceFile, line: Int, config: SiteConfig) {
        self.cells = cells
        self.file = file
        self.line = line
        self.config = config
    }

    mutating func fail(_ message: String, _ name: String) {
        let cell = cells[name]
        diagnostics.append(file.diagnostic(message, line: cell?.line ?? line, column: cell?.column ?? 1))
    }

    /// The field's text; nil when it is missing or empty, or holds a control character.
    mutating func text(_ name: String) -> String? {
        guard let value = cells[name]?.text, !value.isEmpty else { return nil }
        if let problem = YAMLFields.controlCharacter(in: value) {
            fail("'\(name)' \(problem)", name)
            return nil
        }
        return value
    }

    /// The required `period`, of the kind `cxsite.yaml` groups by.
    mutating func period() -> Period? {
        guard let raw = text("period") else {
            fail("missing period (as in 2026-Q3 or 2026-09)", "period")
            return nil
        }
        switch Period.parse(raw) {
        case .success(let parsed) where parsed.kind != config.period:
            fail("'\(raw)' is a \(parsed.kind.rawValue) but cxsite.yaml groups by \(config.period.rawValue)", "period")
        case .success(let parsed): return parsed
        case .failure(let problem):
            // A spreadsheet reads "2026-09" typed in a cell as a date, which the sheet then gives.
            if file.sheet != nil, case .success(let day) = Day.parse(raw) {
                fail(
                    "'\(raw)' is a date, not a period: the spreadsheet took what was typed for a date; format the column as text and type \(Period(containing: day, kind: config.period))",
                    "period")
            } else {
                fail(problem.description, "period")
            }
        }
        return nil
    }

    /// The optional `touchpoint`, which must be in the journey.
    mutating func touchpoint() -> String? {
        guard let touchpoint = text("touchpoint") else { return nil }
        guard config.touchpoint(touchpoint) != nil else {
            fail(
                "unknown touchpoint '\(touchpoint)': cxsite.yaml has \(config.touchpointList)",
                "touchpoint")
            return nil
        }
        return touchpoint
    }

    /// The group a row is of: everyone, or the one of `segment`, `touchpoint`, `journey` and
    /// `level` it gives; nil when it gives more than one, or one cxsite.yaml does not know.
    /// `what` names the row for the message ("a tally").
    mutating func group(of what: String) -> Scorecard.Group? {
        let before = diagnostics.count
        let segment = text("segment")
        let touchpoint = touchpoint()
        let journey = journey()
        var level: Scorecard.Group?
        if let raw = text("level") {
            switch raw.lowercased() {
            case "relationship": level = .relationship
            case "transactional": level = .transactional
            default: fail("level '\(raw)' must be relationship or transactional (a journey's row names its journey)", "level")
            }
        }
        let named = [
            segment.map(Scorecard.Group.segment), touchpoint.map(Scorecard.Group.touchpoint),
            journey.map(Scorecard.Group.journey), level,
        ].compactMap { $0 }
        if named.count > 1 {
            fail(
                "\(what) row is one group: give one of segment, touchpoint, journey and level (none for everyone)",
                ["segment", "touchpoint", "journey", "level"].last { text($0) != nil }!)
        }
        return diagnostics.count == before ? named.first ?? .all : nil
    }

    /// The optional `journey`, which must be one of cxsite.yaml's.
    mutating func journey() -> String? {
        guard let journey = text("journey") else { return nil }
        guard config.journey(journey) != nil else {
            fail("unknown journey '\(journey)': cxsite.yaml has \(config.journeyList)", "journey")
            return nil
        }
        return journey
    }

    /// A number of `name`, at least `minimum`; nil (reported) when missing or not such a number.
    mutating func number(_ name: String, atLeast minimum: Double, what: String) -> Double? {
        guard let raw = text(name) else {
            fail("missing '\(name)': \(what)", name)
            return nil
        }
        guard let value = ContentValidator.number(raw), value >= minimum else {
            fail("'\(name)' is '\(raw)': it must be \(what)", name)
            return nil
        }
        return value
    }
}
