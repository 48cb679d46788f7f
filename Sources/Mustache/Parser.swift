import Diagnostics

/// Turns template source into nodes, applying the spec's whitespace rules (standalone
/// tags remove their line) as it goes. It collects every syntax error it can recover from.
struct Parser {
    /// Sections nested deeper than this are refused, so rendering never overflows the stack.
    static let maximumNesting = 200

    private let source: TemplateSource
    private let bytes: [UInt8]
    private var index = 0
    private var delimiters = Delimiters.standard
    private var frames: [Frame]
    private(set) var diagnostics: [Diagnostic] = []
    /// Sections opened past ``maximumNesting``: skipped, and their closing tags with them,
    /// so a template nested thousands deep gives one error, not one per level.
    private var skippedSections = 0
    /// The most errors one template reports; past them, parsing stops.
    static let maximumErrors = 20

    // Line bookkeeping: the line number and start offset of the line containing `scanned`.
    private var scanned = 0
    private var line = 1
    private var lineStart = 0
    private var column = 1

    init(source: TemplateSource, delimiters: Delimiters = .standard) {
        self.source = source
        self.bytes = Array(source.text.utf8)
        self.delimiters = delimiters
        self.frames = [Frame(kind: .root, name: "", position: TagPosition(line: 1, column: 1), delimiters: .standard)]
    }

    /// Parses the whole template; `diagnostics` holds the errors found.
    mutating func parse() -> [Node] {
        while index < bytes.count {
            guard let tagStart = find(delimiters.open, from: index) else {
                appendText(bytes[index...])
                index = bytes.count
                break
            }
            appendText(bytes[index..<tagStart])
            guard parseTag(at: tagStart) else { break }
            if diagnostics.count >= Self.maximumErrors {
                diagnostics.append(Diagnostic(.note, "more errors may follow in \(source.path): fix these first"))
                return frames[0].finishedNodes()
            }
        }
        while frames.count > 1, diagnostics.count < Self.maximumErrors {
            let frame = frames.removeLast()
            report(
                "unclosed \(frame.kind.noun) '\(frame.name)': no '\(tagText("/", frame.name))' before the end of the template",
                at: frame.position)
            append(node(closing: frame, closeOffset: bytes.count), to: frames.count - 1)
        }
        return frames[0].finishedNodes()
    }

    // MARK: Tags

    /// Parses the tag starting at `tagStart`; false when the template cannot be read further.
    private mutating func parseTag(at tagStart: Int) -> Bool {
        let position = self.position(of: tagStart)
        var contentStart = tagStart + delimiters.open.count
        let sigil: UInt8? = contentStart < bytes.count ? bytes[contentStart] : nil
        var closer = delimiters.close
        switch sigil {
        case UInt8(ascii: "{"): closer = [UInt8(ascii: "}")] + delimiters.close
        case UInt8(ascii: "="): closer = [UInt8(ascii: "=")] + delimiters.close
        default: break
        }
        if let sigil, Self.sigils.contains(sigil) { contentStart += 1 }
        guard let closeStart = find(closer, from: contentStart) else {
            report(
                "unclosed tag: no '\(String(decoding: closer, as: UTF8.self))' after '\(String(decoding: delimiters.open, as: UTF8.self))'",
                at: position)
            index = bytes.count
            return false
        }
        let kind = TagKind(sigil: sigil)
        // `{{title}</h1> … {{next}}`: the closing delimiter found belongs to a later tag.
        if kind != .comment, let cut = firstUnclosedTagSign(contentStart, closeStart) {
            report(
                "unclosed tag: no '\(String(decoding: closer, as: UTF8.self))' after '\(String(decoding: delimiters.open, as: UTF8.self))'",
                at: position)
            index = cut
            return true
        }
        let tagEnd = closeStart + closer.count
        let content = trimmed(contentStart, closeStart)

        // Standalone: the tag is alone on its line but for whitespace.
        let lineBegin = lineStart  // `position(of:)` has scanned up to the tag
        let onlyWhitespaceBefore = isWhitespace(lineBegin, tagStart)
        let lineEnd = endOfLine(after: tagEnd)
        let insideParent = frames.last?.kind == .parent
        var standalone = kind.canStandAlone && onlyWhitespaceBefore && lineEnd != nil
        if kind == .block, insideParent, lineEnd != nil {
            standalone = true  // text around blocks inside a parent is ignored
        }
        var indentation: [UInt8] = []
        if standalone {
            if onlyWhitespaceBefore {
                indentation = Array(bytes[lineBegin..<tagStart])
                frames[frames.count - 1].dropTrailingText(count: tagStart - lineBegin)
            }
            index = lineEnd!
        } else {
            index = tagEnd
        }

        switch kind {
        case .comment:
            break
        case .delimiters:
            setDelimiters(content, at: position)
        case .variable(let escaped):
            guard let name = validName(content, at: position) else { break }
            append(.variable(Name(name), escaped: escaped, position), to: frames.count - 1)
        case .section, .invertedSection, .parent, .block:
            guard let name = validName(content, at: position, allowingDynamic: kind == .parent) else { break }
            guard frames.count <= Self.maximumNesting else {
                if skippedSections == 0 { report("sections nested more than \(Self.maximumNesting) deep", at: position) }
                skippedSections += 1
                break
            }
            var frame = Frame(kind: kind.frameKind!, name: name, position: position, delimiters: delimiters)
            frame.tagEnd = tagEnd
            frame.standalone = standalone
            frame.leadingWhitespace = onlyWhitespaceBefore ? Array(bytes[lineBegin..<tagStart]) : nil
            frames.append(frame)
        case .partial:
            guard let name = validName(content, at: position, allowingDynamic: true) else { break }
            append(.partial(dynamicName(name), indentation: indentation, position), to: frames.count - 1)
        case .close where skippedSections > 0:
            skippedSections -= 1
        case .close:
            close(
                content, tagStart: tagStart, tagEnd: tagEnd, lineBegin: lineBegin,
                onlyWhitespaceBefore: onlyWhitespaceBefore, standalone: standalone, position: position)
        }
        return true
    }

