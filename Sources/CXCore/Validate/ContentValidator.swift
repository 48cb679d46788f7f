import Diagnostics
import Foundation
import Markdown
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
        let stories = parseAll(sources.stories) { validator, file -> (Story, reused: Bool)? in
            if let cached = cache?.story(for: file) { return (cached, true) }
            return validator.story(from: file).map { ($0, false) }
        } + sources.unchangedStories.compactMap { path in cache?.story(unchangedAt: path).map { ($0, true) } }
        content.stories = stories.map(\.0)
        content.briefings = parseAll(sources.briefings) { $0.briefing(from: $1) }
        for file in sources.metrics {
            content.snapshots += snapshots(from: file)
        }
        for file in sources.perception {
            if let round = perceptionRound(from: file) { content.perceptionRounds.append(round) }
        }
        for file in sources.stories + sources.briefings + sources.metrics + sources.perception {
            content.files[file.path] = file
        }
        content.stamps = Dictionary(sources.stories.compactMap { file in file.stamp.map { (file.path, $0) } },
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
    private mutating func parseAll<Item: Sendable>(_ files: [SourceFile],
                                                   _ parse: @Sendable (inout ContentValidator, SourceFile) -> Item?) -> [Item] {
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
        let segment = fields.string(Field.segment.rawValue)
        let touchpoints = touchpointIDs(&fields)
        let score = fields.int(Field.score.rawValue, in: 0...10)
        let quote = fields.string(Field.quote.rawValue)
        let tags = fields.strings(Field.tags.rawValue).map(\.value)
        let owner = fields.string(Field.owner.rawValue)
        let status: LoopStatus? = fields.choice(Field.status.rawValue)
        let statusLocation = fields.node(Field.status.rawValue).map { fields.location(of: $0) }
        let loop: LoopLevel? = fields.choice(Field.loop.rawValue)
        let draft = fields.bool(Field.draft.rawValue) ?? false
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
        guard let title, let date, let outcome, !fields.diagnostics.contains(where: \.isError) else { return nil }
        return Story(slug: slug, title: title, date: date, outcome: outcome, customer: customer, segment: segment,
                     touchpoints: touchpoints, score: score, quote: quote, tags: tags, owner: owner, status: status,
                     loop: loop, actions: actions, draft: draft, statusLocation: statusLocation,
                     body: markdown.render(body.text), bodyLine: body.line, path: file.path,
                     sourceHash: StableHasher.hash(file.text))
    }

    private mutating func touchpointIDs(_ fields: inout YAMLFields) -> [String] {
        var ids: [String] = []
        for item in fields.strings(Story.Field.touchpoints.rawValue) {
            guard config.touchpoint(item.value) != nil else {
                let known = config.journey.map(\.id).joined(separator: ", ")
                diagnostics.append(fields.file.diagnostic("unknown touchpoint '\(item.value)': the journey in cxsite.yaml has \(known)",
                                                          line: item.line, column: item.column))
                continue
            }
            if !ids.contains(item.value) { ids.append(item.value) }
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
        return Briefing(slug: Self.slug(of: file.path), title: title, date: date, period: period,
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
                diagnostics.append(Diagnostic(.error, "duplicate \(kind) slug '\(item.slug)': \(earlier) has the same name",
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

    private static let snapshotColumns = ["period", "metric", "value", "n", "segment", "touchpoint", "target"]

    /// The most errors shown for one snapshot file; past them, one line says how many more.
    static let shownSnapshotErrors = 20

    private mutating func snapshots(from file: SourceFile) -> [MetricSnapshot] {
        snapshotErrorsBefore = diagnostics.count
        let rows = file.path.hasSuffix(".csv") ? csvSnapshots(from: file) : documentSnapshots(from: file)
        let found = diagnostics.count - snapshotErrorsBefore
        if found > Self.shownSnapshotErrors {
            diagnostics.removeLast(found - Self.shownSnapshotErrors)
            report(Diagnostic(.error, "the rest of this file was not checked: fix these errors first", at: .file(file.path)))
        }
        return rows
    }

    /// How many diagnostics there were before the snapshot file being read.
    private var snapshotErrorsBefore = 0

    /// True once the snapshot file being read has given more errors than are shown: the rest
    /// of it is not read, so a file of bad rows costs no more than a few.
    private var snapshotErrorsFull: Bool { diagnostics.count - snapshotErrorsBefore > Self.shownSnapshotErrors }

    private mutating func csvSnapshots(from file: SourceFile) -> [MetricSnapshot] {
        var reader = CSVReader(Array(file.text.utf8))
        var rows: [MetricSnapshot] = []
        var header: [String]?
        while !snapshotErrorsFull {
            do {
                guard try reader.next() else { break }
            } catch {
                diagnostics.append(file.diagnostic(error.message, line: error.line, column: error.column))
                reader.skipLine()
                continue
            }
            let record = reader.record
            guard let columns = header else {
                let names = record.strings.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                header = names
                for required in ["period", "metric", "value"] where !names.contains(required) {
                    diagnostics.append(file.diagnostic("the header has no '\(required)' column: snapshot files start with period,metric,value",
                                                       line: record.line, column: 1))
                }
                continue
            }
            guard record.count == columns.count else {
                let last = record.position(record.count - 1)
                diagnostics.append(file.diagnostic("this row has \(record.count) fields but the header has \(columns.count)",
                                                   line: last.line, column: last.column))
                continue
            }
            var cells: [String: (String, Int, Int)] = [:]
            for (i, name) in columns.enumerated() {
                let position = record.position(i)
                cells[name] = (record.string(i).trimmingCharacters(in: .whitespaces), position.line, position.column)
            }
            if let row = snapshot(cells, in: file, line: record.line) { rows.append(row) }
        }
        if header == nil {
            diagnostics.append(file.diagnostic("the file is empty: snapshot files start with the header period,metric,value",
                                               line: 1, column: 1))
        }
        return rows
    }

    /// Snapshots in JSON or YAML: a list of rows, or `{snapshots: [...]}`, with the CSV's fields.
    private mutating func documentSnapshots(from file: SourceFile) -> [MetricSnapshot] {
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: file.text, .default, .default, .utf8)  // JSON is YAML
        } catch {
            diagnostics.append(file.diagnostic("not valid \(file.path.hasSuffix(".json") ? "JSON" : "YAML"): \(error)", line: 1, column: 1))
            return []
        }
        var list = node
        if case .mapping(let mapping)? = node { list = mapping[Yams.Node("snapshots")] }
        guard case .sequence(let sequence)? = list else {
            diagnostics.append(file.diagnostic("expected a list of snapshot rows (period, metric, value, …)", line: 1, column: 1))
            return []
        }
        var rows: [MetricSnapshot] = []
        for item in sequence where !snapshotErrorsFull {
            let line = item.mark?.line ?? 1, column = item.mark?.column ?? 1
            guard case .mapping(let mapping) = item else {
                diagnostics.append(file.diagnostic("each snapshot row must be a mapping", line: line, column: column))
                continue
            }
            var cells: [String: (String, Int, Int)] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                if case .scalar(let scalar) = value {
                    let isNull = YAMLFields.isNull(value)
                    cells[name] = (isNull ? "" : scalar.string, value.mark?.line ?? line, value.mark?.column ?? column)
                }
            }
            if let row = snapshot(cells, in: file, line: line) { rows.append(row) }
        }
        return rows
    }

    private mutating func snapshot(_ cells: [String: (text: String, line: Int, column: Int)], in file: SourceFile,
                                   line: Int) -> MetricSnapshot? {
        var ok = true
        func fail(_ message: String, _ cell: (text: String, line: Int, column: Int)?) {
            diagnostics.append(file.diagnostic(message, line: cell?.line ?? line, column: cell?.column ?? 1))
            ok = false
        }
        func text(_ name: String) -> String? {
            guard let value = cells[name]?.text, !value.isEmpty else { return nil }
            if let problem = YAMLFields.controlCharacter(in: value) {
                fail("'\(name)' \(problem)", cells[name])
                return nil
            }
            return value
        }
        var period: Period?
        if let raw = text("period") {
            switch Period.parse(raw) {
            case .success(let parsed) where parsed.kind != config.period:
                fail("'\(raw)' is a \(parsed.kind.rawValue) but cxsite.yaml groups by \(config.period.rawValue)", cells["period"])
            case .success(let parsed): period = parsed
            case .failure(let problem): fail(problem.description, cells["period"])
            }
        } else {
            fail("missing period (as in 2026-Q3 or 2026-09)", cells["period"])
        }
        let metric = text("metric")
        if let metric, config.metric(metric) == nil {
            let known = config.metrics.map(\.id).joined(separator: ", ")
            fail("unknown metric '\(metric)': cxsite.yaml knows \(known); declare it under 'metrics'", cells["metric"])
        } else if metric == nil {
            fail("missing metric", cells["metric"])
        }
        let value = text("value").flatMap(Self.number)
        if value == nil { fail("the value '\(text("value") ?? "")' is not a number (a finite one below 10^15)", cells["value"]) }
        var n: Int?
        if let raw = text("n") {
            n = Int(raw)
            if n == nil || n! < 0 { fail("n '\(raw)' must be a whole number of responses", cells["n"]) }
        }
        let touchpoint = text("touchpoint")
        if let touchpoint, config.touchpoint(touchpoint) == nil {
            fail("unknown touchpoint '\(touchpoint)': the journey in cxsite.yaml has \(config.journey.map(\.id).joined(separator: ", "))",
                 cells["touchpoint"])
        }
        var target: Double?
        if let raw = text("target") {
            target = Self.number(raw)
            if target == nil { fail("the target '\(raw)' is not a number (a finite one below 10^15)", cells["target"]) }
        }
        guard ok, let period, let metric, let value else { return nil }
        return MetricSnapshot(period: period, metric: metric, value: value, n: n,
                              segment: text("segment"), touchpoint: touchpoint, target: target,
                              location: file.location(line: line, column: 1))
    }
}
