import Diagnostics
import Yams

/// A YAML mapping read field by field. Each reading either returns a typed value or records
/// an error at the value's `path:line:column`, so one pass reports every bad field.
struct YAMLFields {
    let file: SourceFile
    let mapping: [(key: YAMLNode, value: YAMLNode)]
    /// The mapping's values by key text (the first of duplicate keys).
    private let values: [String: YAMLNode]
    /// Where the mapping starts, for "missing field" errors.
    let line: Int
    let column: Int
    /// Lines to add to YAML marks: front matter starts below the file's first `---`.
    let lineOffset: Int
    private(set) var diagnostics: [Diagnostic] = []

    /// Parses `yaml`, which starts at line `lineOffset + 1` of `file`. A document that is not
    /// a mapping, or does not parse, gives a diagnostic instead.
    static func parse(_ yaml: String, in file: SourceFile, lineOffset: Int, what: String) -> Result<YAMLFields, Diagnostic> {
        let node: YAMLNode?
        do {
            // .utf8: Yams' default reads the environment each call.
            node = try FlatYAML.compose(yaml) ?? Yams.compose(yaml: yaml, .basic, .default, .utf8).map(YAMLNode.init)
        } catch let error as YamlError {
            return .failure(diagnostic(for: error, in: file, lineOffset: lineOffset))
        } catch {
            return .failure(file.diagnostic("\(what) is not valid YAML: \(error)", line: lineOffset + 1, column: 1))
        }
        guard let node else {
            return .failure(file.diagnostic("\(what) is empty", line: max(lineOffset, 1), column: 1))
        }
        guard case .mapping(let mapping, let start) = node else {
            return .failure(
                file.diagnostic(
                    "\(what) must be a YAML mapping of `field: value` lines",
                    line: node.position.line + lineOffset, column: node.position.column))
        }
        return .success(YAMLFields(file: file, mapping: mapping, line: start.line + lineOffset, column: start.column, lineOffset: lineOffset))
    }

    init(file: SourceFile, mapping: [(key: YAMLNode, value: YAMLNode)], line: Int, column: Int, lineOffset: Int) {
        self.file = file
        self.mapping = mapping
        // Yams looks keys up by comparing whole nodes; a dictionary by text is much cheaper.
        var values: [String: YAMLNode] = [:]
        for (key, value) in mapping {
            if let name = key.string, values[name] == nil { values[name] = value }
        }
        self.values = values
        self.line = line
        self.column = column
        self.lineOffset = lineOffset
    }

    /// Why text from YAML cannot appear in a page: an escape (`"\e"`, `"\x01"`) can make a
    /// control character the file itself does not hold. Nil when it can.
    static func controlCharacter(in text: String) -> String? {
        TextSafety.firstForbidden(in: text).map { "holds a control character (\(TextSafety.name($0.scalar))), which no page can show: remove it" }
    }

