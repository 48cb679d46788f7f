import Diagnostics
import Spreadsheet

/// A text file of the site, read once and kept for locating diagnostics.
public struct SourceFile: Sendable {
    /// The path diagnostics print, relative to the site folder (`content/stories/x.md`).
    public let path: String
    public let text: String
    /// The file's metadata when it was read, for the build cache; nil for text not from a file.
    var stamp: FileStamp?
    /// For a sheet of an `.xlsx` workbook (whose `text` is empty), the sheet's name: a line
    /// and column are then a row and column of the sheet, and diagnostics name the cell.
    var sheet: String?
    /// For a table, whether its numbers have a decimal comma (`86,4`): a semicolon-separated CSV.
    var decimalComma = false

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    /// Decodes the bytes of the file at `displayPath`, reporting bytes that are not UTF-8
    /// at the first bad one. A byte-order mark is dropped.
    static func decode(_ bytes: [UInt8], displayPath: String) -> Result<SourceFile, Diagnostic> {
        guard let text = String(validatingUTF8Bytes: bytes) else {
            let (line, column, offset) = firstInvalidUTF8(in: bytes)
            return .failure(
                Diagnostic(
                    .error, "the file is not valid UTF-8 (byte \(offset) cannot be decoded); save it as UTF-8",
                    at: SourceLocation(path: displayPath, line: line, column: column)))
        }
        if let problem = controlCharacterProblem(in: text, path: displayPath) { return .failure(problem) }
        return .success(SourceFile(path: displayPath, text: text))
    }

    /// An error at the first control character or noncharacter of `text`, which no page or
    /// feed may carry; nil when there is none.
    static func controlCharacterProblem(in text: String, path: String) -> Diagnostic? {
        guard let found = TextSafety.firstForbidden(in: text) else { return nil }
        let before = text.unicodeScalars.prefix(found.offset)
        let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        let column = found.offset - (before.lastIndex(of: "\n").map { before.distance(from: before.startIndex, to: $0) + 1 } ?? 0) + 1
        let more = found.count > 1 ? " (and \(found.count - 1) more in this file)" : ""
        let source = SourceFile(path: path, text: text)
        return source.diagnostic(
            "a control character (\(TextSafety.name(found.scalar))) cannot appear in a site's text\(more): remove it",
            line: line, column: column)
    }

    /// A location in this file.
    func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }

    /// An error or warning at `line:column`, with the source line and a caret; in a sheet,
    /// with a note naming the cell instead.
    func diagnostic(
        _ message: String, line: Int, column: Int, severity: Diagnostic.Severity = .error,
        notes: [Diagnostic.Note] = []
    ) -> Diagnostic {
        if let sheet {
            return Diagnostic(
                severity, message, at: location(line: line, column: column),
                notes: [Self.cellNote(sheet: sheet, row: line, column: column)] + notes)
        }
        return Diagnostic(severity, message, at: location(line: line, column: column), in: text[...], notes: notes)
    }

    /// "in sheet 'Responses', cell C7": where a sheet's row and column are, as a spreadsheet
    /// names them.
    static func cellNote(sheet: String, row: Int, column: Int) -> Diagnostic.Note {
        Diagnostic.Note(column > 0 ? "in sheet '\(sheet)', cell \(SheetRow.columnName(column))\(row)" : "in sheet '\(sheet)', row \(row)")
    }

    private static func firstInvalidUTF8(in bytes: [UInt8]) -> (line: Int, column: Int, offset: Int) {
        let offset = firstInvalidUTF8Offset(in: bytes)
        let position = SourceText.position(ofOffset: offset, in: bytes)
        return (position.line, position.column, offset)
    }

    /// The offset of the first byte of `bytes` that does not start a valid UTF-8 sequence.
    static func firstInvalidUTF8Offset(in bytes: [UInt8]) -> Int {
        var offset = 0
        while offset < bytes.count {
            let length = validSequenceLength(bytes, at: offset)
            if length == 0 { break }
            offset += length
        }
        return offset
    }

    /// The length of the valid UTF-8 sequence at `offset`, or 0 when it is invalid.
    private static func validSequenceLength(_ bytes: [UInt8], at offset: Int) -> Int {
        let first = bytes[offset]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard offset + length <= bytes.count else { return 0 }
        let sequence = bytes[offset..<offset + length]
        return String(validating: sequence, as: UTF8.self) == nil ? 0 : length
    }
}

extension String {
    /// Decodes UTF-8, dropping a byte-order mark; nil when the bytes are not valid UTF-8.
    init?(validatingUTF8Bytes data: [UInt8]) {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        self = text
    }
}
