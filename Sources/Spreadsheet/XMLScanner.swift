#if canImport(Glibc)
    import Glibc
#endif

/// What the scanner tells its handler: elements opening and closing, and text between them.
/// Names and bytes are views into the scanner's buffer, valid only during the call.
protocol XMLHandler {
    /// An element opens; `tag` is its start tag (for ``XMLScanner/attribute(_:in:)``);
    /// `closes` when it is empty (`<x/>`), and no ``close(_:)`` follows.
    mutating func open(_ name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, closes: Bool) throws(XMLScanner.Interruption)
    mutating func close(_ name: UnsafeBufferPointer<UInt8>) throws(XMLScanner.Interruption)
    /// Text as written (entities not yet decoded), or a CDATA section's text as it is.
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, isCDATA: Bool) throws(XMLScanner.Interruption)
}

/// A streaming reader of the XML an `.xlsx` workbook is made of. It is given the part's bytes
/// in chunks as they are inflated, keeps only an unfinished tag or text between chunks, and
/// tells a handler what it finds: a sheet of a million rows is read in flat memory.
///
/// It reads well-formed XML without a document type: a workbook never declares one, so
/// entity definitions (and the expansion attacks they allow) are refused, not processed.
struct XMLScanner {
    /// Why scanning ended early: the XML is not well formed, or the handler has read enough.
    enum Interruption: Error {
        case malformed(String)
        case stopped
    }

    /// The longest tag or run of text: past it the part is refused, so a broken file cannot
    /// make the scanner hold it whole.
    static let tokenLimit = 1 << 20

    private var pending: [UInt8] = []

    /// Scans `chunk` after what was left of the previous one.
    mutating func feed<Handler: XMLHandler>(_ chunk: UnsafeRawBufferPointer, to handler: inout Handler) throws(Interruption) {
        if pending.isEmpty {
            let used = try Self.scan(chunk.bindMemory(to: UInt8.self), to: &handler)
            pending.append(contentsOf: chunk[used...])
        } else {
            pending.append(contentsOf: chunk)
            let used = try pending.withUnsafeBufferPointer { bytes throws(Interruption) in try Self.scan(bytes, to: &handler) }
            pending.removeFirst(used)
        }
        if pending.count > Self.tokenLimit {
            throw Interruption.malformed("a tag or text longer than \(Self.tokenLimit >> 20) MiB")
        }
    }

    /// Ends the part: what is left must be whitespace.
    func finish() throws(Interruption) {
        guard pending.allSatisfy(Self.isSpace) else { throw Interruption.malformed("the XML ends inside a tag") }
    }

