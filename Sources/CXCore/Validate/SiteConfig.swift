import Diagnostics
import Foundation

/// `cxsite.yaml`: the site's title, its period, the touchpoint inventory, the journeys
/// through it, its metrics and the metrics that count customers gained and lost.
public struct SiteConfig: Sendable {
    public var title: String
    public var period: PeriodKind
    /// The touchpoint inventory, in the order a customer usually meets them.
    public var touchpoints: [Touchpoint]
    /// The journeys through the touchpoints; a touchpoint may be a step of several.
    public var journeys: [Journey]
    /// The built-in NPS, CSAT and CES, then the metrics the site declares.
    public var metrics: [MetricDefinition]
    /// Raw HTML in markdown passes through only when true.
    public var allowsRawHTML: Bool
    /// The public address of the site, for absolute links in feeds; optional.
    public var baseURL: String?
    /// Groups with fewer responses show "too few responses" instead of a value (`min_n`).
    public var minimumN: Int = defaultMinimumN
    /// Groups with fewer responses hide their comments, as staff surveys do for anonymity
    /// (`min_n_comments`).
    public var minimumNForComments: Int = defaultMinimumNForComments
    /// The snapshot metrics that count customers gained and lost (`customers`), when given.
    public var customers: CustomerFlow?
    /// The level a survey metric's headline shows (`headline_level`); by default the
    /// relationship where a site asks at several levels.
    public var headlineLevel: HeadlineLevel = .relationship
    /// The site's logo: a picture in `static/` (`logo: static/logo.png`), and where it is named.
    public var logo: String?
    var logoLocation: SourceLocation?
    /// The sheet to read of each `.xlsx` file that does not use its first (`sheets:`), by path.
    var sheets: [String: NamedSheet] = [:]
    /// The contact details masked in the comments taken from responses (`privacy: mask:`).
    var masking = ContactMasking()
    /// The segments the site declares (`segments:`); responses may name others when none are.
    public var segments: [Segment] = []
    /// How response files whose columns are not cxsite's own are read (`responses:`).
    var responseMappings: [ResponseMapping] = []

    /// A site with `touchpoints` and, without `journeys`, one journey through all of them.
    init(
        title: String, period: PeriodKind, touchpoints: [Touchpoint], journeys: [Journey]? = nil,
        metrics: [MetricDefinition] = MetricDefinition.builtIn, allowsRawHTML: Bool = false, baseURL: String? = nil,
        minimumN: Int = defaultMinimumN, minimumNForComments: Int = defaultMinimumNForComments,
        customers: CustomerFlow? = nil
    ) {
        self.title = title
        self.period = period
        self.touchpoints = touchpoints
        self.journeys = journeys ?? (touchpoints.isEmpty ? [] : [Journey.single(through: touchpoints)])
        self.metrics = metrics
        self.allowsRawHTML = allowsRawHTML
        self.baseURL = baseURL
        self.minimumN = minimumN
        self.minimumNForComments = minimumNForComments
        self.customers = customers
    }

    /// Which level of the relation a headline shows (docs/metrics.md, "Three levels").
    public enum HeadlineLevel: String, CaseIterable, Sendable {
        /// The relation as a whole, where a site asks at several levels; everyone otherwise.
        case relationship
        /// All touchpoints together, where a site asks at several levels; everyone otherwise.
        case transactional
        /// Every response pooled, whatever it was about.
        case all
    }

    public func touchpoint(_ id: String) -> Touchpoint? { touchpoints.first { $0.id == id } }
    public func journey(_ id: String) -> Journey? { journeys.first { $0.id == id } }
    public func metric(_ id: String) -> MetricDefinition? { metrics.first { $0.id == id } }
    /// The name pages show for a segment: its declared name, or else the value made a label.
    public func segmentName(_ id: String) -> String { segments.first { $0.id == id }?.name ?? Typography.label(id) }

    /// "website, billing": the ids an unknown touchpoint could have been.
    var touchpointList: String { touchpoints.map(\.id).joined(separator: ", ") }
    /// The same for journeys.
    var journeyList: String { journeys.map(\.id).joined(separator: ", ") }

    static let fileName = "cxsite.yaml"
    /// The common minimum for reporting a group (docs/metrics.md).
    public static let defaultMinimumN = 30
    public static let defaultMinimumNForComments = 5

