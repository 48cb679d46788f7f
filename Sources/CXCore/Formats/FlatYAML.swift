/// The YAML front matter is nearly always written in, read without a YAML library: `key:
/// value` lines at the left edge, each value a quoted or plain scalar on its line or a `[a, b]`
/// list, or on the lines below a list of such scalars or of `key: value` entries, or `key:
/// value` lines indented further. For such a
/// document it gives the nodes Yams composes (text, style and position alike) at a fraction of
/// the cost; anything else it declines (nil), and Yams reads the document, so errors and rarer
/// shapes stay Yams'. A fuzz test holds the two to the same nodes.
enum FlatYAML {
    static func compose(_ yaml: String) -> YAMLNode? {
        var text = yaml
        return text.withUTF8 { bytes in
            var reader = FlatYAMLReader(bytes: bytes)
            return reader.document()
        }
    }
}

private struct FlatYAMLReader {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Each line's bytes, without its line feed.
    private var lines: [Range<Int>] = []
    /// The line being read, from 0.
    private var line = 0
    /// For a document that is not all ASCII, the Unicode scalars before each byte, so that a
    /// column costs the same anywhere on a long line.
    private var scalarsBefore: [Int] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() -> YAMLNode? {
        guard Self.holdsOnlyPlainCharacters(bytes) else { return nil }
        if bytes.contains(where: { $0 >= 0x80 }) {
            scalarsBefore.reserveCapacity(bytes.count + 1)
            var scalars = 0
            for byte in bytes {
                scalarsBefore.append(scalars)
                if byte & 0xC0 != 0x80 { scalars += 1 }
            }
            scalarsBefore.append(scalars)
        }
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lines.append(start..<index)
            start = index + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        skipBlankLines()
        guard line < lines.count, indentation(of: line) == 0,
            let mapping = blockMapping(at: lines[line].lowerBound, holdingLists: true), line == lines.count
        else { return nil }
        return mapping
    }

    // MARK: Block collections

    /// The `key: value` lines from `start` on (a key on the current line), each key at its
    /// column. Only when `holdingLists` may a key's value be on the lines below: a list, or
    /// `key: value` lines indented further. Duplicate keys are declined (Yams reports them).
    private mutating func blockMapping(at start: Int, holdingLists: Bool) -> YAMLNode? {
        let column = start - lines[line].lowerBound
        let mappingPosition = position(start)
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var keys: Set<String> = []
        var keyStart = start
        while true {
            guard let colon = keyEnd(from: keyStart) else { return nil }
            let key = text(keyStart..<colon)
            guard keys.insert(key).inserted else { return nil }
            let keyNode = YAMLNode.scalar(.init(string: key, isPlain: true, position: position(keyStart)))
            let valueStart = skipSpaces(from: colon + 1)
            let value: YAMLNode
            if valueStart == lines[line].upperBound || bytes[valueStart] == UInt8(ascii: "#") {
                // Nothing on the line: null, or a list on the lines below.
                let empty = YAMLNode.scalar(.init(string: "", isPlain: true, position: position(colon + 1)))
                line += 1
                skipBlankLines()
                guard holdingLists else { return nil }
                if line < lines.count, let dash = listItemStart(line) {
                    guard let list = blockList(dashAt: dash) else { return nil }
                    value = list
                } else if line < lines.count, indentation(of: line) > column {
                    guard let mapping = blockMapping(at: lines[line].lowerBound + indentation(of: line), holdingLists: false) else {
                        return nil
                    }
                    value = mapping
                } else {
                    value = empty
                }
            } else {
                guard let (node, end) = inlineValue(at: valueStart, inList: false), endsLine(from: end) else { return nil }
                value = node
                line += 1
                skipBlankLines()
            }
            pairs.append((keyNode, value))
            guard line < lines.count, indentation(of: line) == column else { break }
            keyStart = lines[line].lowerBound + column
            guard isKeyStart(bytes[keyStart]) else { break }
        }
        return .mapping(pairs, mappingPosition)
    }

