import Diagnostics
import Spreadsheet

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
        /// One entry a field, in one array: a record of a million-row file appends to one.
        fileprivate var fields: [Field] = []
        /// Set when a byte outside printable ASCII was read: the fields need checking.
        fileprivate var hasUncommonBytes = false
        /// A row of a sheet: positions are rows and columns of cells, not of text.
        private(set) var isSheetRow = false

        /// Where a field's text is in `bytes`, and where the field starts in the file.
        fileprivate struct Field {
            var range: Range<Int>
            var line: Int
            var column: Int
            /// Whether the field was quoted (its text starts a column after its position).
            var quoted: Bool
        }

        var count: Int { fields.count }

        /// Empties the record for the next, keeping its storage.
        fileprivate mutating func clear(line: Int, isSheetRow: Bool) {
            self.line = line
            bytes.removeAll(keepingCapacity: true)
            fields.removeAll(keepingCapacity: true)
            self.isSheetRow = isSheetRow
            hasUncommonBytes = false
        }

        /// Field `index` as text.
        func string(_ index: Int) -> String {
            String(decoding: bytes[fields[index].range], as: UTF8.self)
        }

        /// Field `index` as bytes, without copying.
        func withBytes<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[fields[index].range])) }
        }

        /// Where field `index` starts.
        func position(_ index: Int) -> (line: Int, column: Int) { (fields[index].line, fields[index].column) }

        var strings: [String] { (0..<count).map(string) }

        /// A row of a sheet as a record: a field for every column from A to its last cell,
        /// or to column `width` (the header's) when that is further, empty where no cell is.
        mutating func load(_ row: SheetRow, width: Int = 0) {
            clear(line: row.number, isSheetRow: true)
            var cell = 0
            for column in 1...max(width, row.columns.last ?? 1, 1) {
                let start = bytes.count
                if cell < row.count, row.columns[cell] == column {
                    row.withBytes(cell) { field in
                        bytes.append(contentsOf: field)
                        hasUncommonBytes = hasUncommonBytes || field.contains { $0 >= 0x7F || ($0 < 0x20 && $0 != 0x09) }
                    }
                    cell += 1
                }
                fields.append(Field(range: start..<bytes.count, line: row.number, column: column, quoted: false))
            }
        }

        /// The error for a record with `count` fields under a header of `header`: in a sheet,
        /// a value right of the header's last column.
        func widthMessage(header: Int) -> String {
            guard isSheetRow else { return CSVReader.fieldCountMessage(row: count, header: header) }
            return
                "a value in column \(SheetRow.columnName(count)), right of the header's last column (\(SheetRow.columnName(header))): give the column a name, or clear the cell"
        }

        /// The first field that is not valid UTF-8 or holds a control character, as a problem
        /// at the byte where it goes wrong; nil when every field is good text.
        func textProblem() -> Problem? {
            guard hasUncommonBytes else { return nil }
            for index in 0..<count {
                let field = bytes[fields[index].range]
                var message: String?
                var offset = 0
                if String(validating: field, as: UTF8.self) == nil {
                    offset = SourceFile.firstInvalidUTF8Offset(in: Array(field))
                    message = "the field is not valid UTF-8 (byte \(offset + 1) of the field cannot be decoded); save the file as UTF-8"
                } else if let found = TextSafety.firstForbidden(in: String(decoding: field, as: UTF8.self)) {
                    offset = String(decoding: field, as: UTF8.self).unicodeScalars.prefix(found.offset).reduce(0) { $0 + UTF8.width($1) }
                    message = "a control character (\(TextSafety.name(found.scalar))) cannot appear in a site's text: remove it"
                }
                guard let message else { continue }
                let start = fields[index]
                if isSheetRow { return Problem(message: message, line: start.line, column: start.column) }
                let within = SourceText.position(ofOffset: offset, in: Array(field))
                let line = start.line + within.line - 1
                let column = within.line == 1 ? start.column + (start.quoted ? 1 : 0) + within.column - 1 : within.column
                return Problem(message: message, line: line, column: column)
            }
            return nil
        }
    }

    /// The longest field read; a longer one is a located error, read past in bounded memory.
    static let fieldLimit = 65_536
    /// The most fields, and bytes, of one row: a row past either is a located error.
    static let fieldsLimit = 1_000
    static let recordLimit = 1 << 20

    /// A quote left open, or text after a closing quote.
    struct Problem: Error {
        var message: String
        var line: Int
        var column: Int
    }

    /// The byte between fields: a comma, a semicolon or a tab.
    private(set) var delimiter: UInt8
    /// Bytes that end a run of plain field text: the delimiter, \n, \r and ".
    private var unquotedStops: ByteSource.RunStops
    /// Bytes that end a run of quoted text: " and \n (for the line count).
    private static let quotedStops = ByteSource.RunStops([0x22, 0x0A])

    private var source: ByteSource
    private var line = 1
    private var column = 1
    private(set) var record = Record()

    /// Reads CSV (or, with a tab as `delimiter`, TSV) held in memory.
    init(_ bytes: [UInt8], delimiter: UInt8 = CSVReader.comma) {
        source = ByteSource(bytes: bytes)
        self.delimiter = delimiter
        unquotedStops = ByteSource.RunStops([delimiter, 0x0A, 0x0D, 0x22])
        skipByteOrderMark()
    }

    /// Reads a CSV or TSV file in chunks, or only the bytes of it in `range` (which start a
    /// line: its lines count from 1); nil when it cannot be opened.
    init?(path: String, delimiter: UInt8 = CSVReader.comma, range: Range<Int>? = nil) {
        guard let source = ByteSource(path: path, range: range) else { return nil }
        self.source = source
        self.delimiter = delimiter
        unquotedStops = ByteSource.RunStops([delimiter, 0x0A, 0x0D, 0x22])
        if (range?.lowerBound ?? 0) == 0 { skipByteOrderMark() }
    }

    /// Whether the file is UTF-16, read as the UTF-8 it transcodes to: its byte offsets are
    /// not the file's.
    var isTranscoded: Bool { source.isTranscoded }

    static let comma = UInt8(ascii: ","), tab = UInt8(ascii: "\t"), semicolon = UInt8(ascii: ";")

    /// Takes the delimiter from the first line: the most frequent of comma, semicolon and tab
    /// outside quotes (a comma where none is), as Excel writes CSV by the locale's list separator.
    mutating func sniffDelimiter() {
        var counts = (comma: 0, semicolon: 0, tab: 0)
        var quoted = false
        var offset = 0
        while offset < 65_536, let byte = source.peek(offset) {
            if byte == 0x22 { quoted.toggle() }
            if !quoted {
                if byte == 0x0A || byte == 0x0D { break }
                if byte == Self.comma { counts.comma += 1 }
                if byte == Self.semicolon { counts.semicolon += 1 }
                if byte == Self.tab { counts.tab += 1 }
            }
            offset += 1
        }
        let chosen =
            counts.semicolon > counts.comma && counts.semicolon >= counts.tab
            ? Self.semicolon : counts.tab > counts.comma && counts.tab > counts.semicolon ? Self.tab : Self.comma
        delimiter = chosen
        unquotedStops = ByteSource.RunStops([chosen, 0x0A, 0x0D, 0x22])
    }

    /// "this row has 1 field but the header has 3": a row whose field count is not the header's.
    static func fieldCountMessage(row: Int, header: Int) -> String {
        "this row has \(row) \(row == 1 ? "field" : "fields") but the header has \(header)"
    }

    /// The delimiter of a table file by its name: a tab for `.tsv`, a comma otherwise.
    static func delimiter(of path: String) -> UInt8 { path.lowercased().hasSuffix(".tsv") ? tab : comma }

    /// "comma", "semicolon" or "tab", for messages.
    private var delimiterName: String { delimiter == Self.tab ? "tab" : delimiter == Self.semicolon ? "semicolon" : "comma" }

    private mutating func skipByteOrderMark() {
        if source.peek() == 0xEF, source.peek(1) == 0xBB, source.peek(2) == 0xBF {
            source.advance()
            source.advance()
            source.advance()
        }
    }

    /// Reads the next record into `record`; false at the end. Blank lines are skipped.
    mutating func next() throws(Problem) -> Bool {
        while let byte = source.peek(), byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            consumeLineEnd()
        }
        guard source.peek() != nil else { return false }
        record.clear(line: line, isSheetRow: false)
        if readUnquotedLine() { return true }
        while true {
            guard record.fields.count < Self.fieldsLimit, record.bytes.count < Self.recordLimit else {
                throw Problem(
                    message: "a row of more than \(Self.fieldsLimit) fields or \(Self.recordLimit >> 10) KiB: is this file CSV?",
                    line: record.line, column: 1)
            }
            let (fieldLine, fieldColumn, quoted) = (line, column, source.peek() == UInt8(ascii: "\""))
            let start = record.bytes.count
            try readField()
            record.fields.append(Record.Field(range: start..<record.bytes.count, line: fieldLine, column: fieldColumn, quoted: quoted))
            guard let byte = source.peek() else { break }
            if byte == delimiter {
                advance()
                continue
            }
            consumeLineEnd()
            break
        }
        return true
    }

    /// Reads the record at hand in one pass when it is a whole line in the buffer with no
    /// quote, within the limits: as most rows of an export are. The line is copied whole and
    /// its fields are ranges of it. False, having read nothing, for any other record (the
    /// field by field reading then reports what is wrong with it).
    private mutating func readUnquotedLine() -> Bool {
        let stops = unquotedStops
        let delimiter = delimiter
        let line = line
        var record = Record()
        swap(&record, &self.record)
        defer { swap(&record, &self.record) }
        let used = source.consumeBuffered { bytes in
            let length = min(bytes.count, Self.fieldLimit)
            var end = 0
            var uncommon = false
            var fieldStarts = 0
            var lineEnd: Int?
            stops.classes.withUnsafeBufferPointer { classes in
                while end < length {
                    let kind = classes[Int(bytes[end])]
                    if kind == ByteSource.RunStops.stop {
                        let byte = bytes[end]
                        if byte == delimiter {
                            fieldStarts += 1
                        } else {
                            if byte != UInt8(ascii: "\"") { lineEnd = end }
                            return
                        }
                    } else if kind == ByteSource.RunStops.uncommon {
                        uncommon = true
                    }
                    end += 1
                }
            }
            // The line break must be in the buffer, and a CR's LF too, if it has one.
            guard let lineEnd, fieldStarts < Self.fieldsLimit else { return 0 }
            var next = lineEnd + 1
            if bytes[lineEnd] == UInt8(ascii: "\r") {
                guard next < bytes.count else { return 0 }
                if bytes[next] == UInt8(ascii: "\n") { next += 1 }
            }
            record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<lineEnd]))
            record.hasUncommonBytes = uncommon
            var start = 0
            var column = 1
            for index in 0...lineEnd where index == lineEnd || bytes[index] == delimiter {
                record.fields.append(Record.Field(range: start..<index, line: line, column: column, quoted: false))
                if uncommon {
                    column += bytes[start..<index].reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) } + 1
                } else {
                    column += index - start + 1
                }
                start = index + 1
            }
            return next
        }
        guard used > 0 else { return false }
        self.line += 1
        column = 1
        return true
    }

    private mutating func readField() throws(Problem) {
        let openLine = line
        let openColumn = column
        let limit = record.bytes.count + Self.fieldLimit
        func tooLong() -> Problem {
            Problem(
                message: "a field longer than \(Self.fieldLimit / 1024) KiB: is a quote missing, or a file not CSV?", line: openLine,
                column: openColumn)
        }
        guard source.peek() == UInt8(ascii: "\"") else {
            let run = source.takeRun(into: &record.bytes, stoppingAt: unquotedStops, limit: limit)
            column += run.scalars
            record.hasUncommonBytes = record.hasUncommonBytes || run.uncommon
            if run.stop == UInt8(ascii: "\"") {
                throw Problem(
                    message: "a quote inside an unquoted field: quote the whole field and double the quote (\"\")",
                    line: line, column: column)
            }
            if run.truncated { throw tooLong() }
            return
        }
        advance()
        let quotedStops = Self.quotedStops  // once a field, not once a run
        var truncated = false
        while true {
            let run = source.takeRun(into: &record.bytes, stoppingAt: quotedStops, limit: limit)
            column += run.scalars
            record.hasUncommonBytes = record.hasUncommonBytes || run.uncommon
            truncated = truncated || run.truncated
            guard let byte = source.peek() else {
                throw Problem(message: "a quoted field is never closed: add the closing quote", line: openLine, column: openColumn)
            }
            advance()
            if byte == UInt8(ascii: "\"") {
                guard source.peek() == UInt8(ascii: "\"") else { break }
                advance()
            }
            if record.bytes.count < limit { record.bytes.append(byte) } else { truncated = true }
        }
        if truncated { throw tooLong() }
        if let byte = source.peek(), byte != delimiter, byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") {
            throw Problem(
                message: "text after a closing quote: a quoted field must end at a \(delimiterName) or the end of the line",
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

    /// Closes the file before its end, when the rest is not wanted.
    mutating func close() { source.stop() }

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

/// Bytes from memory or from a file read in 1 MiB chunks. A file that starts with a UTF-16
/// byte-order mark (as Qualtrics writes TSV) is read as the UTF-8 it transcodes to.
struct ByteSource {
    private var buffer: [UInt8]
    private var index = 0
    /// Bytes dropped from the front of `buffer` by refills.
    private var consumedBefore = 0

    var bytesRead: Int { consumedBefore + index }
    private var descriptor: Int32 = -1
    private var atEnd: Bool
    /// Set for a UTF-16 file: whether its units are little-endian.
    private var utf16LittleEndian: Bool?
    /// Bytes of a UTF-16 file not yet transcoded: an odd byte, or a high surrogate's two.
    private var pending: [UInt8] = []
    /// Bytes of the file still to read, when only a range of it is read.
    private var remaining = Int.max

    var isTranscoded: Bool { utf16LittleEndian != nil }

    init(bytes: [UInt8]) {
        buffer = bytes
        atEnd = true
    }

    /// Opens the regular file at `path`; nil, with `errno` set, when it cannot be opened or
    /// is not a regular file (opening a named pipe does not wait for a writer). With a
    /// `range`, only those bytes are read, as they are (no byte-order mark is looked for).
    init?(path: String, range: Range<Int>? = nil) {
        descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        let start = off_t(range?.lowerBound ?? 0)
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, lseek(descriptor, start, SEEK_SET) == start
        else {
            close(descriptor)
            errno = EINVAL
            return nil
        }
        buffer = []
        atEnd = false
        remaining = range?.count ?? Int.max
        refill()
        if range == nil, buffer.count >= 2, (buffer[0], buffer[1]) == (0xFF, 0xFE) || (buffer[0], buffer[1]) == (0xFE, 0xFF) {
            utf16LittleEndian = buffer[0] == 0xFF
            let raw = Array(buffer[2...])
            var decoded: [UInt8] = []
            transcode(raw, into: &decoded)
            buffer = decoded
        }
    }

    /// Appends the UTF-8 of the UTF-16 units in `pending` and `raw`, keeping an unfinished
    /// unit or surrogate pair for the next chunk (at the end, it becomes U+FFFD).
    private mutating func transcode(_ raw: [UInt8], into output: inout [UInt8]) {
        let bytes = pending + raw
        pending = []
        let little = utf16LittleEndian == true
        var index = 0
        var high: UInt32?
        func append(_ scalar: UInt32) {
            switch scalar {
            case ..<0x80: output.append(UInt8(scalar))
            case ..<0x800: output += [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
            case ..<0x10000:
                output += [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | scalar >> 6 & 0x3F), UInt8(0x80 | scalar & 0x3F)]
            default:
                output += [
                    UInt8(0xF0 | scalar >> 18), UInt8(0x80 | scalar >> 12 & 0x3F), UInt8(0x80 | scalar >> 6 & 0x3F),
                    UInt8(0x80 | scalar & 0x3F),
                ]
            }
        }
        while index + 1 < bytes.count {
            let unit = little ? UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 : UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
            if let first = high {
                high = nil
                if (0xDC00...0xDFFF).contains(unit) {
                    append(0x10000 + (first - 0xD800) << 10 + (unit - 0xDC00))
                    continue
                }
                append(0xFFFD)
            }
            switch unit {
            case 0xD800...0xDBFF: high = unit
            case 0xDC00...0xDFFF: append(0xFFFD)
            default: append(unit)
            }
        }
        if atEnd {
            if high != nil || index < bytes.count { append(0xFFFD) }
        } else {
            pending = (high != nil ? Array(bytes[(index - 2)..<index]) : []) + bytes[index...]
        }
    }

    /// Where the line after each of `offsets` starts in the file at `path` of `size` bytes: just
    /// past the first line break at or after the offset, or `size` where none is. Nil when the
    /// file cannot be read.
    static func lineStarts(after offsets: [Int], inFileAt path: String, size: Int) -> [Int]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var window = [UInt8](repeating: 0, count: 4096)
        var starts: [Int] = []
        for offset in offsets {
            var position = offset
            var start: Int?
            while start == nil, position < size {
                let count = window.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return nil }
                if let index = window[..<count].firstIndex(of: 0x0A) { start = position + index + 1 } else { position += count }
            }
            starts.append(start ?? size)
        }
        return starts
    }

    /// Closes the file before its end, when the rest is not wanted.
    mutating func stop() {
        guard !atEnd else { return }
        atEnd = true
        close(descriptor)
    }

    /// Calls `body` with the unread bytes the buffer holds (refilled first when it holds
    /// none): not always all the rest of the input. `body` returns how many it used, and
    /// this returns that.
    mutating func consumeBuffered(_ body: (UnsafeBufferPointer<UInt8>) -> Int) -> Int {
        if index >= buffer.count, !atEnd { refill() }
        let used = buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[index...])) }
        index += used
        return used
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

    /// What each byte value does to a run of field text: ends it, needs the text checked (a
    /// control character other than a tab, or not ASCII), or neither. One load a byte, not a
    /// comparison with each stop and each bound.
    struct RunStops: Sendable {
        static let plain: UInt8 = 0, stop: UInt8 = 1, uncommon: UInt8 = 2
        let classes: [UInt8]

        init(_ stops: [UInt8]) {
            classes = (0...255).map { (value: Int) -> UInt8 in
                let byte = UInt8(value)
                if stops.contains(byte) { return Self.stop }
                return byte >= 0x7F || (byte < 0x20 && byte != 0x09) ? Self.uncommon : Self.plain
            }
        }
    }

    /// Appends bytes to `output` up to (not including) the first of `stops` or the end, but
    /// never past `limit` bytes in all, and returns how many characters that was, the byte it
    /// stopped at, whether bytes were dropped at the limit, and whether any byte was a
    /// control or not ASCII (the record's text needs checking).
    mutating func takeRun(
        into output: inout [UInt8], stoppingAt stops: RunStops,
        limit: Int
    ) -> (scalars: Int, stop: UInt8?, truncated: Bool, uncommon: Bool) {
        var scalars = 0
        var truncated = false
        var uncommon = false
        while true {
            if index >= buffer.count {
                if atEnd { return (scalars, nil, truncated, uncommon) }
                refill()
                if index >= buffer.count { return (scalars, nil, truncated, uncommon) }
            }
            let start = index
            var end = index
            var continuations = 0  // UTF-8 bytes that continue a character: not a column each
            buffer.withUnsafeBufferPointer { bytes in
                stops.classes.withUnsafeBufferPointer { classes in
                    while end < bytes.count {
                        let kind = classes[Int(bytes[end])]
                        if kind == RunStops.stop { break }
                        if kind == RunStops.uncommon {
                            uncommon = true
                            if bytes[end] & 0xC0 == 0x80 { continuations += 1 }
                        }
                        end += 1
                    }
                }
                let room = max(0, limit - output.count)
                if end - start > room { truncated = true }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<min(end, start + room)]))
            }
            scalars += end - start - continuations
            index = end
            if end < buffer.count { return (scalars, buffer[end], truncated, uncommon) }
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
        // Only what was read is appended: filling a megabyte first costs an unoptimised
        // build a million generic calls per chunk.
        var filled = 0
        while filled < chunk {
            let wanted = min(chunk - filled, 1 << 16, remaining)
            let count = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(wanted, 1)) { scratch in
                let count = wanted == 0 ? 0 : read(descriptor, scratch.baseAddress!, wanted)
                if count > 0 { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<count])) }
                return count
            }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                atEnd = true
                close(descriptor)
                break
            }
            filled += count
            remaining -= count
        }
        if utf16LittleEndian != nil {
            let raw = Array(buffer[start...])
            buffer.removeLast(buffer.count - start)
            var decoded: [UInt8] = []
            transcode(raw, into: &decoded)
            buffer += decoded
        }
    }
}
