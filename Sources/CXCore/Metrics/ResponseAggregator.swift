import Diagnostics
import Foundation

/// A verbatim comment kept to show behind a number.
struct ResponseComment: Sendable, Equatable {
    var date: Day
    var score: Int
    var text: String
    var segment: String?
    var touchpoint: String?
}

/// Running totals for one metric, period and group of customers: everything the statistics
/// need, and the most recent critical comments. Memory does not grow with the responses.
struct ResponseTotals: Sendable, Equatable {
    var n = 0
    var sum = 0.0
    var sumOfSquares = 0.0
    var promoters = 0
    var passives = 0
    var detractors = 0
    /// CSAT responses of 4 or 5.
    var satisfied = 0
    /// Responses that pull the metric down (NPS 0–6, CSAT and CES 1–3).
    var critical = 0
    /// The most recent comments of critical responses, newest first.
    var recentComments: [ResponseComment] = []

    static let keptComments = 3

    mutating func add(_ score: Int, metric: SurveyMetric) {
        n += 1
        let value = Double(score)
        sum += value
        sumOfSquares += value * value
        switch metric {
        case .nps:
            if score >= 9 { promoters += 1 } else if score >= 7 { passives += 1 } else { detractors += 1 }
        case .csat:
            if score >= 4 { satisfied += 1 }
        case .ces:
            break
        }
        if metric.isCritical(score) { critical += 1 }
    }

    /// True when a critical comment of `date` would be among the kept ones.
    func wouldKeepComment(from date: Day) -> Bool {
        recentComments.count < Self.keptComments || date > recentComments.last!.date
    }

    mutating func keep(_ comment: ResponseComment) {
        let index = recentComments.firstIndex { comment.date > $0.date } ?? recentComments.count
        recentComments.insert(comment, at: index)
        if recentComments.count > Self.keptComments { recentComments.removeLast() }
    }

    mutating func merge(_ other: ResponseTotals) {
        n += other.n
        sum += other.sum
        sumOfSquares += other.sumOfSquares
        promoters += other.promoters
        passives += other.passives
        detractors += other.detractors
        satisfied += other.satisfied
        critical += other.critical
        for comment in other.recentComments where wouldKeepComment(from: comment.date) { keep(comment) }
    }

    /// The metric's value and standard error.
    func estimate(_ metric: SurveyMetric) -> SurveyEstimate? {
        switch metric {
        case .nps: SurveyStatistics.nps(promoters: promoters, detractors: detractors, n: n)
        case .csat: SurveyStatistics.csat(satisfied: satisfied, n: n)
        case .ces: SurveyStatistics.ces(sum: sum, sumOfSquares: sumOfSquares, n: n)
        }
    }
}

/// Raw responses aggregated per metric, period and group (everyone, a segment, a touchpoint).
struct ResponseAggregates: Sendable {
    struct Key: Hashable, Sendable {
        public var metric: SurveyMetric
        public var period: Period
        public var group: Scorecard.Group
    }

    var totals: [Key: ResponseTotals] = [:]
    /// The response files that gave values, per metric and period, for the warning about
    /// snapshots that the computed values replace.
    var sources: [String: Set<String>] = [:]

    static func sourceKey(_ metric: String, _ period: Period) -> String { "\(metric) \(period)" }

    mutating func merge(_ other: ResponseAggregates) {
        for (key, totals) in other.totals { self.totals[key, default: ResponseTotals()].merge(totals) }
        for (key, files) in other.sources { sources[key, default: []].formUnion(files) }
    }
}

/// Reads `content/responses/*.csv` as streams and keeps only running totals, reporting every
/// bad row at `path:line:column`.
struct ResponseAggregator {
    let config: SiteConfig
    /// Errors shown per file before the rest are only counted.
    static let shownErrorsPerFile = 50

