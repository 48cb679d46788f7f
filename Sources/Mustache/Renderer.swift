import Diagnostics

/// Walks compiled nodes against a context stack and writes UTF-8 bytes.
struct Renderer {
    private let templates: TemplateSet
    private let options: RenderOptions
    private(set) var output: [UInt8] = []
    private var stack: [MustacheValue]
    /// Whitespace put before each line written, inside indented partials, parents and blocks.
    private var indentation: [UInt8] = []
    /// True at the start of a line that has not had its indentation yet.
    private var atLineStart = false
    /// Block overrides in force: the outermost definition of a name wins.
    private var overrides: [String: Override] = [:]
    /// What is being expanded, outermost first, for the recursion error.
    private var chain: [String] = []
    /// The template whose nodes are being rendered, for locating errors.
    private var source: TemplateSource
    /// Strict-mode misses, reported once per tag.
    private var misses: [Diagnostic] = []
    private var reportedMisses: Set<SourceLocation> = []
    /// Nodes visited so far, against the budget.
    private var steps = 0
    /// The innermost section being repeated, and its template, for the budget's error.
    private var repeating: (position: TagPosition, source: TemplateSource)?

    private struct Override {
        let block: Block
        let source: TemplateSource
    }

    private struct RenderFailure: Error {
        let diagnostic: Diagnostic
        var overBudget = false
    }

    init(templates: TemplateSet, options: RenderOptions, root: MustacheValue) {
        self.templates = templates
        self.options = options
        self.stack = [root]
        self.source = TemplateSource(path: "", text: "")
        output.reserveCapacity(options.expectedSize)
    }

    mutating func render(_ template: Template) throws {
        source = template.source
        chain = [template.name.isEmpty ? template.source.path : template.name]
        do {
            try render(template.nodes)
        } catch let failure as RenderFailure {
            if failure.overBudget { throw RenderBudgetExceeded(diagnostic: failure.diagnostic) }
            throw DiagnosticList([failure.diagnostic] + misses)
        }
        if !misses.isEmpty { throw DiagnosticList(misses) }
    }

    /// The error that stops a render past its budget, at the section that was repeating.
    private func overBudget() -> RenderFailure {
        let what =
            output.count > options.maximumOutput
            ? "more than \(options.maximumOutput >> 20) MiB of output" : "more than \(options.maximumSteps / 1_000_000) million steps"
        let message =
            "rendering '\(chain.first ?? source.path)' stopped after \(what): sections nested inside lists repeat multiplicatively; nest fewer"
        guard let repeating else { return RenderFailure(diagnostic: Diagnostic(.error, message, at: .file(source.path)), overBudget: true) }
        let location = SourceLocation(path: repeating.source.path, line: Int(repeating.position.line), column: Int(repeating.position.column))
        return RenderFailure(diagnostic: Diagnostic(.error, message, at: location, in: repeating.source.text[...]), overBudget: true)
    }

    // MARK: Nodes

    private mutating func render(_ nodes: [Node]) throws {
        // By index: `for node in nodes` copied each node, a retain and a release per node visited.
        var index = 0
        while index < nodes.count {
            defer { index += 1 }
            steps += 1
            if steps > options.maximumSteps || output.count > options.maximumOutput { throw overBudget() }
            switch nodes[index] {
            case .text(let bytes):
                writeText(bytes)
            case .variable(let name, let escaped, let position):
                try renderVariable(name, escaped: escaped, at: position)
            case .section(let name, let children, let raw, let delimiters, let position):
                try renderSection(name, children, raw: raw, delimiters: delimiters, at: position)
            case .invertedSection(let name, let children, _):
                // A section's name may be missing: that is how templates ask "is there one?".
                if !(lookup(name)?.isTruthy ?? false) { try render(children) }
            case .partial(let name, let indentation, let position):
                guard let template = try resolve(name, isParent: false, at: position) else { break }
                try expand(template, indentation: indentation, startsLine: !indentation.isEmpty, at: position)
            case .parent(let name, let blocks, let indentation, let position):
                guard let template = try resolve(name, isParent: true, at: position) else { break }
                let saved = overrides
                for (blockName, block) in blocks where overrides[blockName] == nil {
                    overrides[blockName] = Override(block: block, source: source)
                }
                try expand(template, indentation: indentation, startsLine: !indentation.isEmpty, at: position)
                overrides = saved
            case .block(let name, let defaultContent, let blockIndentation):
                if let override = overrides[name] {
                    try within(
                        "$" + name, source: override.source, indentation: blockIndentation.indentation,
                        startsLine: blockIndentation.startsLine, at: nil
                    ) {
                        try $0.render(override.block.nodes)
                    }
                } else {
                    try render(defaultContent)
                }
            }
        }
    }

