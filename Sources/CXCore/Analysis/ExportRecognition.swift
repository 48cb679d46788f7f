import Diagnostics
import Foundation

/// Survey platforms' exports recognised by their header, for a file that has no mapping.
enum ExportPlatform {
    /// The platform whose export has these column names, if one is plain from them.
    static func recognise(_ names: [String]) -> ResponseMapping.Format? {
        let names = names.map { $0.trimmingCharacters(in: .whitespaces) }
        let lowered = Set(names.map { $0.lowercased() })
        if lowered.contains("responseid") || (lowered.contains("startdate") && lowered.contains("finished"))
            || (lowered.contains("v1") && lowered.contains("v10"))
        {
            return .qualtrics
        }
        if lowered.contains("respondent id") && lowered.contains("collector id") { return .surveymonkey }
        if lowered.contains("survey_type") || lowered.contains("survey type") { return .delighted }
        if lowered.contains("submitted_at") || lowered.contains("submit date (utc)") { return .typeform }
        if names.first?.lowercased() == "timestamp" { return .googleforms }
        return nil
    }
}

/// A response file recognised as a platform's export that no mapping reads: its header and
/// its first rows, kept to guess a mapping from.
struct UnmappedExport {
    let platform: ResponseMapping.Format
    let header: [String]
    /// The header's line.
    let line: Int
    /// The rows under the header (for Qualtrics, the question texts first).
    var rows: [[String]] = []
    /// The rows read to guess from.
    static let rowsKept = 200

    init(platform: ResponseMapping.Format, header: [String], line: Int) {
        self.platform = platform
        self.header = header
        self.line = line
    }

    /// Keeps a row; false once enough are kept.
    mutating func keep(_ record: CSVReader.Record) -> Bool {
        rows.append(record.strings)
        return rows.count < Self.rowsKept
    }

    /// The one error for the file, with a mapping guessed from it to paste into cxsite.yaml.
    func diagnostic(path: String, config: SiteConfig) -> Diagnostic {
        var diagnostic = Diagnostic(
            .error,
            "this looks like a \(platform.name) export, which cxsite reads through a mapping under 'responses' in cxsite.yaml "
                + "(docs/exports/): one guessed from its header and first rows, to check and paste, follows",
            at: SourceLocation(path: path, line: line, column: 1))
        diagnostic.attachment = guessedMapping(path: path, config: config)
        return diagnostic
    }

