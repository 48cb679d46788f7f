import Diagnostics
import Foundation

/// The text of a template and the path it is reported under.
final class TemplateSource: Sendable {
    let path: String
    let text: String

    init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// A template parsed once into its compiled form, ready to render many times.
public struct Template: Sendable {
    /// The name partials and parents use for it (`layout`, `partials/header`).
    public let name: String
    let source: TemplateSource
    let nodes: [Node]

    /// Parses `text`. Throws a ``DiagnosticList`` with every syntax error found, each
    /// located at `path:line:column`.
    public init(_ text: String, name: String = "", path: String? = nil) throws {
        self.init(text, name: name, path: path, delimiters: .standard)
        if !syntaxErrors.isEmpty { throw DiagnosticList(syntaxErrors) }
    }

    init(_ text: String, name: String, path: String?, delimiters: Delimiters) {
        let source = TemplateSource(path: path ?? (name.isEmpty ? "<template>" : name + ".mustache"), text: text)
        var parser = Parser(source: source, delimiters: delimiters)
        self.name = name
        self.source = source
        self.nodes = parser.parse()
        self.syntaxErrors = parser.diagnostics
    }

    /// The syntax errors found while parsing; empty for a template that parsed cleanly.
    let syntaxErrors: [Diagnostic]

    /// The path diagnostics name.
    public var path: String { source.path }

    /// Renders the template with `data`, resolving partials and parents in `partials`.
    /// Throws a ``DiagnosticList`` when rendering cannot finish (recursion too deep, an
    /// unknown parent, a lambda returning a broken template) and, in strict mode, when a
    /// name or partial resolves to nothing.
    public func render(
        _ data: MustacheValue, partials: TemplateSet = TemplateSet(),
        options: RenderOptions = RenderOptions()
    ) throws -> String {
        String(decoding: try renderBytes(data, partials: partials, options: options), as: UTF8.self)
    }

    /// Renders to UTF-8 bytes, saving the conversion to `String` when the result is written out.
    public func renderBytes(
        _ data: MustacheValue, partials: TemplateSet = TemplateSet(),
        options: RenderOptions = RenderOptions()
    ) throws -> [UInt8] {
        var renderer = Renderer(templates: partials, options: options, root: data)
        try renderer.render(self)
        return renderer.output
    }
}

/// How a template renders.
public struct RenderOptions: Sendable {
    /// Report interpolated names (`{{name}}`) and partials that resolve to nothing, instead of
    /// rendering nothing. Section names may be missing: `{{#name}}` is how a template asks
    /// whether there is one.
    public var strict: Bool
    /// How deep partials, parents, blocks and lambdas may nest before rendering stops.
    public var maximumDepth: Int
    /// A hint for the size of the output, to save re-allocations.
    public var expectedSize: Int
    /// The budget of one render: nodes visited, and bytes written. Sections nested over
    /// lists repeat multiplicatively, so a short template can ask for billions of steps;
    /// past the budget, rendering stops with an error instead of running for ever.
    public var maximumSteps: Int
    public var maximumOutput: Int

    public init(
        strict: Bool = false, maximumDepth: Int = 100, expectedSize: Int = 16_384,
        maximumSteps: Int = 50_000_000, maximumOutput: Int = 256 << 20
    ) {
        self.strict = strict
        self.maximumDepth = maximumDepth
        self.expectedSize = expectedSize
        self.maximumSteps = maximumSteps
        self.maximumOutput = maximumOutput
    }
}

/// Thrown when a render goes past its ``RenderOptions`` budget: every render of the same
/// template and similar data would too, so callers rendering many pages can stop at once.
public struct RenderBudgetExceeded: Error, CustomStringConvertible {
    public let diagnostic: Diagnostic
    public var description: String { diagnostic.description }
}

/// A set of named templates that refer to each other as partials and parents.
public struct TemplateSet: Sendable {
    public private(set) var templates: [String: Template]

    /// An empty set.
    public init() {
        templates = [:]
    }