    /// Aggregates every file, in parallel, and merges the results in file order.
    func aggregate(_ files: [(path: String, url: URL)]) -> (ResponseAggregates, [Diagnostic]) {
        let results = files.map { FileJob(path: $0.path, url: $0.url) }.concurrentMap { aggregate(file: $0) }
        var aggregates = ResponseAggregates()
        var diagnostics: [Diagnostic] = []
        for result in results {
            aggregates.merge(result.aggregates)
            diagnostics += result.diagnostics
        }
        return (aggregates, diagnostics)
    }

    struct FileJob: Sendable {
        let path: String
        let url: URL
    }

    private struct FileResult: Sendable {
        var aggregates = ResponseAggregates()
        var diagnostics: [Diagnostic] = []
    }

    private func aggregate(file: FileJob) -> FileResult {
        var result = FileResult()
        guard var reader = CSVReader(path: file.url.path) else {
            result.diagnostics.append(Diagnostic(.error, "cannot read the file", at: .file(file.path)))
            return result
        }
        var errors = ErrorSink(path: file.path, url: file.url)
        var columns: Columns?
        var totals: [PackedKey: ResponseTotals] = [:]
        var segments = Interner()
        let touchpoints = Dictionary(uniqueKeysWithValues: config.journey.enumerated().map { ($1.id, $0) })

        while true {
            do {
                guard try reader.next() else { break }
            } catch {
                errors.report(error.message, line: error.line, column: error.column)
                reader.skipLine()
                continue
            }
            let record = reader.record
            guard let columns else {
                switch Columns.from(header: record) {
                case .success(let found): columns = found
                case .failure(let problem):
                    errors.report(problem.message, line: record.line, column: 1)
                    while (try? reader.next()) != false {}  // read to the end, which closes the file
                    return errors.finish(into: result)
                }
                continue
            }
            guard record.count == columns.count else {
                let last = record.position(record.count - 1)
                errors.report("this row has \(record.count) fields but the header has \(columns.count)",
                              line: last.line, column: last.column)
                continue
            }
            // Validate the row; every bad field is its own error.
            var ok = true
            func fail(_ message: String, _ field: Int) {
                let position = record.position(field)
                errors.report(message, line: position.line, column: position.column)
                ok = false
            }
            let dateText = record.string(columns.date).trimmingCharacters(in: .whitespaces)
            var date: Day?
            switch Day.parse(dateText) {
            case .success(let day): date = day
            case .failure(let problem): fail(problem.description, columns.date)
            }
            let metricText = record.string(columns.metric).trimmingCharacters(in: .whitespaces).lowercased()
            let metric = SurveyMetric(rawValue: metricText)
            if metric == nil { fail("unknown metric '\(metricText)': responses are nps (0–10), csat (1–5) or ces (1–7)", columns.metric) }
            let scoreText = record.string(columns.score).trimmingCharacters(in: .whitespaces)
            let score = Int(scoreText)
            if score == nil {
                fail("the score '\(scoreText)' is not a whole number", columns.score)
            } else if let metric, let score, !metric.scale.contains(score) {
                fail("score \(score) is out of range for \(metric.rawValue): expected \(metric.scale.lowerBound) to \(metric.scale.upperBound)",
                     columns.score)
            }
            var touchpoint: Int?
            var touchpointID: String?
            if let field = columns.touchpoint {
                let id = record.string(field).trimmingCharacters(in: .whitespaces)
                if !id.isEmpty {
                    touchpoint = touchpoints[id]
                    touchpointID = id
                    if touchpoint == nil {
                        fail("unknown touchpoint '\(id)': the journey in cxsite.yaml has \(config.journey.map(\.id).joined(separator: ", "))", field)
                    }
                }
            }
            guard ok, let date, let metric, let score else { continue }
            var segment: Int?
            var segmentName: String?
            if let field = columns.segment {
                let name = record.string(field).trimmingCharacters(in: .whitespaces)
                if !name.isEmpty {
                    segment = segments.id(name)
                    segmentName = name
                }
            }

            // Tally: everyone, the segment, the touchpoint.
            let period = Period(containing: date, kind: config.period)
            var keys = [PackedKey(metric: metric, period: period, group: .all)]
            if let segment { keys.append(PackedKey(metric: metric, period: period, group: .segment(segment))) }
            if let touchpoint { keys.append(PackedKey(metric: metric, period: period, group: .touchpoint(touchpoint))) }
            let critical = metric.isCritical(score)
            for key in keys {
                totals[key, default: ResponseTotals()].add(score, metric: metric)
                if critical, let field = columns.comment, totals[key]!.wouldKeepComment(from: date) {
                    let text = record.string(field).trimmingCharacters(in: .whitespacesAndNewlines)
                    if !text.isEmpty {
                        totals[key]!.keep(ResponseComment(date: date, score: score, text: text, segment: segmentName,
                                                          touchpoint: touchpointID))
                    }
                }
            }
        }
        if columns == nil { errors.report("the file is empty: response files start with the header date,metric,score", line: 1, column: 1) }

        for (key, value) in totals {
            let group: Scorecard.Group
            switch key.group {
            case .all: group = .all
            case .segment(let id): group = .segment(segments.names[id])
            case .touchpoint(let index): group = .touchpoint(config.journey[index].id)
            }
            result.aggregates.totals[ResponseAggregates.Key(metric: key.metric, period: key.period, group: group)] = value
            result.aggregates.sources[ResponseAggregates.sourceKey(key.metric.rawValue, key.period), default: []].insert(file.path)
        }
        return errors.finish(into: result)
    }