    /// Scans every whole token of `bytes`; returns how many bytes were used.
    private static func scan<Handler: XMLHandler>(_ bytes: UnsafeBufferPointer<UInt8>, to handler: inout Handler) throws(Interruption) -> Int {
        var index = 0
        let count = bytes.count
        while index < count {
            if bytes[index] != lessThan {
                guard let end = find(lessThan, in: bytes, from: index) else { return index }
                try handler.text(UnsafeBufferPointer(rebasing: bytes[index..<end]), isCDATA: false)
                index = end
                continue
            }
            guard index + 1 < count else { return index }
            switch bytes[index + 1] {
            case UInt8(ascii: "/"):
                guard let end = find(greaterThan, in: bytes, from: index) else { return index }
                try handler.close(name(in: bytes, from: index + 2, to: end))
                index = end + 1
            case UInt8(ascii: "?"):
                guard let end = find(Array("?>".utf8), in: bytes, from: index) else { return index }
                index = end + 2
            case UInt8(ascii: "!"):
                if starts(bytes, at: index, with: "<!--") {
                    guard let end = find(Array("-->".utf8), in: bytes, from: index + 4) else { return index }
                    index = end + 3
                } else if starts(bytes, at: index, with: "<![CDATA[") {
                    guard let end = find(Array("]]>".utf8), in: bytes, from: index + 9) else { return index }
                    try handler.text(UnsafeBufferPointer(rebasing: bytes[(index + 9)..<end]), isCDATA: true)
                    index = end + 3
                } else if count - index < 9 {
                    return index
                } else {
                    throw Interruption.malformed("the XML declares a document type, which a workbook never does")
                }
            default:
                guard let end = findTagEnd(in: bytes, from: index + 1) else { return index }
                let closes = bytes[end - 1] == UInt8(ascii: "/")
                let tag = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<(closes ? end - 1 : end)])
                try handler.open(name(in: tag, from: 0, to: tag.count), tag: tag, closes: closes)
                index = end + 1
            }
        }
        return index
    }

    /// The name at the start of `bytes[from..<to]`, without its namespace prefix.
    private static func name(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> UnsafeBufferPointer<UInt8> {
        var stop = start
        var local = start
        while stop < end, !isSpace(bytes[stop]), bytes[stop] != UInt8(ascii: "/") {
            if bytes[stop] == UInt8(ascii: ":") { local = stop + 1 }
            stop += 1
        }
        return UnsafeBufferPointer(rebasing: bytes[local..<stop])
    }

    /// The value of the attribute whose local name is `wanted` in a start tag, entities
    /// decoded; nil when the tag has none.
    static func attribute(_ wanted: String, in tag: UnsafeBufferPointer<UInt8>) throws(Interruption) -> [UInt8]? {
        try rawAttribute(wanted, in: tag).map { value throws(Interruption) in try decodeEntities(value) }
    }

    /// The same, as written, for values that hold no entity (numbers, cell references).
    static func rawAttribute(_ wanted: String, in tag: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var wanted = wanted
        return wanted.withUTF8 { key in
            var found: UnsafeBufferPointer<UInt8>?
            forEachAttribute(in: tag) { name, value in
                guard equal(name, key) else { return true }
                found = value
                return false
            }
            return found
        }
    }

    /// Whether two byte runs are the same.
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// Whether `bytes` are the ASCII letters of `text`, a short literal.
    @inline(__always)
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount && (bytes.isEmpty || memcmp(bytes.baseAddress!, text.utf8Start, bytes.count) == 0)
    }

    /// The whole number written in `bytes` (digits only); nil for anything else.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Every attribute of a start tag by local name (`r:id` as `id`), entities decoded;
    /// namespace declarations are not attributes.
    static func attributes(in tag: UnsafeBufferPointer<UInt8>) throws(Interruption) -> [String: String] {
        var attributes: [String: String] = [:]
        var problem: Interruption?
        forEachAttribute(in: tag) { name, value in
            switch Result(catching: { () throws(Interruption) in try decodeEntities(value) }) {
            case .success(let decoded):
                attributes[String(decoding: name, as: UTF8.self)] = String(decoding: decoded, as: UTF8.self)
                return true
            case .failure(let error):
                problem = error
                return false
            }
        }
        if let problem { throw problem }
        return attributes
    }

    /// Calls `body` with each attribute's local name and value as written, until it returns false.
    static func forEachAttribute(
        in tag: UnsafeBufferPointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        var index = 0
        while index < tag.count, !isSpace(tag[index]) { index += 1 }  // the element's name
        while index < tag.count {
            while index < tag.count, isSpace(tag[index]) { index += 1 }
            let nameStart = index
            var local = index
            while index < tag.count, tag[index] != UInt8(ascii: "="), !isSpace(tag[index]) {
                if tag[index] == UInt8(ascii: ":") { local = index + 1 }
                index += 1
            }
            let nameEnd = index
            while index < tag.count, tag[index] != UInt8(ascii: "=") { index += 1 }
            index += 1
            while index < tag.count, isSpace(tag[index]) { index += 1 }
            guard index < tag.count else { return }
            let quote = tag[index]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else { return }
            let valueStart = index + 1
            index = valueStart
            while index < tag.count, tag[index] != quote { index += 1 }
            let value = UnsafeBufferPointer(rebasing: tag[valueStart..<min(index, tag.count)])
            index += 1
            if tag[nameStart] == UInt8(ascii: "x"), nameEnd - nameStart >= 5,
                equal(UnsafeBufferPointer(rebasing: tag[nameStart..<(nameStart + 5)]), "xmlns")
            {
                continue
            }
            if !body(UnsafeBufferPointer(rebasing: tag[local..<nameEnd]), value) { return }
        }
    }

    /// `bytes` with `&lt;`, `&amp;`, `&#…;` and the other predefined entities replaced.
    static func decodeEntities(_ bytes: UnsafeBufferPointer<UInt8>) throws(Interruption) -> [UInt8] {
        var output: [UInt8] = []
        try appendDecoded(bytes, to: &output)
        return output
    }

    /// Appends `bytes` to `output` with entities decoded.
    static func appendDecoded(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) throws(Interruption) {
        guard let first = bytes.firstIndex(of: UInt8(ascii: "&")) else {
            output.append(contentsOf: bytes)
            return
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<first]))
        var index = first
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "&") else {
                output.append(byte)
                index += 1
                continue
            }
            guard let end = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
                throw Interruption.malformed("an '&' that starts no entity: the XML is not well formed")
            }
            let entity = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
            if equal(entity, "lt") {
                output.append(UInt8(ascii: "<"))
            } else if equal(entity, "gt") {
                output.append(UInt8(ascii: ">"))
            } else if equal(entity, "amp") {
                output.append(UInt8(ascii: "&"))
            } else if equal(entity, "quot") {
                output.append(UInt8(ascii: "\""))
            } else if equal(entity, "apos") {
                output.append(UInt8(ascii: "'"))
            } else {
                guard entity.first == UInt8(ascii: "#"), let scalar = characterReference(entity.dropFirst()) else {
                    throw Interruption.malformed("the entity '&\(String(decoding: entity, as: UTF8.self));' is not defined in a workbook's XML")
                }
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            index = end + 1
        }
    }

    /// The scalar of `#65` or `#x41` (without the `#`).
    private static func characterReference(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Unicode.Scalar? {
        let text = String(decoding: digits, as: UTF8.self)
        let value = text.first == "x" ? UInt32(text.dropFirst(), radix: 16) : UInt32(text, radix: 10)
        return value.flatMap(Unicode.Scalar.init)
    }

    private static let lessThan = UInt8(ascii: "<"), greaterThan = UInt8(ascii: ">")

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    private static func find(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard start < bytes.count, let found = memchr(bytes.baseAddress! + start, Int32(byte), bytes.count - start) else { return nil }
        return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private static func find(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while let found = find(pattern[0], in: bytes, from: index) {
            guard found + pattern.count <= bytes.count else { return nil }
            if UnsafeBufferPointer(rebasing: bytes[found..<(found + pattern.count)]).elementsEqual(pattern) { return found }
            index = found + 1
        }
        return nil
    }

    /// The `>` that ends the tag starting at `start`, skipping any inside quoted values.
    private static func findTagEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        var quote: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == greaterThan {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return UnsafeBufferPointer(rebasing: bytes[index..<(index + count)])
            .elementsEqual(UnsafeBufferPointer(start: prefix.utf8Start, count: count))
    }
}