    private mutating func close(
        _ name: Substring, tagStart: Int, tagEnd: Int, lineBegin: Int,
        onlyWhitespaceBefore: Bool, standalone: Bool, position: TagPosition
    ) {
        guard frames.count > 1 else {
            report("unexpected closing tag '\(tagText("/", name))': no section is open", at: position)
            return
        }
        var frame = frames.removeLast()
        if frame.name != name {
            report(
                "closing tag '\(tagText("/", name))' does not match '\(tagText(frame.kind.sigil, frame.name))' opened at \(location(frame.position))",
                at: position,
                notes: [note("'\(tagText(frame.kind.sigil, frame.name))' opened here", at: frame.position)])
        }
        // A block's content inside a parent ends before the whitespace that starts its closing line.
        if frame.kind == .block, frames.last?.kind == .parent, !standalone, onlyWhitespaceBefore {
            frame.dropTrailingText(count: tagStart - lineBegin)
        }
        // A parent whose opening tag starts a line and whose closing tag ends one stands alone,
        // even on a single line: the text between them is ignored anyway.
        if frame.kind == .parent, !frame.standalone, let leading = frame.leadingWhitespace,
            let lineEnd = standalone ? index : endOfLine(after: tagEnd)
        {
            frames[frames.count - 1].dropTrailingText(count: leading.count)
            frame.standalone = true
            index = lineEnd
        }
        if frame.kind == .block, frames.last?.kind == .parent {
            frames[frames.count - 1].overrides[String(frame.name)] = frame.overrideBlock()
            return
        }
        append(node(closing: frame, closeOffset: tagStart), to: frames.count - 1)
    }

    private func node(closing frame: Frame, closeOffset: Int) -> Node {
        let nodes = frame.finishedNodes()
        switch frame.kind {
        case .section:
            let rawEnd = max(frame.tagEnd, closeOffset)
            let raw = String(decoding: bytes[frame.tagEnd..<rawEnd], as: UTF8.self)
            return .section(Name(frame.name), nodes, source: raw, delimiters: frame.delimiters, frame.position)
        case .invertedSection:
            return .invertedSection(Name(frame.name), nodes, frame.position)
        case .parent:
            return .parent(
                dynamicName(frame.name), overrides: frame.overrides,
                indentation: frame.standalone ? frame.leadingWhitespace ?? [] : [], frame.position)
        case .block:
            return .block(String(frame.name), defaultContent: nodes, frame.slotIndentation(nodes))
        case .root:
            preconditionFailure("the root frame is never closed")
        }
    }