    private mutating func renderVariable(_ name: Name, escaped: Bool, at position: TagPosition) throws {
        guard let value = lookup(name) else {
            miss(name, at: position)
            return
        }
        if case .lambda(let lambda) = value {
            guard case .interpolation(let body) = lambda.body else { return }
            let expanded = try renderLambdaResult(body(), delimiters: .standard, at: position)
            write(expanded, escaped: escaped)
            return
        }
        switch value {
        case .string(let string):
            var string = string
            string.withUTF8 { write($0, escaped: escaped) }
        case .null, .array, .object, .lambda:
            break
        default:
            var text = value.interpolatedText
            text.withUTF8 { write($0, escaped: false) }
        }
    }

    private mutating func renderSection(
        _ name: Name, _ children: [Node], raw: String, delimiters: Delimiters,
        at position: TagPosition
    ) throws {
        guard let value = lookup(name) else { return }
        switch value {
        case .array(let items):
            repeating = (position, source)
            for index in items.indices {
                // Each repetition is a step, so that empty sections nested over lists are counted too.
                steps += 1
                if steps > options.maximumSteps { throw overBudget() }
                stack.append(items[index])
                try render(children)
                stack.removeLast()
            }
        case .lambda(let lambda):
            switch lambda.body {
            case .section(let body):
                let expanded = try renderLambdaResult(body(raw), delimiters: delimiters, at: position)
                expanded.withUnsafeBufferPointer { write($0, escaped: false) }
            case .interpolation:
                stack.append(value)
                try render(children)
                stack.removeLast()
            }
        default:
            guard value.isTruthy else { return }
            stack.append(value)
            try render(children)
            stack.removeLast()
        }
    }

    /// Renders what a lambda returned as a template, in the current context.
    private mutating func renderLambdaResult(_ text: String, delimiters: Delimiters, at position: TagPosition) throws -> [UInt8] {
        let template = Template(text, name: "", path: source.path, delimiters: delimiters)
        if let error = template.syntaxErrors.first {
            throw RenderFailure(
                diagnostic: source.diagnostic(
                    "a lambda returned a template that does not parse: \(error.message)", at: position))
        }
        var nested = self
        nested.output = []
        nested.indentation = []
        nested.atLineStart = false
        try nested.within("lambda", source: template.source, indentation: [], startsLine: false, at: position) {
            try $0.render(template.nodes)
        }
        misses = nested.misses
        reportedMisses = nested.reportedMisses
        steps = nested.steps
        return nested.output
    }

    // MARK: Partials and parents

    private mutating func resolve(_ name: Name, isParent: Bool, at position: TagPosition) throws -> Template? {
        let templateName: String
        if name.isDynamic {
            guard case .string(let resolved)? = lookup(name) else {
                miss(name, at: position)
                return nil
            }
            templateName = resolved
        } else {
            templateName = name.description
        }
        if let template = templates[templateName] { return template }
        if isParent, !name.isDynamic {
            throw RenderFailure(
                diagnostic: source.diagnostic(
                    "unknown parent '\(templateName)': no template '\(templateName).mustache'", at: position))
        }
        if options.strict {
            report(
                source.diagnostic(
                    "unknown \(isParent ? "parent" : "partial") '\(templateName)': no template '\(templateName).mustache'",
                    at: position))
        }
        return nil
    }

    private mutating func expand(
        _ template: Template, indentation: [UInt8], startsLine: Bool,
        at position: TagPosition
    ) throws {
        try within(
            template.name, source: template.source, indentation: indentation, startsLine: startsLine,
            at: position
        ) {
            try $0.render(template.nodes)
        }
    }

