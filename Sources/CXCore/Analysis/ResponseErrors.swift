import Diagnostics
import Foundation

extension ResponseAggregator {
    /// What makes errors of many rows one: the same mistake (a date format, an unknown value)
    /// is shown once, with the rows that repeat it counted.
    struct Cause {
        /// The mistake and the value's shape or text.
        var key: String
        /// What the repeats share, for "and 212 more rows with the same date format".
        var what: String
    }

    /// Collects a file's errors, showing the first of each cause and the first few dozen in
    /// all with their source lines; the rest are counted.
    struct ErrorSink {
        let path: String
        let url: URL
        /// The sheet read, for a workbook: errors then name cells instead of quoting lines.
        var sheet: String?
        var shown: [(message: String, line: Int, column: Int, cause: Cause?)] = []
        /// Rows past the first of each cause, by the cause's key.
        var repeats: [String: Int] = [:]
        var hidden = 0
        /// The line of the last error not shown: the count of them stands there, after the rest.
        var lastHiddenLine = 0
        /// Warnings about the file (segments written two ways, or not declared).
        var warnings: [Diagnostic] = []
        /// The most causes counted apart: past them, a new cause is only counted.
        static let causesLimit = 1_000

        /// Whether nothing has been reported.
        var isEmpty: Bool { shown.isEmpty && hidden == 0 && repeats.isEmpty && warnings.isEmpty }

        mutating func report(_ message: String, line: Int, column: Int, cause: Cause? = nil) {
            if let cause, repeats.count < Self.causesLimit || repeats[cause.key] != nil {
                if let seen = repeats[cause.key] {
                    repeats[cause.key] = seen + 1
                    return
                }
                repeats[cause.key] = 0
            }
            if shown.count < ResponseAggregator.shownErrorsPerFile {
                shown.append((message, line, column, cause))
            } else {
                hidden += 1
                lastHiddenLine = line
            }
        }

        /// Adds the errors to `result`, quoting their lines from the file in one pass.
        func finish(into result: FileResult) -> FileResult {
            var result = result
            result.diagnostics += warnings
            guard !shown.isEmpty else { return result }
            let lines =
                sheet == nil ? SourceLines(url: url, wanted: Dictionary(shown.map { ($0.line, $0.column) }, uniquingKeysWith: max)) : nil
            for error in shown {
                var notes: [Diagnostic.Note] = []
                if let sheet { notes.append(SourceFile.cellNote(sheet: sheet, row: error.line, column: error.column)) }
                if let cause = error.cause, let more = repeats[cause.key], more > 0 {
                    notes.append(
                        Diagnostic.Note(
                            "and \(NumberText.count(more)) more \(more == 1 ? "row" : "rows") with the same \(cause.what)"))
                }
                result.diagnostics.append(
                    Diagnostic(
                        .error, error.message, at: SourceLocation(path: path, line: error.line, column: error.column),
                        sourceLine: lines?.text[error.line], notes: notes))
            }
            if hidden > 0 {
                result.diagnostics.append(
                    Diagnostic(
                        .error,
                        "\(NumberText.count(hidden)) more bad \(hidden == 1 ? "row" : "rows") in this file \(hidden == 1 ? "is" : "are") not shown",
                        at: SourceLocation(path: path, line: lastHiddenLine, column: 1)))
            }
            return result
        }
    }
}

/// A few lines of a large file, read by streaming through it once.
private struct SourceLines {
    var text: [Int: String] = [:]

    /// Reads the `wanted` lines (line → column of the error) of the file, each only up to a
    /// little past its column: a line may be a 100 MB field, and only the part around the
    /// caret is shown.
    init(url: URL, wanted: [Int: Int]) {
        guard var source = ByteSource(path: url.path), let last = wanted.keys.max() else { return }
        defer { source.stop() }
        var line = 1
        var current: [UInt8] = []
        var keep = wanted[1].map { Self.bytesToKeep(column: $0) } ?? 0
        while line <= last, let byte = source.peek() {
            source.advance()
            if byte == UInt8(ascii: "\n") {
                if wanted[line] != nil, !current.isEmpty { text[line] = Self.decode(current) }
                current.removeAll(keepingCapacity: true)
                line += 1
                keep = wanted[line].map { Self.bytesToKeep(column: $0) } ?? 0
            } else if current.count < keep {
                current.append(byte)
            }
        }
        if wanted[line] != nil, text[line] == nil { text[line] = Self.decode(current) }
    }

    /// Enough bytes for every character up to `column` and the rest of what is shown; none
    /// for a column so far along a line that quoting it would mean holding a huge line.
    private static func bytesToKeep(column: Int) -> Int {
        column > 16_384 ? 0 : (column + Excerpt.width) * 4
    }

    private static func decode(_ bytes: [UInt8]) -> String {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        if line.hasPrefix("\u{FEFF}") { line.removeFirst() }
        return line
    }
}