    /// Reads and validates `cxsite.yaml`.
    static func load(_ file: SourceFile) -> (SiteConfig?, [Diagnostic]) {
        if file.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            return (
                nil,
                [
                    Diagnostic(
                        .error, "cxsite.yaml is empty: it needs at least a title and its touchpoints",
                        at: .file(file.path))
                ]
            )
        }
        var fields: YAMLFields
        switch YAMLFields.parse(file.text, in: file, lineOffset: 0, what: "cxsite.yaml") {
        case .success(let parsed): fields = parsed
        case .failure(let diagnostic): return (nil, [diagnostic])
        }
        let title = fields.string("title", required: true)
        let period: PeriodKind = fields.choice("period") ?? .quarter
        var baseURL = fields.string("base_url")
        if let url = baseURL, let problem = Self.baseURLProblem(url), let node = fields.node("base_url") {
            fields.report(at: node, "'base_url' \(problem)")
            baseURL = nil
        }
        let (touchpoints, journeys) = Self.touchpointsAndJourneys(&fields)

        var metrics = MetricDefinition.builtIn
        for var entry in fields.mappings("metrics") {
            guard let id = entry.string("id", required: true) else {
                fields.absorb(entry)
                continue
            }
            let name = entry.string("name") ?? id
            let unit: MetricUnit = entry.choice("unit") ?? .number
            let higherIsBetter = entry.bool("higher_is_better") ?? true
            let target = entry.number("target")
            let benchmarks = Self.benchmarks(&entry)
            let decimals = entry.int("decimals", in: 0...6)
            if let index = metrics.firstIndex(where: { $0.id == id }) {
                if metrics[index].isSurvey, entry.has("unit") || entry.has("higher_is_better") {
                    entry.error("'\(id)' is built in: only its name, target, benchmark and decimals can be set")
                }
                metrics[index].name = entry.has("name") ? name : metrics[index].name
                metrics[index].target = target ?? metrics[index].target
                metrics[index].benchmarks = benchmarks
                metrics[index].configuredDecimals = decimals ?? metrics[index].configuredDecimals
            } else {
                metrics.append(
                    MetricDefinition(
                        id: id, name: name, unit: unit, higherIsBetter: higherIsBetter,
                        target: target, isSurvey: false, benchmarks: benchmarks, configuredDecimals: decimals))
            }
            entry.warnAboutUnknownKeys(["id", "name", "unit", "higher_is_better", "target", "benchmark", "decimals"])
            fields.absorb(entry)
        }
        let customers = CustomerFlow.read(&fields, metrics: metrics)