    /// The `- item` lines from the current one, whose dash is at `dash`: each item a scalar, a
    /// `[a, b]` list or `key: value` lines (no lists below them).
    private mutating func blockList(dashAt dash: Int) -> YAMLNode? {
        let column = dash - lines[line].lowerBound
        let listPosition = position(dash)
        var items: [YAMLNode] = []
        while line < lines.count, indentation(of: line) == column, let itemDash = listItemStart(line) {
            let start = skipSpaces(from: itemDash + 1)
            guard start > itemDash + 1, start < lines[line].upperBound else { return nil }
            if keyEnd(from: start) != nil {
                guard let mapping = blockMapping(at: start, holdingLists: false) else { return nil }
                items.append(mapping)
            } else {
                guard let (node, end) = inlineValue(at: start, inList: false), endsLine(from: end) else { return nil }
                items.append(node)
                line += 1
                skipBlankLines()
            }
        }
        return .sequence(items, listPosition)
    }

    /// Where the dash of a `- ` line is, when `number` is one.
    private func listItemStart(_ number: Int) -> Int? {
        let dash = lines[number].lowerBound + indentation(of: number)
        guard dash < lines[number].upperBound, bytes[dash] == UInt8(ascii: "-") else { return nil }
        guard dash + 1 == lines[number].upperBound || bytes[dash + 1] == UInt8(ascii: " ") else { return nil }
        return dash
    }

    // MARK: Values on one line

    /// A quoted or plain scalar, or (outside a list) a `[a, b]` list, starting at `start`: the
    /// node and where it ends.
    private func inlineValue(at start: Int, inList: Bool) -> (YAMLNode, end: Int)? {
        switch bytes[start] {
        case UInt8(ascii: "\""): return doubleQuoted(at: start)
        case UInt8(ascii: "'"): return singleQuoted(at: start)
        case UInt8(ascii: "["): return inList ? nil : flowList(at: start)
        default: return plain(at: start, inList: inList)
        }
    }

    /// `"text"` without escapes.
    private func doubleQuoted(at start: Int) -> (YAMLNode, end: Int)? {
        var index = start + 1
        while index < lines[line].upperBound {
            switch bytes[index] {
            case UInt8(ascii: "\\"): return nil
            case UInt8(ascii: "\""):
                return (.scalar(.init(string: text(start + 1..<index), isPlain: false, position: position(start))), index + 1)
            default: index += 1
            }
        }
        return nil
    }

    /// `'text'`, where `''` is one quote mark.
    private func singleQuoted(at start: Int) -> (YAMLNode, end: Int)? {
        var content: [UInt8] = []
        var index = start + 1
        while index < lines[line].upperBound {
            if bytes[index] == UInt8(ascii: "'") {
                guard index + 1 < lines[line].upperBound, bytes[index + 1] == UInt8(ascii: "'") else {
                    let string = String(decoding: content, as: UTF8.self)
                    return (.scalar(.init(string: string, isPlain: false, position: position(start))), index + 1)
                }
                index += 1
            }
            content.append(bytes[index])
            index += 1
        }
        return nil
    }