    /// A group key with segments and touchpoints as small numbers, cheap to hash per row.
    private struct PackedKey: Hashable {
        enum Group: Hashable { case all, segment(Int), touchpoint(Int) }
        var metric: SurveyMetric
        var period: Period
        var group: Group
    }

    /// Segment names to numbers, in order of first appearance.
    private struct Interner {
        var ids: [String: Int] = [:]
        var names: [String] = []

        mutating func id(_ name: String) -> Int {
            if let id = ids[name] { return id }
            ids[name] = names.count
            names.append(name)
            return names.count - 1
        }
    }

    /// Where the required and optional columns stand; any order, extra columns ignored.
    private struct Columns {
        var count: Int
        var date: Int
        var metric: Int
        var score: Int
        var segment: Int?
        var touchpoint: Int?
        var comment: Int?

        init?(count: Int, names: [String]) {
            guard let date = names.firstIndex(of: "date"), let metric = names.firstIndex(of: "metric"),
                  let score = names.firstIndex(of: "score") else { return nil }
            self.count = count
            self.date = date
            self.metric = metric
            self.score = score
            segment = names.firstIndex(of: "segment")
            touchpoint = names.firstIndex(of: "touchpoint")
            comment = names.firstIndex(of: "comment")
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
    private struct ErrorSink {
        let path: String
        let url: URL
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
            let lines = SourceLines(url: url, wanted: Set(shown.map(\.line)))
            for error in shown {
                result.diagnostics.append(Diagnostic(.error, error.message,
                                                     at: SourceLocation(path: path, line: error.line, column: error.column),
                                                     sourceLine: lines.text[error.line]))
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

    init(url: URL, wanted: Set<Int>) {
        guard let handle = try? FileHandle(forReadingFrom: url), let last = wanted.max() else { return }
        defer { try? handle.close() }
        var line = 1
        var current: [UInt8] = []
        while line <= last, let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            for byte in chunk {
                if byte == UInt8(ascii: "\n") {
                    if wanted.contains(line) { text[line] = Self.decode(current) }
                    current.removeAll(keepingCapacity: true)
                    line += 1
                    if line > last { break }
                } else if wanted.contains(line) {
                    current.append(byte)
                }
            }
        }
        if wanted.contains(line), text[line] == nil { text[line] = Self.decode(current) }
    }

    private static func decode(_ bytes: [UInt8]) -> String {
        var line = String(decoding: bytes, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        if line.hasPrefix("\u{FEFF}") { line.removeFirst() }
        return line
    }
}