        var allowsRawHTML = false
        if fields.has("markdown") {
            for var markdown in fields.mappingValue("markdown") {
                allowsRawHTML = markdown.bool("unsafe") ?? false
                markdown.warnAboutUnknownKeys(["unsafe"])
                fields.absorb(markdown)
            }
        }
        let minimumN = fields.int("min_n", in: 1...1_000_000) ?? defaultMinimumN
        let headlineLevel: HeadlineLevel = fields.choice("headline_level") ?? .relationship
        let minimumNForComments = fields.int("min_n_comments", in: 1...1_000_000) ?? defaultMinimumNForComments
        let logo = fields.string("logo")
        let logoLocation = fields.node("logo").map { fields.location(of: $0) }
        let sheets = NamedSheet.read(&fields)
        let segments = Self.segmentList(&fields)
        let responseMappings = ResponseMapping.read(
            &fields, touchpoints: touchpoints, journeys: journeys ?? (touchpoints.isEmpty ? [] : [Journey.single(through: touchpoints)]),
            segments: segments)
        var masking = ContactMasking()
        for var privacy in fields.has("privacy") ? fields.mappingValue("privacy") : [] {
            if privacy.has("mask") {
                masking.kinds = []
                for kind in privacy.strings("mask") {
                    guard let known = ContactMasking.Kind(rawValue: kind.value) else {
                        privacy.appendDiagnostic(
                            privacy.file.diagnostic(
                                "unknown kind of contact detail '\(kind.value)': the kinds are "
                                    + ContactMasking.Kind.allCases.map(\.rawValue).joined(separator: ", ") + " (an empty list masks none)",
                                line: kind.line, column: kind.column))
                        continue
                    }
                    masking.kinds.insert(known)
                }
            }
            privacy.warnAboutUnknownKeys(["mask"])
            fields.absorb(privacy)
        }
        fields.warnAboutUnknownKeys([
            "title", "period", "journey", "touchpoints", "journeys", "metrics", "customers", "markdown",
            "base_url", "min_n", "min_n_comments", "logo", "sheets", "privacy", "headline_level", "segments", "responses",
        ])
        guard let title, fields.diagnostics.allSatisfy({ !$0.isError }) else { return (nil, fields.diagnostics) }
        var config = SiteConfig(
            title: title, period: period, touchpoints: touchpoints, journeys: journeys, metrics: metrics,
            allowsRawHTML: allowsRawHTML, baseURL: baseURL, minimumN: minimumN,
            minimumNForComments: minimumNForComments, customers: customers)
        config.logo = logo
        config.headlineLevel = headlineLevel
        config.logoLocation = logoLocation
        config.sheets = sheets
        config.masking = masking
        config.segments = segments
        config.responseMappings = responseMappings
        return (config, fields.diagnostics)
    }

    /// The inventory and the journeys: `touchpoints:` with `journeys:`, or the older `journey:`
    /// list, which is both the inventory and the one journey through it.
    private static func touchpointsAndJourneys(_ fields: inout YAMLFields) -> ([Touchpoint], [Journey]?) {
        if fields.has("journey") {
            if let node = fields.node("touchpoints") ?? fields.node("journeys") {
                fields.report(at: node, "give the touchpoints either as 'journey' (one journey) or as 'touchpoints' and 'journeys', not both")
            }
            return (touchpointList("journey", &fields, inventory: false), nil)
        }
        guard fields.has("touchpoints") else {
            fields.error("missing required field 'touchpoints': list the touchpoints, with the journeys through them under 'journeys'")
            return ([], nil)
        }
        let touchpoints = touchpointList("touchpoints", &fields, inventory: true)
        guard fields.has("journeys") else { return (touchpoints, nil) }
        var journeys: [Journey] = []
        var journeyIDs: Set<String> = []
        let touchpointIDs = Set(touchpoints.map(\.id))
        let entries = fields.mappings("journeys")
        if entries.count > Journey.manyJourneys, let first = entries.first {
            fields.appendDiagnostic(
                first.file.diagnostic(
                    "\(entries.count) journeys: the journeys page lists every one with its steps, and each journey page links "
                        + "\(JourneyPage.otherJourneysShown) others; a leadership audience follows a handful",
                    line: first.line, column: first.column, severity: .warning))
        }
        for var entry in entries {
            defer { fields.absorb(entry) }
            entry.warnAboutUnknownKeys(["id", "name", "steps"])
            guard let id = entry.string("id", required: true), let name = entry.string("name", required: true) else { continue }
            if !journeyIDs.insert(id).inserted {
                entry.error("journey '\(id)' is listed twice")
                continue
            }
            if let problem = Slug.problem(id) {
                entry.error("journey id '\(id)' \(problem)")
                continue
            }
            var steps: [String] = []
            var stepIDs: Set<String> = []
            for step in entry.strings("steps") {
                if !touchpointIDs.contains(step.value) {
                    entry.appendDiagnostic(
                        entry.file.diagnostic(
                            "unknown touchpoint '\(step.value)' in journey '\(id)': the touchpoints are \(touchpoints.map(\.id).joined(separator: ", "))",
                            line: step.line, column: step.column))
                } else if !stepIDs.insert(step.value).inserted {
                    entry.appendDiagnostic(
                        entry.file.diagnostic(
                            "touchpoint '\(step.value)' is a step of journey '\(id)' twice",
                            line: step.line, column: step.column))
                } else {
                    steps.append(step.value)
                }
            }
            if steps.isEmpty, !entry.has("steps") { entry.error("journey '\(id)' has no 'steps': list its touchpoints in order") }
            journeys.append(Journey(id: id, name: name, steps: steps))
        }
        return (touchpoints, journeys)
    }

    /// The touchpoints listed under `key`; the inventory's entries may say more than id and name.
    private static func touchpointList(_ key: String, _ fields: inout YAMLFields, inventory: Bool) -> [Touchpoint] {
        var touchpoints: [Touchpoint] = []
        for var entry in fields.mappings(key) {
            defer { fields.absorb(entry) }
            entry.warnAboutUnknownKeys(inventory ? ["id", "name", "channel", "owner", "interactions"] : ["id", "name"])
            guard let id = entry.string("id", required: true), let name = entry.string("name", required: true) else { continue }
            if touchpoints.contains(where: { $0.id == id }) {
                entry.error("touchpoint '\(id)' is listed twice")
            } else if let problem = Slug.problem(id) {
                entry.error("touchpoint id '\(id)' \(problem)")
            } else {
                touchpoints.append(
                    Touchpoint(
                        id: id, name: name, channel: inventory ? entry.string("channel") : nil,
                        owner: inventory ? entry.string("owner") : nil,
                        interactions: inventory ? entry.strings("interactions").map(\.value) : []))
            }
        }
        return touchpoints
    }
}

extension SiteConfig {
    /// Why `text` cannot be the site's public address, or nil: it must be an absolute
    /// `http` or `https` URL with a host, and nothing a browser or feed reader could read
    /// another way (spaces, quotes, angle brackets, backslashes, user names).
    public static func baseURLProblem(_ text: String) -> String? {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            return "must be an absolute http:// or https:// address, such as https://cx.example.com/"
        }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&()*+,;=%")
        if let bad = text.unicodeScalars.first(where: { !allowed.contains($0) }) {
            return "cannot contain '\(bad.escaped(asASCII: true))': write the address as a browser shows it, percent-encoded"
        }
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil
        else {
            return "must name a host, as in https://cx.example.com/"
        }
        guard components.query == nil, components.fragment == nil else {
            return "cannot carry a query or fragment: give the folder the site is served from"
        }
        return nil
    }
}

