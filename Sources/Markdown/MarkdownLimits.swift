/// The shapes of markdown that cost cmark-gfm time and memory out of all proportion to
/// their size, and the bounds cxsite holds them to: a story of any content then renders in
/// a fraction of a second. Measured with cmark-gfm 0.29: a table costs about a microsecond
/// and 500 bytes per cell, so a 2 MB table takes 1.6 s and 500 MB, and one row of 10,000
/// cells 40 s; containers nested on one line (`> > > …`, `- - - …`) cost as much per level.
public enum MarkdownLimits {
    /// The most cells in one table row.
    public static let cellsPerRow = 300
    /// The most cells in all the tables of one document.
    public static let cellsPerDocument = 100_000
    /// The most block quotes and list items opened on one line.
    public static let nestingPerLine = 64

    /// What is over a bound, and where: 1-based line and column within the markdown.
    public struct Problem: Sendable, Equatable, Error {
        public var message: String
        public var line: Int
        public var column: Int

        public init(message: String, line: Int, column: Int) {
            self.message = message
            self.line = line
            self.column = column
        }
    }

    /// The first bound `markdown` goes past, or nil. One pass over the bytes.
    public static func problem(in markdown: String) -> Problem? {
        var text = markdown
        return text.withUTF8 { problem(in: $0) }
    }

    private static func problem(in bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        var lines: [Range<Int>] = []
        var start = 0
        for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
            lines.append(start..<index)
            start = index + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }

        var tableCells = 0
        // The columns of the table being read: cmark-gfm gives every row that many cells,
        // however few it writes.
        var tableColumns: Int?
        for (number, line) in lines.enumerated() {
            let nesting = containerDepth(bytes, line)
            if nesting.depth > nestingPerLine {
                return Problem(
                    message: "more than \(nestingPerLine) block quotes or lists open on one line: cxsite renders at most \(nestingPerLine) levels",
                    line: number + 1, column: nesting.column)
            }
            // Tables can sit in block quotes and lists: read each line past its markers.
            let content = nesting.contentStart..<line.upperBound
            if isBlank(bytes, content) {
                tableColumns = nil
                continue
            }
            if tableColumns == nil, number + 1 < lines.count {
                let next = lines[number + 1]
                if isDelimiterRow(bytes, containerDepth(bytes, next).contentStart..<next.upperBound) {
                    tableColumns = cellCount(bytes, content)
                }
            }
            guard let columns = tableColumns else { continue }
            let cells = max(columns, cellCount(bytes, content))
            if cells > cellsPerRow {
                return Problem(
                    message: "a table row with more than \(cellsPerRow) cells: cxsite renders tables of at most \(cellsPerRow) columns",
                    line: number + 1, column: 1)
            }
            tableCells += cells
            if tableCells > cellsPerDocument {
                return Problem(
                    message: "tables with more than \(cellsPerDocument) cells in all: split them over several stories, or link to the data",
                    line: number + 1, column: 1)
            }
        }
        return nil
    }

    /// How many block quotes (`>`) and list markers (`-`, `*`, `+`, `1.`, `1)`) open the
    /// line, the column of the one past the bound, and where the line's content starts.
    private static func containerDepth(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>)
        -> (depth: Int, column: Int, contentStart: Int)
    {
        var index = line.lowerBound
        var depth = 0
        var column = 1
        var contentStart = line.lowerBound
        while index < line.upperBound {
            while index < line.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            contentStart = index
            guard index < line.upperBound else { break }
            let byte = bytes[index]
            var marker = 0
            if byte == UInt8(ascii: ">") {
                marker = 1
            } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "+") {
                marker = 1
                guard index + 1 == line.upperBound || bytes[index + 1] == 0x20 || bytes[index + 1] == 0x09 else { break }
            } else if (0x30...0x39).contains(byte) {
                var end = index
                while end < line.upperBound, end - index < 9, (0x30...0x39).contains(bytes[end]) { end += 1 }
                guard end < line.upperBound, bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: ")"),
                    end + 1 == line.upperBound || bytes[end + 1] == 0x20 || bytes[end + 1] == 0x09
                else { break }
                marker = end + 1 - index
            } else {
                break
            }
            depth += 1
            if depth == nestingPerLine + 1 { column = index - line.lowerBound + 1 }
            index += marker
            contentStart = index
        }
        return (depth, column, contentStart)
    }

    /// A GFM table's delimiter row: cells of hyphens with optional colons, between pipes.
    private static func isDelimiterRow(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        var hasPipe = false
        var hasHyphen = false
        for index in line {
            switch bytes[index] {
            case UInt8(ascii: "|"): hasPipe = true
            case UInt8(ascii: "-"): hasHyphen = true
            case UInt8(ascii: ":"), 0x20, 0x09, 0x0D: break
            default: return false
            }
        }
        return hasPipe && hasHyphen
    }

    /// The cells of a table row: its pipes, but for one leading and one trailing pipe, plus one.
    private static func cellCount(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Int {
        var count = 1
        for index in line where bytes[index] == UInt8(ascii: "|") { count += 1 }
        let content = line.filter { bytes[$0] != 0x20 && bytes[$0] != 0x09 && bytes[$0] != 0x0D }
        if let first = content.first, bytes[first] == UInt8(ascii: "|") { count -= 1 }
        if let last = content.last, content.count > 1, bytes[last] == UInt8(ascii: "|") { count -= 1 }
        return count
    }

    private static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        line.allSatisfy { bytes[$0] == 0x20 || bytes[$0] == 0x09 || bytes[$0] == 0x0D }
    }
}