    /// `[a, "b c", 'd']` on one line.
    private func flowList(at start: Int) -> (YAMLNode, end: Int)? {
        var items: [YAMLNode] = []
        var index = skipSpaces(from: start + 1)
        let end = lines[line].upperBound
        if index < end, bytes[index] == UInt8(ascii: "]") {
            return (.sequence([], position(start)), index + 1)
        }
        while index < end {
            guard let (item, itemEnd) = inlineValue(at: index, inList: true) else { return nil }
            items.append(item)
            index = skipSpaces(from: itemEnd)
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: "]") { return (.sequence(items, position(start)), index + 1) }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index = skipSpaces(from: index + 1)
            guard index < end, bytes[index] != UInt8(ascii: "]") else { return nil }
        }
        return nil
    }

    /// Unquoted text up to a comment (` #`), the line's end or, in a list, `,` or `]`; without
    /// the indicators that would make it something else.
    private func plain(at start: Int, inList: Bool) -> (YAMLNode, end: Int)? {
        guard !Self.indicators.contains(bytes[start]) else { return nil }
        let end = lines[line].upperBound
        var index = start
        var last = start  // just past the last byte that is not a space
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") {
                if index + 1 < end, bytes[index + 1] == UInt8(ascii: "#") { break }
            } else if byte == UInt8(ascii: ":") {
                // `: ` or a final `:` would make a key; in a list, any `:` is left to Yams.
                if inList || index + 1 == end || bytes[index + 1] == UInt8(ascii: " ") { return nil }
            } else if inList {
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") { break }
                if Self.listBreakers.contains(byte) { return nil }
            }
            index += 1
            if byte != UInt8(ascii: " ") { last = index }
        }
        return (.scalar(.init(string: text(start..<last), isPlain: true, position: position(start))), last)
    }

    /// Only spaces, or spaces and a comment, from `index` to the line's end.
    private func endsLine(from index: Int) -> Bool {
        let after = skipSpaces(from: index)
        return after == lines[line].upperBound || (after > index && bytes[after] == UInt8(ascii: "#"))
    }

    // MARK: Lines and bytes

    /// Bytes that cannot start a plain scalar here: YAML's indicators.
    private static let indicators: Set<UInt8> = Set("-?:,[]{}#&*!|>'\"%@` ".utf8)
    /// Bytes a plain scalar in a `[…]` list is left to Yams for.
    private static let listBreakers: Set<UInt8> = Set("[]{}#'\"".utf8)

    /// Just past a key (`[A-Za-z_][A-Za-z0-9_-]*`) starting at `start` when a `:` and a space
    /// or the line's end follow it: the colon's index.
    private func keyEnd(from start: Int) -> Int? {
        let end = lines[line].upperBound
        guard start < end, isKeyStart(bytes[start]) else { return nil }
        var index = start + 1
        while index < end, isKeyStart(bytes[index]) || bytes[index] == UInt8(ascii: "-") || (0x30...0x39).contains(bytes[index]) {
            index += 1
        }
        guard index < end, bytes[index] == UInt8(ascii: ":"), index + 1 == end || bytes[index + 1] == UInt8(ascii: " ") else {
            return nil
        }
        return index
    }

    private func isKeyStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }

    private func indentation(of number: Int) -> Int {
        lines[number].prefix { bytes[$0] == UInt8(ascii: " ") }.count
    }

    private func skipSpaces(from index: Int) -> Int {
        var index = index
        while index < lines[line].upperBound, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    /// Past blank lines and lines that hold only a comment.
    private mutating func skipBlankLines() {
        while line < lines.count {
            let first = lines[line].lowerBound + indentation(of: line)
            guard first == lines[line].upperBound || bytes[first] == UInt8(ascii: "#") else { return }
            line += 1
        }
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Where byte `index` of the current line is, as Yams counts: lines and Unicode scalars
    /// from 1.
    private func position(_ index: Int) -> YAMLNode.Position {
        let start = lines[line].lowerBound
        let scalars = scalarsBefore.isEmpty ? index - start : scalarsBefore[index] - scalarsBefore[start]
        return YAMLNode.Position(line: line + 1, column: scalars + 1)
    }

    /// Whether every character is one YAML reads as printable text or a line feed: not a tab
    /// or carriage return (their rules are Yams'), a control character, a byte-order mark, or
    /// one of the line breaks YAML 1.1 adds (U+0085, U+2028, U+2029).
    private static func holdsOnlyPlainCharacters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x0A, 0x20...0x7E:
                index += 1
            case 0xC2:
                guard bytes[index + 1] >= 0xA0 else { return false }  // C1 controls, U+0085
                index += 2
            case 0xC3...0xDF:
                index += 2
            case 0xE0...0xEF:
                let second = bytes[index + 1]
                let third = bytes[index + 2]
                if byte == 0xE2, second == 0x80, third == 0xA8 || third == 0xA9 { return false }  // U+2028, U+2029
                if byte == 0xEF, second == 0xBB, third == 0xBF { return false }  // U+FEFF
                if byte == 0xEF, second == 0xBF, third >= 0xBE { return false }  // U+FFFE, U+FFFF
                index += 3
            case 0xF0...0xF4:
                index += 4
            default:
                return false
            }
        }
        return true
    }
}