/// How a workbook the site reads is laid out (`sheets:`): the sheet to read, the row its
/// header is on, and whether periods run across it as columns; and where `cxsite.yaml` says so.
struct NamedSheet: Sendable, Hashable {
    /// The sheet; nil for the first that is not hidden.
    var name: String?
    var location: SourceLocation
    /// Where the workbook's path is written.
    var fileLocation: SourceLocation
    /// The sheet's row the header is on (`header_row:`); nil to find it below a title.
    var headerRow: Int?
    /// Periods run across the sheet as columns (`layout: wide`), one row per metric and group.
    var isWide = false

    /// The folders whose `.xlsx` files are read.
    static let folders = ["content/metrics", "content/tallies", "content/responses"]

    /// How rows and periods run on a sheet.
    enum Layout: String, CaseIterable {
        case long, wide
    }

    /// Reads `sheets:`, a list of `file:` with `sheet:`, `header_row:` or `layout:`, by file.
    static func read(_ fields: inout YAMLFields) -> [String: NamedSheet] {
        var sheets: [String: NamedSheet] = [:]
        for var entry in fields.mappings("sheets") {
            defer { fields.absorb(entry) }
            entry.warnAboutUnknownKeys(["file", "sheet", "header_row", "layout"])
            guard let file = entry.string("file", required: true), let fileNode = entry.node("file") else { continue }
            let folder = (file as NSString).deletingLastPathComponent
            guard WorkbookFile.isWorkbook(file), folders.contains(folder) else {
                entry.report(at: fileNode, "'\(file)' is not a workbook cxsite reads: name an .xlsx file in \(folders.joined(separator: ", "))")
                continue
            }
            guard sheets[file] == nil else {
                entry.report(at: fileNode, "'\(file)' is named twice: a workbook is read from one sheet")
                continue
            }
            var sheet = NamedSheet(
                name: entry.string("sheet"), location: entry.location(of: entry.node("sheet") ?? fileNode),
                fileLocation: entry.location(of: fileNode))
            sheet.headerRow = entry.int("header_row", in: 1...1_000)
            sheet.isWide = (entry.choice("layout") ?? Layout.long) == .wide
            if sheet.name == nil, sheet.headerRow == nil, !entry.has("layout") {
                entry.error("say what to read of '\(file)': its 'sheet', 'header_row' or 'layout'")
            }
            sheets[file] = sheet
        }
        return sheets
    }
}

/// Names that become folder names in the output.
enum Slug {
    /// Why `text` cannot name a page folder, or nil when it can. Spaces and non-ASCII
    /// letters are fine; separators, dot-only names and control characters are not.
    /// The longest slug, in UTF-8 bytes: a file name holds 255, and `.html` follows.
    static let maximumLength = 200

    static func problem(_ text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text == "." || text == ".." || text.hasPrefix(".") { return "cannot start with a dot" }
        if text == "index" { return "is taken by the list page of its section" }
        if text.contains("/") || text.contains("\\") { return "cannot contain a slash" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "cannot contain control characters"
        }
        if text.utf8.count > maximumLength {
            return "is \(text.utf8.count) bytes long, more than the \(maximumLength) a page's file name can take"
        }
        return nil
    }

    /// The slug as it appears in a link: percent-encoded where a URL needs it.
    static func href(_ text: String) -> String {
        if text.utf8.allSatisfy(isUnreserved) { return text }
        return text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#;"))) ?? text
    }

    /// Letters, digits and `-._~`: bytes a URL path never encodes.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

extension SiteConfig {
    /// A metric's `benchmark:`: one mapping or a list of them, each with a `value`, a
    /// `source` and the `date` it was published, and a `name` ("Benchmark" when none).
    static func benchmarks(_ entry: inout YAMLFields) -> [Benchmark] {
        guard let node = entry.node("benchmark") else { return [] }
        let readers: [YAMLFields]
        if case .sequence = node { readers = entry.mappings("benchmark") } else { readers = entry.mappingValue("benchmark") }
        return readers.compactMap { reader in
            var reader = reader
            defer { entry.absorb(reader) }
            let name = reader.string("name") ?? "Benchmark"
            let value = reader.number("value", required: true)
            let source = reader.string("source", required: true)
            let date = reader.day("date", required: true)
            reader.warnAboutUnknownKeys(["name", "value", "source", "date"])
            guard let value, let source, let date else { return nil }
            return Benchmark(name: name, value: value, source: source, date: date)
        }
    }
}