    /// A set of templates already parsed.
    public init(_ templates: [Template]) {
        self.templates = Dictionary(templates.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Parses each `name: source` pair. Throws a ``DiagnosticList`` with the syntax errors of
    /// every template, and an error for each parent that names no template of the set.
    public init(sources: [String: String], paths: [String: String] = [:]) throws {
        var templates: [Template] = []
        var diagnostics: [Diagnostic] = []
        for (name, text) in sources {
            let template = Template(text, name: name, path: paths[name], delimiters: .standard)
            diagnostics += template.syntaxErrors
            templates.append(template)
        }
        self.init(templates)
        diagnostics += unknownParents()
        if !diagnostics.isEmpty { throw DiagnosticList(diagnostics.sorted()) }
    }

    /// Loads every `NAME.mustache` below `directory`; a file in a subfolder is named `dir/NAME`.
    public init(directory: URL) throws {
        var sources: [String: String] = [:]
        var paths: [String: String] = [:]
        for (name, url) in try Self.templateFiles(in: directory) {
            sources[name] = try String(contentsOf: url, encoding: .utf8)
            paths[name] = url.path
        }
        try self.init(sources: sources, paths: paths)
    }

    /// The `.mustache` files below `directory`, by template name.
    public static func templateFiles(in directory: URL) throws -> [(name: String, url: URL)] {
        let root = directory.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [(String, URL)] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".mustache") else { continue }
            files.append(
                (
                    String(relative.dropLast(".mustache".count)),
                    URL(fileURLWithPath: root).appendingPathComponent(relative)
                ))
        }
        return files.sorted { $0.0 < $1.0 }
    }

    public subscript(name: String) -> Template? { templates[name] }

    /// Renders the template called `name`.
    public func render(_ name: String, _ data: MustacheValue, options: RenderOptions = RenderOptions()) throws -> String {
        guard let template = templates[name] else {
            throw DiagnosticList([Diagnostic(.error, "no template named '\(name)'")])
        }
        return try template.render(data, partials: self, options: options)
    }

    /// Parents named by a static `{{<name}}` that are not in the set.
    func unknownParents() -> [Diagnostic] {
        var found: [Diagnostic] = []
        for template in templates.values.sorted(by: { $0.name < $1.name }) {
            template.visitReferences { name, isParent, position in
                guard isParent, templates[name] == nil else { return }
                found.append(template.diagnostic("unknown parent '\(name)': no template '\(name).mustache'", at: position))
            }
        }
        return found
    }

    /// Partials named by a static `{{>name}}` that are not in the set: errors in strict mode.
    public func missingPartials() -> [Diagnostic] {
        var found: [Diagnostic] = []
        for template in templates.values.sorted(by: { $0.name < $1.name }) {
            template.visitReferences { name, isParent, position in
                guard !isParent, templates[name] == nil else { return }
                found.append(template.diagnostic("unknown partial '\(name)': no template '\(name).mustache'", at: position))
            }
        }
        return found
    }
}

extension Template {
    /// Calls `visit` with the static partial and parent names the template refers to.
    func visitReferences(_ visit: (String, Bool, TagPosition) -> Void) {
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .section(_, let children, _, _, _), .invertedSection(_, let children, _):
                    walk(children)
                case .block(_, let children, _):
                    walk(children)
                case .partial(let name, _, let position) where !name.isDynamic:
                    visit(name.description, false, position)
                case .parent(let name, let overrides, _, let position):
                    if !name.isDynamic { visit(name.description, true, position) }
                    for block in overrides.values { walk(block.nodes) }
                default:
                    break
                }
            }
        }
        walk(nodes)
    }

    func diagnostic(_ message: String, at position: TagPosition, notes: [Diagnostic.Note] = []) -> Diagnostic {
        source.diagnostic(message, at: position, notes: notes)
    }
}

extension TemplateSource {
    func location(_ position: TagPosition) -> SourceLocation {
        SourceLocation(path: path, line: Int(position.line), column: Int(position.column))
    }

    func diagnostic(_ message: String, at position: TagPosition, notes: [Diagnostic.Note] = []) -> Diagnostic {
        Diagnostic(.error, message, at: location(position), in: text[...], notes: notes)
    }
}
