import Diagnostics
import Foundation

extension ResponseAggregator {
    /// Where the required and optional columns stand; any order, extra columns ignored.
    struct Columns {
        var count: Int
        var date: Int
        var metric: Int
        var score: Int
        var segment: Int?
        var touchpoint: Int?
        var comment: Int?
        var weight: Int?
        var respondent: Int?
        var journey: Int?

        init?(count: Int, names: [String]) {
            guard let date = names.firstIndex(of: "date"), let metric = names.firstIndex(of: "metric"),
                let score = names.firstIndex(of: "score")
            else { return nil }
            self.count = count
            self.date = date
            self.metric = metric
            self.score = score
            segment = names.firstIndex(of: "segment")
            touchpoint = names.firstIndex(of: "touchpoint")
            comment = names.firstIndex(of: "comment")
            weight = names.firstIndex(of: "weight")
            respondent = names.firstIndex(of: "respondent")
            journey = names.firstIndex(of: "journey")
        }

        static func from(header record: CSVReader.Record) -> Result<Columns, HeaderProblem> {
            let names = record.strings.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if let columns = Columns(count: names.count, names: names) { return .success(columns) }
            let missing = ["date", "metric", "score"].filter { !names.contains($0) }.joined(separator: ", ")
            return .failure(HeaderProblem(message: "the header has no \(missing) column: response files start with date,metric,score"))
        }
    }

    struct HeaderProblem: Error {
        let message: String
    }

    /// Collects a file's errors, showing the first few dozen with their source lines.
    struct ErrorSink {
        let path: String
        let url: URL
        /// The sheet read, for a workbook: errors then name cells instead of quoting lines.
        var sheet: String?
        var shown: [(message: String, line: Int, column: Int)] = []
        var hidden = 0

        mutating func report(_ message: String, line: Int, column: Int) {
            if shown.count < ResponseAggregator.shownErrorsPerFile {
                shown.append((message, line, column))
            } else {
                hidden += 1
            }
        }

        /// Adds the errors to `result`, quoting their lines from the file in one pass.
        func finish(into result: FileResult) -> FileResult {
            var result = result
            guard !shown.isEmpty else { return result }
            if let sheet {
                for error in shown {
                    result.diagnostics.append(
                        Diagnostic(
                            .error, error.message, at: SourceLocation(path: path, line: error.line, column: error.column),
                            notes: [SourceFile.cellNote(sheet: sheet, row: error.line, column: error.column)]))
                }
            } else {
                let lines = SourceLines(url: url, wanted: Dictionary(shown.map { ($0.line, $0.column) }, uniquingKeysWith: max))
                for error in shown {
                    result.diagnostics.append(
                        Diagnostic(
                            .error, error.message,
                            at: SourceLocation(path: path, line: error.line, column: error.column),
                            sourceLine: lines.text[error.line]))
                }
            }
            if hidden > 0 {
                result.diagnostics.append(Diagnostic(.error, "\(hidden) more bad rows in this file are not shown", at: .file(path)))
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
        guard let handle = try? FileHandle(forReadingFrom: url), let last = wanted.keys.max() else { return }
        defer { try? handle.close() }
        var line = 1
        var current: [UInt8] = []
        var keep = wanted[1].map { Self.bytesToKeep(column: $0) } ?? 0
        while line <= last, let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    if wanted[line] != nil, !current.isEmpty { text[line] = Self.decode(current) }
                    current.removeAll(keepingCapacity: true)
                    line += 1
                    keep = wanted[line].map { Self.bytesToKeep(column: $0) } ?? 0
                    if line > last { break }
                } else if current.count < keep {
                    current.append(byte)
                }
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
