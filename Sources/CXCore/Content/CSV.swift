/// An RFC 4180 CSV reader over UTF-8 bytes: quoted fields with `""` escapes and line breaks
/// inside, CRLF or LF line endings, a leading byte-order mark. Every record remembers the
/// line and column of each field, for located errors.
struct CSVReader {
    struct Record {
        var fields: [String]
        /// The line the record starts on.
        var line: Int
        /// The line and column where each field starts.
        var positions: [(line: Int, column: Int)]
    }

    /// A quote left open, or text after a closing quote.
    struct Problem: Error {
        var message: String
        var line: Int
        var column: Int
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
            lineStart = 3
        }
    }

    /// The next record, nil at the end; blank lines are skipped.
    mutating func next() throws(Problem) -> Record? {
        while index < bytes.count, bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r") {
            consumeLineEnd()
        }
        guard index < bytes.count else { return nil }
        var record = Record(fields: [], line: line, positions: [])
        while true {
            record.positions.append((line, column(of: index)))
            record.fields.append(try field())
            guard index < bytes.count else { break }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            consumeLineEnd()
            break
        }
        return record
    }

    private mutating func field() throws(Problem) -> String {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "\n"),
                  bytes[index] != UInt8(ascii: "\r") {
                if bytes[index] == UInt8(ascii: "\"") {
                    throw Problem(message: "a quote inside an unquoted field: quote the whole field and double the quote (\"\")",
                                  line: line, column: column(of: index))
                }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        let openLine = line, openColumn = column(of: index)
        index += 1
        var value: [UInt8] = []
        while true {
            guard index < bytes.count else {
                throw Problem(message: "a quoted field is never closed: add the closing quote", line: openLine, column: openColumn)
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                    value.append(byte)
                    index += 2
                    continue
                }
                index += 1
                break
            }
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            value.append(byte)
            index += 1
        }
        if index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "\n"),
           bytes[index] != UInt8(ascii: "\r") {
            throw Problem(message: "text after a closing quote: a quoted field must end at a comma or the end of the line",
                          line: line, column: column(of: index))
        }
        return String(decoding: value, as: UTF8.self)
    }

    private mutating func consumeLineEnd() {
        if index < bytes.count, bytes[index] == UInt8(ascii: "\r") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
        line += 1
        lineStart = index
    }

    /// Skips to the start of the next line, after a problem, so reading can go on.
    mutating func skipLine() {
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
        if index < bytes.count { index += 1 }
        line += 1
        lineStart = index
    }

    private func column(of offset: Int) -> Int {
        var column = 1
        var i = lineStart
        while i < offset {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }
}