    /// Runs `body` one level deeper, with more indentation and another template as the
    /// source of locations; stops with an error past the maximum depth.
    private mutating func within(
        _ name: String, source newSource: TemplateSource, indentation extra: [UInt8],
        startsLine: Bool, at position: TagPosition?,
        _ body: (inout Renderer) throws -> Void
    ) throws {
        guard chain.count < options.maximumDepth else {
            throw RenderFailure(diagnostic: recursionError(next: name, at: position))
        }
        let savedSource = source
        let savedIndentation = indentation
        chain.append(name)
        source = newSource
        if !extra.isEmpty || startsLine {
            indentation += extra
            atLineStart = startsLine
        }
        try body(&self)
        indentation = savedIndentation
        source = savedSource
        chain.removeLast()
    }

    /// The error for a chain of expansions past the maximum depth: it names the cycle, from
    /// the first time the repeating name appears.
    private func recursionError(next name: String, at position: TagPosition?) -> Diagnostic {
        var names = Array(chain.suffix(12)) + [name]
        if let start = chain.firstIndex(of: name),
            let again = chain[(start + 1)...].firstIndex(of: name) ?? (start + 1 == chain.count ? chain.count : nil)
        {
            names = Array(chain[start..<again]) + [name, "…"]  // one turn of the cycle
        }
        let message =
            "templates include themselves without end (stopped at \(options.maximumDepth) levels): "
            + names.joined(separator: " → ")
        guard let position else { return Diagnostic(.error, message) }
        return source.diagnostic(message, at: position)
    }

    // MARK: Lookup

    /// Resolves a name: its first part through the context stack, the rest inside what it
    /// found (a member of an object, or an item of a list by its index from 0).
    private func lookup(_ name: Name) -> MustacheValue? {
        guard let first = name.parts.first else { return stack.last }
        // The stack by index and each frame through a borrowing method: iterating a reversed
        // copy and binding each frame's members made a retain and a release per frame tried.
        var found: MustacheValue?
        var index = stack.count - 1
        while index >= 0 {
            if let value = stack[index].member(first) {
                found = value
                break
            }
            index -= 1
        }
        guard var value = found else { return nil }
        guard name.parts.count > 1 else { return value }
        for part in name.parts.dropFirst() {
            switch value {
            case .object(let members):
                guard let next = members[part] else { return nil }
                value = next
            case .array(let items):
                // `list.0`: an extension to the spec, for "if the list has a first item".
                guard let index = Int(part), items.indices.contains(index) else { return nil }
                value = items[index]
            default:
                return nil
            }
        }
        return value
    }

    private mutating func miss(_ name: Name, at position: TagPosition) {
        guard options.strict else { return }
        report(source.diagnostic("'\(name)' resolves to nothing", at: position))
    }

    private mutating func report(_ diagnostic: Diagnostic) {
        guard let location = diagnostic.location, reportedMisses.insert(location).inserted else { return }
        misses.append(diagnostic)
    }

    // MARK: Output

    private mutating func writeText(_ bytes: [UInt8]) {
        if indentation.isEmpty {
            output.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            if atLineStart, byte != UInt8(ascii: "\n") {
                output.append(contentsOf: indentation)
            }
            atLineStart = byte == UInt8(ascii: "\n")
            output.append(byte)
        }
    }

    private mutating func write(_ bytes: UnsafeBufferPointer<UInt8>, escaped: Bool) {
        guard !bytes.isEmpty else { return }
        if atLineStart, !indentation.isEmpty {
            output.append(contentsOf: indentation)
        }
        atLineStart = false
        if escaped {
            HTML.escape(bytes, into: &output)
        } else {
            output.append(contentsOf: bytes)
        }
    }

    private mutating func write(_ bytes: [UInt8], escaped: Bool) {
        bytes.withUnsafeBufferPointer { write($0, escaped: escaped) }
    }
}

/// HTML escaping as the spec expects, plus the single quote so attribute values in either
/// kind of quotes are safe.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`.
    public static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        var text = text
        text.withUTF8 { escape($0, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }

    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var runStart = 0
        for i in 0..<bytes.count {
            let replacement: StaticString
            switch bytes[i] {
            case UInt8(ascii: "&"): replacement = "&amp;"
            case UInt8(ascii: "<"): replacement = "&lt;"
            case UInt8(ascii: ">"): replacement = "&gt;"
            case UInt8(ascii: "\""): replacement = "&quot;"
            case UInt8(ascii: "'"): replacement = "&#39;"
            default: continue
            }
            if runStart < i { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            replacement.withUTF8Buffer { output.append(contentsOf: $0) }
            runStart = i + 1
        }
        if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }
}
