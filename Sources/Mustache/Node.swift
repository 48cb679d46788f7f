/// A name looked up in the context stack: `.`, `name` or `dotted.name`.
struct Name: Sendable, CustomStringConvertible {
    /// The parts of a dotted name; empty for the implicit iterator `.`.
    let parts: [String]
    /// True for `{{>*name}}` and `{{<*name}}`: the tag's name is looked up in the data.
    let isDynamic: Bool

    init(_ text: Substring, dynamic: Bool = false) {
        parts = text == "." ? [] : text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        isDynamic = dynamic
    }

    var description: String {
        (isDynamic ? "*" : "") + (parts.isEmpty ? "." : parts.joined(separator: "."))
    }
}

/// Where a tag stands in its template: 1-based line and column.
struct TagPosition: Sendable {
    let line: Int32
    let column: Int32
}

/// How a block's override content is re-indented where the block is expanded.
struct BlockIndentation: Sendable {
    /// Added before each line of the override content.
    var indentation: [UInt8]
    /// True when the expansion starts at the beginning of a line (the tag stood alone on it).
    var startsLine: Bool
}

/// The compiled form of a template: a tree of nodes rendered many times.
indirect enum Node: Sendable {
    /// Literal text, already UTF-8.
    case text([UInt8])
    /// `{{name}}` (escaped) or `{{{name}}}` / `{{& name}}` (raw).
    case variable(Name, escaped: Bool, TagPosition)
    /// `{{#name}}…{{/name}}`; `source` is the raw text between the tags, for lambdas.
    case section(Name, [Node], source: String, delimiters: Delimiters, TagPosition)
    /// `{{^name}}…{{/name}}`.
    case invertedSection(Name, [Node], TagPosition)
    /// `{{>name}}`; `indentation` is the whitespace before a standalone tag.
    case partial(Name, indentation: [UInt8], TagPosition)
    /// `{{<name}}…{{/name}}` with the blocks it overrides.
    case parent(Name, overrides: [String: Block], indentation: [UInt8], TagPosition)
    /// `{{$name}}…{{/name}}` outside a parent: a slot with default content.
    case block(String, defaultContent: [Node], BlockIndentation)
}

/// Content passed into a parent for one of its blocks, already stripped of the
/// indentation it had where it was written.
struct Block: Sendable {
    let nodes: [Node]
}

/// The opening and closing tag delimiters, `{{` and `}}` by default.
struct Delimiters: Sendable, Equatable {
    var open: [UInt8]
    var close: [UInt8]

    static let standard = Delimiters(open: Array("{{".utf8), close: Array("}}".utf8))
}