    /// A mapping for the file as its header and rows suggest; each guess says what it rests on.
    func guessedMapping(path: String, config: SiteConfig) -> [String] {
        let relative = path.hasPrefix(ResponseMapping.folder) ? String(path.dropFirst(ResponseMapping.folder.count)) : path
        let folder = relative.split(separator: "/").dropLast().joined(separator: "/")
        let type = StaticFiles.fileType(of: relative)
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        // Question texts: Qualtrics's second row, and elsewhere the header itself.
        let texts = platform == .qualtrics && !rows.isEmpty ? rows[0] : names
        let data = rows.dropFirst(platform == .qualtrics ? 2 : platform == .surveymonkey ? 1 : 0)
        func values(_ column: Int) -> [String] {
            data.compactMap { $0.indices.contains(column) ? $0[column].trimmingCharacters(in: .whitespaces) : nil }.filter { !$0.isEmpty }
        }
        func named(_ candidates: [String]) -> String? {
            candidates.lazy.compactMap { wanted in names.first { $0.lowercased() == wanted.lowercased() } }.first
        }
        func quoted(_ name: String) -> String {
            name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? name : "\"\(name.replacingOccurrences(of: "\"", with: "\\\""))\""
        }
        func text(_ column: Int) -> String { texts.indices.contains(column) ? texts[column].lowercased() : "" }
        func isScale(_ column: Int, _ range: ClosedRange<Int>) -> Bool {
            let found = values(column)
            return !found.isEmpty
                && found.allSatisfy { value in
                    let number = Array(value.utf8).withUnsafeBufferPointer { RowBytes.integer($0) ?? RowBytes.leadingInteger($0) }
                    return number.map(range.contains) ?? false
                }
        }
        func isFreeText(_ column: Int) -> Bool {
            let found = values(column)
            return !found.isEmpty && found.filter { $0.contains(" ") }.count * 2 >= found.count
        }
        func matches(_ column: Int, _ choices: ValueNames) -> Bool {
            let found = values(column)
            return !found.isEmpty
                && found.filter { value in Array(value.utf8).withUnsafeBufferPointer { choices.find($0) } != nil }.count * 2 > found.count
        }

        var lines = ["responses:", "  - files: \"\(folder.isEmpty ? "" : folder + "/")*.\(type)\"", "    format: \(platform.rawValue)"]
        let date =
            named(["RecordedDate", "EndDate", "End Date", "created_at", "Response timestamp", "Timestamp", "submitted_at", "Submit Date (UTC)"])
            ?? names.first { $0.lowercased().contains("date") || $0.lowercased().contains("time") }
        lines.append("    date: \(date.map(quoted) ?? "DATE_COLUMN")    # the column of each response's date")
        if let respondent = named(["ResponseId", "Respondent ID", "person", "Email", "token", "Network ID"]) {
            lines.append("    respondent: \(quoted(respondent))")
        }
        if let finished = names.firstIndex(where: { $0.lowercased() == "finished" }) {
            let done = values(finished).contains("True") ? "True" : "1"
            lines.append("    where: {\(quoted(names[finished])): \"\(done)\"}    # leaves out unfinished responses")
        }
        let touchpoints = ValueNames(config.touchpoints.enumerated().map { ($1.name, $0) } + config.touchpoints.enumerated().map { ($1.id, $0) })
        if !touchpoints.isEmpty, let column = names.indices.first(where: { matches($0, touchpoints) }) {
            lines.append("    touchpoint: \(quoted(names[column]))    # its answers name touchpoints")
        }
        let segments = ValueNames(config.segments.enumerated().map { ($1.name, $0) } + config.segments.enumerated().map { ($1.id, $0) })
        if !segments.isEmpty, let column = names.indices.first(where: { matches($0, segments) }) {
            lines.append("    segment: \(quoted(names[column]))    # its answers name segments")
        }
        lines.append("    questions:")
        var questions: [String] = []
        if platform == .delighted, let score = named(["score"]), let metric = named(["survey_type", "survey type"]) {
            let comment = named(["comment"]).map { ", comment: \(quoted($0))" } ?? ""
            questions.append("      - {column: \(quoted(score)), metric_column: \(quoted(metric))\(comment)}")
        }
        let lowered = names.map { $0.lowercased() }
        for column in names.indices where platform != .delighted && !lowered[column].hasSuffix("_nps_group") {
            let name = names[column]
            // The comment is the free text after the question (past Qualtrics's group column).
            let next = names.indices.dropFirst(column + 1).first { !lowered[$0].hasSuffix("_nps_group") }
            let comment = next.flatMap { isFreeText($0) ? ", comment: \(quoted(names[$0]))" : nil } ?? ""
            if isScale(column, 0...10), lowered.contains(lowered[column] + "_nps_group") || text(column).contains("recommend") {
                let reason = text(column).contains("recommend") ? "asks about recommending" : "has an _NPS_GROUP column"
                questions.append("      - {column: \(quoted(name)), metric: nps\(comment)}    # 0–10, \(reason)")
            } else if matches(column, ValueNames(SurveyMetric.csat.choiceTexts)) || (isScale(column, 1...5) && text(column).contains("satisf")) {
                questions.append("      - {column: \(quoted(name)), metric: csat}    # asks about satisfaction")
            } else if matches(column, ValueNames(SurveyMetric.ces.choiceTexts)) || (isScale(column, 1...7) && text(column).contains("easy")) {
                questions.append("      - {column: \(quoted(name)), metric: ces}    # asks how easy it was")
            }
        }
        lines += questions.isEmpty ? ["      - {column: QUESTION_COLUMN, metric: nps, comment: COMMENT_COLUMN}"] : questions
        return lines
    }
}
