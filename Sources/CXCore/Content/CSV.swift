#if canImport(Glibc)
import Glibc
#endif

/// An RFC 4180 CSV reader: quoted fields with `""` escapes and line breaks inside, CRLF or LF
/// line endings, a leading byte-order mark. It streams: a file is read in chunks, and a record's
/// fields live in one reused buffer, so memory stays flat however long the file is. Every field
/// remembers where it starts, for located errors.
struct CSVReader {
    /// The current record; valid until the next call to `next()`.
    struct Record {
        /// The line the record starts on.
        var line = 0
        fileprivate var bytes: [UInt8] = []
        fileprivate var ranges: [Range<Int>] = []
        fileprivate var positions: [(line: Int, column: Int)] = []

        var count: Int { ranges.count }

        /// Field `index` as text.
        func string(_ index: Int) -> String {
            String(decoding: bytes[ranges[index]], as: UTF8.self)
        }

        /// Field `index` as bytes, without copying.
        func withBytes<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[ranges[index]])) }
        }

        /// Where field `index` starts.
        func position(_ index: Int) -> (line: Int, column: Int) { positions[index] }

        var strings: [String] { (0..<count).map(string) }
    }

    /// A quote left open, or text after a closing quote.
    struct Problem: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// Bytes that end a run of plain field text.
    private static let unquotedStops: (UInt8, UInt8, UInt8, UInt8) = (0x2C, 0x0A, 0x0D, 0x22)  // , \n \r "
    private static let quotedStops: (UInt8, UInt8, UInt8, UInt8) = (0x22, 0x0A, 0x22, 0x22)    // " \n

    private var source: ByteSource
    private var line = 1
    private var column = 1
    private(set) var record = Record()

    /// Reads CSV held in memory.
    init(_ bytes: [UInt8]) {
        source = ByteSource(bytes: bytes)
        skipByteOrderMark()
    }

    /// Reads a CSV file in chunks; nil when it cannot be opened.
    init?(path: String) {
        guard let source = ByteSource(path: path) else { return nil }
        self.source = source
        skipByteOrderMark()
    }

    private mutating func skipByteOrderMark() {
        if source.peek() == 0xEF, source.peek(1) == 0xBB, source.peek(2) == 0xBF {
            source.advance(); source.advance(); source.advance()
        }
    }

    /// Reads the next record into `record`; false at the end. Blank lines are skipped.
    mutating func next() throws(Problem) -> Bool {
        while let byte = source.peek(), byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            consumeLineEnd()
        }
        guard source.peek() != nil else { return false }
        record.line = line
        record.bytes.removeAll(keepingCapacity: true)
        record.ranges.removeAll(keepingCapacity: true)
        record.positions.removeAll(keepingCapacity: true)
        while true {
            record.positions.append((line, column))
            let start = record.bytes.count
            try readField()
            record.ranges.append(start..<record.bytes.count)
            guard let byte = source.peek() else { break }
            if byte == UInt8(ascii: ",") {
                advance()
                continue
            }
            consumeLineEnd()
            break
        }
        return true
    }

    private mutating func readField() throws(Problem) {
        guard source.peek() == UInt8(ascii: "\"") else {
            let run = source.takeRun(into: &record.bytes, stoppingAt: Self.unquotedStops)
            column += run.scalars
            if run.stop == UInt8(ascii: "\"") {
                throw Problem(message: "a quote inside an unquoted field: quote the whole field and double the quote (\"\")",
                              line: line, column: column)
            }
            return
        }
        let openLine = line, openColumn = column
        advance()
        while true {
            let run = source.takeRun(into: &record.bytes, stoppingAt: Self.quotedStops)
            column += run.scalars
            guard let byte = source.peek() else {
                throw Problem(message: "a quoted field is never closed: add the closing quote", line: openLine, column: openColumn)
            }
            advance()
            if byte == UInt8(ascii: "\"") {
                guard source.peek() == UInt8(ascii: "\"") else { break }
                advance()
            }
            record.bytes.append(byte)
        }
        if let byte = source.peek(), byte != UInt8(ascii: ","), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") {
            throw Problem(message: "text after a closing quote: a quoted field must end at a comma or the end of the line",
                          line: line, column: column)
        }
    }

    private mutating func advance() {
        guard let byte = source.peek() else { return }
        source.advance()
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func consumeLineEnd() {
        if source.peek() == UInt8(ascii: "\r") { source.advance() }
        if source.peek() == UInt8(ascii: "\n") { source.advance() }
        line += 1
        column = 1
    }

    /// How many bytes of the input have been consumed, for progress reports.
    var bytesRead: Int { source.bytesRead }

    /// Skips to the start of the next line, after a problem, so reading can go on.
    mutating func skipLine() {
        while let byte = source.peek(), byte != UInt8(ascii: "\n") { source.advance() }
        if source.peek() != nil { source.advance() }
        line += 1
        column = 1
    }
}

/// Bytes from memory or from a file read in 1 MiB chunks.
private struct ByteSource {
    private var buffer: [UInt8]
    private var index = 0
    /// Bytes dropped from the front of `buffer` by refills.
    private var consumedBefore = 0

    var bytesRead: Int { consumedBefore + index }
    private var descriptor: Int32 = -1
    private var atEnd: Bool

    init(bytes: [UInt8]) {
        buffer = bytes
        atEnd = true
    }

    init?(path: String) {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        buffer = []
        atEnd = false
        refill()
    }

    @inline(__always)
    mutating func peek(_ offset: Int = 0) -> UInt8? {
        if index + offset >= buffer.count, !atEnd { refill() }
        return index + offset < buffer.count ? buffer[index + offset] : nil
    }

    @inline(__always)
    mutating func advance() {
        index += 1
    }

    /// Appends bytes to `output` up to (not including) the first of `stops` or the end, and
    /// returns how many characters that was and the byte it stopped at.
    mutating func takeRun(into output: inout [UInt8], stoppingAt stops: (UInt8, UInt8, UInt8, UInt8)) -> (scalars: Int, stop: UInt8?) {
        var scalars = 0
        while true {
            if index >= buffer.count {
                if atEnd { return (scalars, nil) }
                refill()
                if index >= buffer.count { return (scalars, nil) }
            }
            let start = index
            var end = index
            buffer.withUnsafeBufferPointer { bytes in
                while end < bytes.count {
                    let byte = bytes[end]
                    if byte == stops.0 || byte == stops.1 || byte == stops.2 || byte == stops.3 { break }
                    if byte & 0xC0 != 0x80 { scalars += 1 }
                    end += 1
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            }
            index = end
            if end < buffer.count { return (scalars, buffer[end]) }
        }
    }

    /// Keeps the unread tail and appends the next chunk of the file.
    private mutating func refill() {
        let chunk = 1 << 20
        consumedBefore += min(index, buffer.count)
        buffer.removeFirst(min(index, buffer.count))
        index = 0
        let start = buffer.count
        buffer.reserveCapacity(start + chunk)
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        var filled = 0
        while filled < chunk {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + start + filled, chunk - filled) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                atEnd = true
                close(descriptor)
                break
            }
            filled += count
        }
        buffer.removeLast(chunk - filled)
    }
}