    private mutating func setDelimiters(_ content: Substring, at position: TagPosition) {
        let parts = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
            report(
                "invalid set-delimiters tag: expected two delimiters separated by a space, as in '{{=<% %>=}}'",
                at: position)
            return
        }
        delimiters = Delimiters(open: Array(parts[0].utf8), close: Array(parts[1].utf8))
    }

    // MARK: Nodes and text

    private mutating func appendText(_ text: ArraySlice<UInt8>) {
        guard !text.isEmpty else { return }
        frames[frames.count - 1].text.append(contentsOf: text)
    }

    private mutating func append(_ node: Node, to frameIndex: Int) {
        frames[frameIndex].flushText()
        frames[frameIndex].nodes.append(node)
    }

    // MARK: Names

    private mutating func validName(
        _ content: Substring, at position: TagPosition,
        allowingDynamic: Bool = false
    ) -> Substring? {
        if content.isEmpty {
            report("empty tag: a name is missing between the delimiters", at: position)
            return nil
        }
        if content.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            let name = content.drop(while: { $0 == "*" }).trimmingWhitespace()
            if allowingDynamic, content.first == "*", !name.contains(where: { $0 == " " || $0 == "\t" }) {
                return "*" + name
            }
            report("invalid name '\(content)': names cannot contain spaces", at: position)
            return nil
        }
        return content
    }

    private func dynamicName(_ text: Substring) -> Name {
        if text.first == "*" {
            return Name(text.dropFirst().trimmingWhitespace(), dynamic: true)
        }
        return Name(text)
    }

    // MARK: Scanning

    private static let sigils: Set<UInt8> = Set("#^/!>&{=<$".utf8)

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start <= bytes.count - needle.count else { return nil }
        var i = start
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// Where a line break or another opening delimiter stands inside a tag's content: a sign
    /// that the tag was never closed.
    private func firstUnclosedTagSign(_ start: Int, _ end: Int) -> Int? {
        if let newline = bytes[start..<end].firstIndex(of: UInt8(ascii: "\n")) { return newline }
        guard let open = find(delimiters.open, from: start), open < end else { return nil }
        return open
    }

    private func trimmed(_ start: Int, _ end: Int) -> Substring {
        Substring(decoding: bytes[start..<end], as: UTF8.self).trimmingWhitespace()
    }

    /// True when only spaces and tabs stand between `start` and `end`; scans backwards and
    /// stops at the first other byte.
    private func isWhitespace(_ start: Int, _ end: Int) -> Bool {
        var i = end
        while i > start {
            i -= 1
            if bytes[i] != UInt8(ascii: " "), bytes[i] != UInt8(ascii: "\t") { return false }
        }
        return true
    }

    /// The offset just past the line ending after `offset`, if only spaces or tabs come first.
    private func endOfLine(after offset: Int) -> Int? {
        var i = offset
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") || bytes[i] == UInt8(ascii: "\t") { i += 1 }
        if i == bytes.count { return i }
        if bytes[i] == UInt8(ascii: "\n") { return i + 1 }
        if bytes[i] == UInt8(ascii: "\r"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\n") { return i + 2 }
        return nil
    }

    /// The line and column of `offset`, counted on from the last offset asked for, so a
    /// template is scanned once however many tags stand on one line.
    private mutating func position(of offset: Int) -> TagPosition {
        while scanned < offset {
            if bytes[scanned] == UInt8(ascii: "\n") {
                line += 1
                lineStart = scanned + 1
                column = 1
            } else if bytes[scanned] & 0xC0 != 0x80 {
                column += 1
            }
            scanned += 1
        }
        return TagPosition(line: Int32(line), column: Int32(column))
    }

    // MARK: Diagnostics

    private func location(_ position: TagPosition) -> SourceLocation {
        SourceLocation(path: source.path, line: Int(position.line), column: Int(position.column))
    }

    private func note(_ message: String, at position: TagPosition) -> Diagnostic.Note {
        let location = location(position)
        return Diagnostic.Note(message, at: location, sourceLine: SourceText.line(location.line, of: source.text[...]))
    }

    private mutating func report(_ message: String, at position: TagPosition, notes: [Diagnostic.Note] = []) {
        diagnostics.append(Diagnostic(.error, message, at: location(position), in: source.text[...], notes: notes))
    }

    private func tagText(_ sigil: String, _ name: Substring) -> String {
        "{{\(sigil)\(name)}}"
    }
}

// MARK: - Tag kinds and open frames

private enum TagKind: Equatable {
    case variable(escaped: Bool)
    case section, invertedSection, close, comment, partial, delimiters, parent, block

    init(sigil: UInt8?) {
        switch sigil {
        case UInt8(ascii: "#"): self = .section
        case UInt8(ascii: "^"): self = .invertedSection
        case UInt8(ascii: "/"): self = .close
        case UInt8(ascii: "!"): self = .comment
        case UInt8(ascii: ">"): self = .partial
        case UInt8(ascii: "="): self = .delimiters
        case UInt8(ascii: "<"): self = .parent
        case UInt8(ascii: "$"): self = .block
        case UInt8(ascii: "&"), UInt8(ascii: "{"): self = .variable(escaped: false)
        default: self = .variable(escaped: true)
        }
    }

    var canStandAlone: Bool {
        if case .variable = self { return false }
        return true
    }

    var frameKind: Frame.Kind? {
        switch self {
        case .section: .section
        case .invertedSection: .invertedSection
        case .parent: .parent
        case .block: .block
        default: nil
        }
    }
}