    private static func diagnostic(for error: YamlError, in file: SourceFile, lineOffset: Int) -> Diagnostic {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            return duplicateKey(duplicates.first ?? "", firstAt: context.mark, in: file, lineOffset: lineOffset)
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return file.diagnostic("invalid YAML: \(detail)", line: mark.line + lineOffset, column: mark.column)
        default:
            return file.diagnostic("invalid YAML: \(error)", line: lineOffset + 1, column: 1)
        }
    }

    /// A key given twice: reported where it is given again, with a note at the first.
    private static func duplicateKey(_ key: String, firstAt mark: Mark, in file: SourceFile, lineOffset: Int) -> Diagnostic {
        let first = file.location(line: mark.line + lineOffset, column: mark.column)
        let firstNote = Diagnostic.Note(
            "'\(key)' is first given here", at: first,
            sourceLine: SourceText.line(first.line, of: file.text[...]))
        let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
        for number in first.line..<lines.count {  // the 0-based index of the line after the first
            let line = lines[number].unicodeScalars.dropFirst(mark.column - 1)
            guard lines[number].unicodeScalars.prefix(mark.column - 1).allSatisfy({ $0 == " " }),
                line.starts(with: key.unicodeScalars)
            else { continue }
            let rest = line.dropFirst(key.unicodeScalars.count).drop { $0 == " " }
            guard rest.first == ":" else { continue }
            return file.diagnostic("'\(key)' is given twice: keep one", line: number + 1, column: mark.column, notes: [firstNote])
        }
        return file.diagnostic("'\(key)' is given twice: keep one", line: first.line, column: first.column)
    }

    // MARK: Reading fields

    func node(_ key: String) -> YAMLNode? {
        values[key]
    }

    func has(_ key: String) -> Bool {
        guard let node = node(key) else { return false }
        return Self.isNull(node) == false
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let node = present(key, required: required) else { return nil }
        guard case .scalar(let scalar) = node else {
            return error(at: node, "'\(key)' must be text, not a \(Self.kind(of: node))")
        }
        let text = scalar.string
        if let problem = Self.controlCharacter(in: text) { return error(at: node, "'\(key)' \(problem)") }
        let value =
            text.first?.isWhitespace == false && text.last?.isWhitespace == false
            ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, value.isEmpty { return error(at: node, "'\(key)' must not be empty") }
        return value
    }

    mutating func day(_ key: String, required: Bool = false) -> Day? {
        guard let node = present(key, required: required) else { return nil }
        guard case .scalar(let scalar) = node else {
            return error(at: node, "'\(key)' must be a date written YYYY-MM-DD")
        }
        switch Day.parse(scalar.string) {
        case .success(let day): return day
        case .failure(let problem): return error(at: node, "'\(key)': \(problem)")
        }
    }

    mutating func choice<Value: RawRepresentable & CaseIterable>(_ key: String, required: Bool = false) -> Value?
    where Value.RawValue == String {
        guard let node = present(key, required: required) else { return nil }
        let allowed = Value.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
        guard case .scalar(let scalar) = node, let value = Value(rawValue: scalar.string) else {
            return error(at: node, "unknown \(key) '\(node.string ?? Self.kind(of: node))': expected \(allowed)")
        }
        return value
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let node = present(key, required: false) else { return nil }
        guard let value = Self.plainScalar(node).flatMap({ Int($0) }) else {
            return error(at: node, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        guard range.contains(value) else {
            return error(at: node, "'\(key)' is \(value), out of range: expected \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    mutating func number(_ key: String, required: Bool = false) -> Double? {
        guard let node = present(key, required: required) else { return nil }
        guard let value = Self.plainScalar(node).flatMap({ Double($0) }), value.isFinite else {
            return error(at: node, "'\(key)' must be a number")
        }
        return value
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let node = present(key, required: false) else { return nil }
        guard let value = Self.plainScalar(node).flatMap(Self.boolean) else {
            return error(at: node, "'\(key)' must be true or false")
        }
        return value
    }

    /// A list of strings; a single string counts as a list of one.
    mutating func strings(_ key: String) -> [(value: String, line: Int, column: Int)] {
        guard let node = present(key, required: false) else { return [] }
        let items: [YAMLNode]
        switch node {
        case .sequence(let sequence, _): items = sequence
        case .scalar: items = [node]
        default: return error(at: node, "'\(key)' must be a list, as in [a, b]") ?? []
        }
        var values: [(String, Int, Int)] = []
        var problems: [(item: YAMLNode, message: String)] = []
        for item in items {
            guard case .scalar(let scalar) = item else {
                problems.append((item, "each item of '\(key)' must be text"))
                continue
            }
            if let problem = Self.controlCharacter(in: scalar.string) {
                problems.append((item, "each item of '\(key)' \(problem)"))
                continue
            }
            let position = self.position(of: item)
            values.append((scalar.string, position.line, position.column))
        }
        // One error for a list however many of its items are wrong, at the first.
        if let first = problems.first {
            report(at: first.item, first.message + (problems.count > 1 ? " (\(problems.count - 1) more items of it are wrong too)" : ""))
        }
        return values
    }

    /// The one message for the unknown ids of one list, however long: "unknown touchpoint 'x'",
    /// or "unknown touchpoints 'x', 'y', 'z' and 97 more".
    static func unknown(_ what: String, _ values: [String]) -> String {
        let named = values.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
        return values.count == 1
            ? "unknown \(what) \(named)" : "unknown \(what)s \(named)" + (values.count > 3 ? " and \(values.count - 3) more" : "")
    }

    /// A list of mappings, each read with its own fields.
    mutating func mappings(_ key: String) -> [YAMLFields] {
        guard let node = present(key, required: false) else { return [] }
        guard case .sequence(let sequence, _) = node else {
            return error(at: node, "'\(key)' must be a list of entries") ?? []
        }
        var entries: [YAMLFields] = []
        for item in sequence {
            guard case .mapping(let mapping, _) = item else {
                report(at: item, "each entry of '\(key)' must be a mapping of `field: value`")
                continue
            }
            let position = self.position(of: item)
            entries.append(
                YAMLFields(
                    file: file, mapping: mapping, line: position.line, column: position.column,
                    lineOffset: lineOffset))
        }
        return entries
    }

    mutating func appendDiagnostic(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// Collects the diagnostics of fields read through `nested`.
    mutating func absorb(_ nested: YAMLFields) {
        diagnostics += nested.diagnostics
    }

    /// Warns about keys that no reader asked for, which are usually typos.
    mutating func warnAboutUnknownKeys(_ known: Set<String>) {
        for (key, _) in mapping {
            guard let name = key.string, !known.contains(name) else { continue }
            let position = self.position(of: key)
            let suggestion =
                known.min(by: { Self.distance($0, name) < Self.distance($1, name) })
                .flatMap { Self.distance($0, name) <= 2 ? " (did you mean '\($0)'?)" : nil } ?? ""
            diagnostics.append(
                file.diagnostic(
                    "unknown field '\(name)' is ignored\(suggestion)",
                    line: position.line, column: position.column, severity: .warning))
        }
    }

    // MARK: Locations and errors

    func location(of node: YAMLNode) -> SourceLocation {
        let position = position(of: node)
        return file.location(line: position.line, column: position.column)
    }

    func position(of node: YAMLNode) -> (line: Int, column: Int) {
        (node.position.line + lineOffset, node.position.column)
    }

    /// Records an error at `node` and returns nil, so readers can `return error(…)`.
    mutating func error<T>(at node: YAMLNode, _ message: String) -> T? {
        report(at: node, message)
        return nil
    }

    mutating func report(at node: YAMLNode, _ message: String) {
        let position = self.position(of: node)
        diagnostics.append(file.diagnostic(message, line: position.line, column: position.column))
    }

    mutating func error(_ message: String) {
        diagnostics.append(file.diagnostic(message, line: line, column: column))
    }

    private mutating func present(_ key: String, required: Bool) -> YAMLNode? {
        guard let node = node(key), !Self.isNull(node) else {
            if required { error("missing required field '\(key)'") }
            return nil
        }
        return node
    }

    // Front matter is composed with Yams' basic resolver, which types nothing (its default
    // resolver runs several regular expressions per scalar, the bulk of load time); fields
    // are typed here, by what each one expects, with YAML 1.1's spellings.

    /// The text of an unquoted scalar; nil for quoted ones, lists and mappings.
    static func plainScalar(_ node: YAMLNode) -> String? {
        guard case .scalar(let scalar) = node, scalar.isPlain else { return nil }
        var text = scalar.string
        if text.hasPrefix("+") { text.removeFirst() }
        return text
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    static func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let scalar) = node, scalar.isPlain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private static func kind(of node: YAMLNode) -> String {
        switch node {
        case .scalar: "value"
        case .mapping: "mapping"
        case .sequence: "list"
        }
    }

    /// Edit distance, for "did you mean" suggestions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension YAMLFields {
    /// The mapping under `key`, as a list of zero or one readers.
    mutating func mappingValue(_ key: String) -> [YAMLFields] {
        guard let node = node(key) else { return [] }
        guard case .mapping(let mapping, _) = node else {
            return error(at: node, "'\(key)' must be a mapping of `field: value` lines") ?? []
        }
        let position = self.position(of: node)
        return [
            YAMLFields(
                file: file, mapping: mapping, line: position.line, column: position.column,
                lineOffset: lineOffset)
        ]
    }
}