/// A section, parent or block whose closing tag has not been read yet.
private struct Frame {
    enum Kind {
        case root, section, invertedSection, parent, block

        var sigil: String {
            switch self {
            case .root: ""
            case .section: "#"
            case .invertedSection: "^"
            case .parent: "<"
            case .block: "$"
            }
        }

        var noun: String {
            switch self {
            case .parent: "parent"
            case .block: "block"
            default: "section"
            }
        }
    }

    let kind: Kind
    let name: Substring
    let position: TagPosition
    let delimiters: Delimiters
    var tagEnd = 0
    var standalone = false
    /// The whitespace between the start of the line and the opening tag; nil when other text
    /// stands there.
    var leadingWhitespace: [UInt8]?
    var nodes: [Node] = []
    var text: [UInt8] = []
    var overrides: [String: Block] = [:]

    init(kind: Kind, name: Substring, position: TagPosition, delimiters: Delimiters) {
        self.kind = kind
        self.name = name
        self.position = position
        self.delimiters = delimiters
    }

    mutating func flushText() {
        guard !text.isEmpty else { return }
        if kind != .parent { nodes.append(.text(text)) }  // text inside a parent is ignored
        text = []
    }

    mutating func dropTrailingText(count: Int) {
        text.removeLast(min(count, text.count))
    }

    func finishedNodes() -> [Node] {
        var copy = self
        copy.flushText()
        return copy.nodes
    }

    /// How a slot's override is indented: like the first line of the default content when the
    /// opening tag stands alone (or like the tag itself when there is no default), else like
    /// the whitespace before the tag.
    func slotIndentation(_ defaultContent: [Node]) -> BlockIndentation {
        guard standalone else {
            return BlockIndentation(indentation: leadingWhitespace ?? [], startsLine: false)
        }
        if case .text(let bytes)? = defaultContent.first {
            return BlockIndentation(
                indentation: Array(bytes.prefix(while: { $0 == 0x20 || $0 == 0x09 })),
                startsLine: true)
        }
        return BlockIndentation(indentation: defaultContent.isEmpty ? leadingWhitespace ?? [] : [], startsLine: true)
    }

    /// The block's content as an override, with the indentation of its first line removed
    /// from every line, so it can be re-indented where the parent expands it.
    func overrideBlock() -> Block {
        let nodes = finishedNodes()
        let startsLine = standalone
        guard startsLine, case .text(let first)? = nodes.first else { return Block(nodes: nodes) }
        let margin = Array(first.prefix(while: { $0 == 0x20 || $0 == 0x09 }))
        guard !margin.isEmpty else { return Block(nodes: nodes) }
        var atLineStart = true
        return Block(nodes: Dedent(margin: margin).apply(nodes, atLineStart: &atLineStart))
    }
}

/// Removes a margin of whitespace from the start of every line of a node tree.
private struct Dedent {
    let margin: [UInt8]

    func apply(_ nodes: [Node], atLineStart: inout Bool) -> [Node] {
        nodes.map { node in
            switch node {
            case .text(let bytes):
                return .text(strip(bytes, atLineStart: &atLineStart))
            case .section(let name, let children, let source, let delimiters, let position):
                let wasAtLineStart = atLineStart
                let stripped = apply(children, atLineStart: &atLineStart)
                atLineStart = wasAtLineStart && atLineStart
                return .section(name, stripped, source: source, delimiters: delimiters, position)
            case .invertedSection(let name, let children, let position):
                return .invertedSection(name, apply(children, atLineStart: &atLineStart), position)
            case .partial(let name, let indentation, let position):
                return .partial(name, indentation: removingMargin(indentation), position)
            case .parent(let name, let overrides, let indentation, let position):
                return .parent(name, overrides: overrides, indentation: removingMargin(indentation), position)
            case .block(let name, let defaultContent, var indentation):
                if indentation.startsLine { indentation.indentation = removingMargin(indentation.indentation) }
                return .block(name, defaultContent: apply(defaultContent, atLineStart: &atLineStart), indentation)
            case .variable:
                atLineStart = false
                return node
            }
        }
    }

    private func removingMargin(_ indentation: [UInt8]) -> [UInt8] {
        var common = 0
        while common < indentation.count, common < margin.count, indentation[common] == margin[common] { common += 1 }
        return Array(indentation[common...])
    }

    private func strip(_ bytes: [UInt8], atLineStart: inout Bool) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if atLineStart {
                var m = 0
                while m < margin.count, i < bytes.count, bytes[i] == margin[m] {
                    i += 1
                    m += 1
                }
                atLineStart = false
                continue
            }
            result.append(bytes[i])
            if bytes[i] == UInt8(ascii: "\n") { atLineStart = true }
            i += 1
        }
        return result
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
