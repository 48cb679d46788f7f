import Diagnostics
import Foundation
import Spreadsheet

/// A verbatim comment kept to show behind a number.
struct ResponseComment: Sendable, Equatable, Codable {
    var date: Day
    var score: Int
    var text: String
    var segment: String?
    var touchpoint: String?
}

/// Running totals for one metric, period and group of customers: everything the statistics
/// need, and the most recent critical comments. Memory does not grow with the responses.
struct ResponseTotals: Sendable, Equatable, Codable {
    /// Responses, and how many were promoters, passives, detractors, satisfied (CSAT 4–5)
    /// and critical (NPS 0–6, CSAT and CES 1–3), unweighted: what a page counts.
    var n = 0
    var promoters = 0
    var passives = 0
    var detractors = 0
    var satisfied = 0
    var critical = 0
    /// Responses with a comment, and those whose comment reads negative.
    var commented = 0
    var negative = 0
    /// The sums the statistics use: each response counted with its weight (1 without a
    /// `weight` column).
    var weighted = Weighted()
    /// The most recent comments of critical responses, newest first, each text once.
    var recentComments: [ResponseComment] = []
    /// False for totals from a tally that does not give the unweighted counts above (a
    /// weighted one, or CES, whose critical responses a sum cannot tell): pages then do not
    /// count the people behind the number.
    var countsKnown = true

    /// Sums over responses of their weight w: Σw, Σw², and Σw over promoters, detractors and
    /// satisfied responses, Σw·score and Σw·score².
    struct Weighted: Sendable, Equatable, Codable {
        var sum = 0.0
        var squares = 0.0
        var promoters = 0.0
        var detractors = 0.0
        var satisfied = 0.0
        var scores = 0.0
        var scoreSquares = 0.0

        mutating func merge(_ other: Weighted) {
            sum += other.sum
            squares += other.squares
            promoters += other.promoters
            detractors += other.detractors
            satisfied += other.satisfied
            scores += other.scores
            scoreSquares += other.scoreSquares
        }
    }

    static let keptComments = 3

    /// Counts a response; `sentiment` is its comment's polarity, nil without a comment.
    mutating func add(_ score: Int, metric: SurveyMetric, weight: Double = 1, comment: ResponseComment? = nil, sentiment: Double? = nil) {
        n += 1
        if let sentiment {
            commented += 1
            if sentiment <= -SentimentLexicon.neutralBand { negative += 1 }
        }
        let value = Double(score)
        weighted.sum += weight
        weighted.squares += weight * weight
        weighted.scores += weight * value
        weighted.scoreSquares += weight * value * value
        switch metric {
        case .nps:
            switch NPSBand(score: score) {
            case .promoter:
                promoters += 1
                weighted.promoters += weight
            case .passive:
                passives += 1
            case .detractor:
                detractors += 1
                weighted.detractors += weight
            }
        case .csat:
            if score >= 4 {
                satisfied += 1
                weighted.satisfied += weight
            }
        case .ces:
            break
        }
        if metric.isCritical(score) { critical += 1 }
        if let comment, wouldKeepComment(from: comment.date) { keep(comment) }
    }

    /// True when a critical comment of `date` would be among the kept ones.
    func wouldKeepComment(from date: Day) -> Bool {
        recentComments.count < Self.keptComments || date > recentComments.last!.date
    }

    /// The same, for a comment whose text is `text`: false when that text is kept already,
    /// as new or newer; checked on the bytes, before any string is made of them.
    func wouldKeepComment(from date: Day, text: UnsafeBufferPointer<UInt8>) -> Bool {
        wouldKeepComment(from: date) && !recentComments.contains { $0.date >= date && $0.text.utf8.elementsEqual(text) }
    }

    /// Keeps `comment` among the newest, once per text: a newer copy of a kept text replaces
    /// it, an older one is dropped, so the page quotes three different customers' words.
    mutating func keep(_ comment: ResponseComment) {
        if let same = recentComments.firstIndex(where: { $0.text == comment.text }) {
            guard comment.date > recentComments[same].date else { return }
            recentComments.remove(at: same)
        }
        let index = recentComments.firstIndex { comment.date > $0.date } ?? recentComments.count
        recentComments.insert(comment, at: index)
        if recentComments.count > Self.keptComments { recentComments.removeLast() }
    }

    mutating func merge(_ other: ResponseTotals) {
        n += other.n
        promoters += other.promoters
        passives += other.passives
        detractors += other.detractors
        satisfied += other.satisfied
        critical += other.critical
        commented += other.commented
        negative += other.negative
        countsKnown = countsKnown && other.countsKnown
        weighted.merge(other.weighted)
        for comment in other.recentComments where wouldKeepComment(from: comment.date) { keep(comment) }
    }

    /// These responses without those of `part` (a subset of them): counts and sums, no comments.
    func subtracting(_ part: ResponseTotals) -> ResponseTotals {
        var rest = ResponseTotals()
        rest.n = n - part.n
        rest.promoters = promoters - part.promoters
        rest.passives = passives - part.passives
        rest.detractors = detractors - part.detractors
        rest.satisfied = satisfied - part.satisfied
        rest.critical = critical - part.critical
        rest.commented = commented - part.commented
        rest.negative = negative - part.negative
        rest.countsKnown = countsKnown && part.countsKnown
        var sums = weighted
        sums.sum -= part.weighted.sum
        sums.squares -= part.weighted.squares
        sums.promoters -= part.weighted.promoters
        sums.detractors -= part.weighted.detractors
        sums.satisfied -= part.weighted.satisfied
        sums.scores -= part.weighted.scores
        sums.scoreSquares -= part.weighted.scoreSquares
        rest.weighted = sums
        return rest
    }

    /// Kish's effective sample size: n when no response carries a weight other than 1.
    var effectiveN: Double { SurveyStatistics.effectiveN(sum: weighted.sum, squares: weighted.squares) }

    /// True when some response carried a weight other than 1.
    var isWeighted: Bool { weighted.sum != Double(n) || weighted.squares != Double(n) }

    /// The metric's value and interval: weighted shares and means, with the effective
    /// sample size as the n of the interval.
    func estimate(_ metric: SurveyMetric) -> SurveyEstimate? {
        guard weighted.sum > 0 else { return nil }
        let size = effectiveN
        let scale = size / weighted.sum
        switch metric {
        case .nps: return SurveyStatistics.nps(promoters: weighted.promoters * scale, detractors: weighted.detractors * scale, n: size)
        case .csat: return SurveyStatistics.csat(satisfied: weighted.satisfied * scale, n: size)
        case .ces:
            return SurveyStatistics.ces(
                mean: weighted.scores / weighted.sum,
                meanOfSquares: weighted.scoreSquares / weighted.sum, n: size)
        }
    }
}

/// Raw responses aggregated per metric, period and group (everyone, a segment, a touchpoint).
struct ResponseAggregates: Sendable, Codable {
    struct Key: Hashable, Sendable, Codable {
        public var metric: SurveyMetric
        public var period: Period
        public var group: Scorecard.Group
    }

    var totals: [Key: ResponseTotals] = [:]
    /// The response files that gave values, per metric and period, for the warning about
    /// snapshots that the computed values replace.
    var sources: [String: Set<String>] = [:]
    /// Each named respondent's answers, a file's until the files are joined.
    var links: [ResponseLink] = []
    /// Once the files are joined: each touchpoint's scores paired with the same people's NPS.
    var driverPairs: [DriverKey: PairSums] = [:]
    /// The date of the newest response.
    var newest: Day?
    /// The responses whose comment mentions each theme, per metric, period and group
    /// (everyone, or a touchpoint).
    var themeTotals: [ThemeKey: ResponseTotals] = [:]
    /// The phrases of detractors' and promoters' NPS comments, by period.
    var phrases: [Period: PhraseCounts] = [:]
    /// NPS responses whose score and words disagree, by period.
    var mismatches: [Period: ScoreWordMismatches] = [:]
    /// The contact details masked in the comments kept to quote.
    var maskedContactDetails = 0

    struct ThemeKey: Hashable, Sendable, Codable {
        var theme: String
        var key: Key
    }

    static func sourceKey(_ metric: String, _ period: Period) -> String { "\(metric) \(period)" }

    init() {}

    // Stored as lists: the cache's format has no dictionaries, and lists in key order keep
    // the file the same for the same responses.
    private struct Total: Codable {
        var key: Key
        var totals: ResponseTotals
    }

    private struct Source: Codable {
        var key: String
        var files: [String]
    }

    private struct ThemeTotal: Codable {
        var key: ThemeKey
        var totals: ResponseTotals
    }

    private struct PeriodPhrases: Codable {
        var period: Period
        var phrases: PhraseCounts
    }

    private struct PeriodMismatches: Codable {
        var period: Period
        var mismatches: ScoreWordMismatches
    }

    private enum CodingKeys: String, CodingKey {
        case totals, sources, links, newest, themeTotals, phrases, mismatches
    }

    // A file's totals are cached; the pairs are made again from the files' links.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        for total in try container.decode([Total].self, forKey: .totals) { totals[total.key] = total.totals }
        for source in try container.decode([Source].self, forKey: .sources) { sources[source.key] = Set(source.files) }
        links = ResponseLink.unpacked(try container.decode([UInt64].self, forKey: .links))
        newest = try container.decode(Day?.self, forKey: .newest)
        for total in try container.decode([ThemeTotal].self, forKey: .themeTotals) { themeTotals[total.key] = total.totals }
        for entry in try container.decode([PeriodPhrases].self, forKey: .phrases) { phrases[entry.period] = entry.phrases }
        for entry in try container.decode([PeriodMismatches].self, forKey: .mismatches) { mismatches[entry.period] = entry.mismatches }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            totals.map { Total(key: $0.key, totals: $0.value) }
                .sorted { "\($0.key)" < "\($1.key)" }, forKey: .totals)
        try container.encode(sources.map { Source(key: $0.key, files: $0.value.sorted()) }.sorted { $0.key < $1.key }, forKey: .sources)
        try container.encode(ResponseLink.packed(links), forKey: .links)
        try container.encode(newest, forKey: .newest)
        try container.encode(
            themeTotals.map { ThemeTotal(key: $0.key, totals: $0.value) }
                .sorted { "\($0.key)" < "\($1.key)" }, forKey: .themeTotals)
        try container.encode(
            phrases.map { PeriodPhrases(period: $0.key, phrases: $0.value) }.sorted { $0.period < $1.period },
            forKey: .phrases)
        try container.encode(
            mismatches.map { PeriodMismatches(period: $0.key, mismatches: $0.value) }.sorted { $0.period < $1.period },
            forKey: .mismatches)
    }

    mutating func merge(_ other: ResponseAggregates) {
        for (key, totals) in other.totals { self.totals[key, default: ResponseTotals()].merge(totals) }
        for (key, files) in other.sources { sources[key, default: []].formUnion(files) }
        links += other.links
        for (key, totals) in other.themeTotals { themeTotals[key, default: ResponseTotals()].merge(totals) }
        for (period, counts) in other.phrases { phrases[period, default: PhraseCounts()].merge(counts) }
        for (period, found) in other.mismatches { mismatches[period, default: ScoreWordMismatches()].merge(found) }
        maskedContactDetails += other.maskedContactDetails
        if let date = other.newest, newest.map({ date > $0 }) ?? true { newest = date }
    }
}

/// Reads `content/responses/*.csv` as streams and keeps only running totals, reporting every
/// bad row at `path:line:column`.
struct ResponseAggregator {
    let config: SiteConfig
    /// The themes comments are tagged with.
    var themes = ThemeCatalog()
    /// What reads a comment's polarity.
    var sentiment = SentimentLexicon.builtIn
    /// A hash of the themes and the lexicon, which a file's cached totals were made with.
    var tagging: UInt64 = 0
    /// Told the share of the response bytes read so far, now and then, for large imports.
    var progress: (@Sendable (Double) -> Void)?
    /// Errors shown per file before the rest are only counted.
    static let shownErrorsPerFile = 50
    /// The most different segments one response file may name (docs/metrics.md): each is a
    /// group on the scorecard, for every metric and period.
    static let segmentsPerFile = 1_000

    /// One file's totals, as the build cache keeps them: made from the file as its stamp says.
    struct FileTotals: Sendable, Codable {
        var path: String
        var stamp: FileStamp
        /// The hash of the themes and lexicon the comments were read with.
        var tagging: UInt64
        var aggregates: ResponseAggregates
    }

    /// Aggregates every file, in parallel, and merges the results in file order. A file whose
    /// stamp is as in `cached` is not read: its totals are taken from there. Returns, beside
    /// the totals, each file's own totals when it gave no diagnostic, for the next build.
    func aggregate(
        _ files: [(path: String, url: URL)], cached: [String: FileTotals] = [:],
        now: Int
    ) -> (ResponseAggregates, [Diagnostic], perFile: [FileTotals]) {
        let stamps = files.map { FileStamp(path: $0.url.path) }
        let total = zip(files, stamps).reduce(0) { sum, file in
            cached[file.0.path].map { $0.stamp == file.1 && $0.tagging == tagging } == true ? sum : sum + (file.1?.size ?? 0)
        }
        let counter = ProgressCounter(total: total, report: total > Self.progressThreshold ? progress : nil)
        let jobs = zip(files, stamps).map { FileJob(path: $0.0.path, url: $0.0.url, stamp: $0.1) }
        let results = jobs.concurrentMap { job -> FileResult in
            if let stamp = job.stamp, let entry = cached[job.path], entry.stamp == stamp, entry.tagging == tagging {
                return FileResult(aggregates: entry.aggregates)
            }
            return aggregate(file: job, counter: counter)
        }
        var aggregates = ResponseAggregates()
        var diagnostics: [Diagnostic] = []
        var perFile: [FileTotals] = []
        for (job, result) in zip(jobs, results) {
            aggregates.merge(result.aggregates)
            diagnostics += result.diagnostics
            // A file changed while it was read is not kept: its stamp may not match what was read.
            if result.diagnostics.isEmpty, let stamp = job.stamp?.settled(at: now), FileStamp(path: job.url.path) == stamp {
                perFile.append(FileTotals(path: job.path, stamp: stamp, tagging: tagging, aggregates: result.aggregates))
            }
        }
        var links = aggregates.links
        aggregates.links = []
        aggregates.driverPairs = links.driverPairs()
        return (aggregates, diagnostics, perFile)
    }

    struct FileJob: Sendable {
        let path: String
        let url: URL
        let stamp: FileStamp?
    }

    private struct FileResult: Sendable {
        var aggregates = ResponseAggregates()
        var diagnostics: [Diagnostic] = []
    }

    /// Imports smaller than this (in bytes) are quick enough to need no progress bar.
    static let progressThreshold = 16 << 20

    private func aggregate(file: FileJob, counter: ProgressCounter) -> FileResult {
        if WorkbookFile.isWorkbook(file.path) { return aggregate(workbook: file, counter: counter) }
        var reading = FileReading(aggregator: self, path: file.path, errors: ErrorSink(path: file.path, url: file.url))
        guard var reader = CSVReader(path: file.url.path, delimiter: CSVReader.delimiter(of: file.path)) else {
            let reason = errno == EINVAL ? "it is not a regular file" : String(cString: strerror(errno))
            return FileResult(diagnostics: [Diagnostic(.error, "cannot read the file: \(reason)", at: .file(file.path))])
        }
        var reported = 0
        defer { counter.add(reader.bytesRead - reported) }
        while true {
            do {
                guard try reader.next() else { break }
            } catch {
                reading.errors.report(error.message, line: error.line, column: error.column)
                reader.skipLine()
                continue
            }
            if reader.bytesRead - reported > 4 << 20 {
                counter.add(reader.bytesRead - reported)
                reported = reader.bytesRead
            }
            guard reading.take(reader.record) else {
                while (try? reader.next()) != false {}  // read to the end, which closes the file
                break
            }
        }
        return reading.finish()
    }

    /// A workbook of responses: read whole, then its sheet a row at a time.
    private func aggregate(workbook file: FileJob, counter: ProgressCounter) -> FileResult {
        let opened: (Workbook, Workbook.Sheet)
        switch SiteFolder.readBytes(atPath: file.url.path, shownAs: file.path, limit: WorkbookFile.responsesLimit)
            .flatMap({ WorkbookFile.open($0.bytes, path: file.path, config: config) })
        {
        case .success(let found): opened = found
        case .failure(let diagnostic): return FileResult(diagnostics: [diagnostic])
        }
        defer { counter.add(file.stamp?.size ?? 0) }
        var errors = ErrorSink(path: file.path, url: file.url)
        errors.sheet = opened.1.name
        var reading = FileReading(aggregator: self, path: file.path, errors: errors)
        var record = CSVReader.Record()
        do {
            try opened.0.forEachRow(in: opened.1) { row in
                if let problem = row.problem {
                    reading.errors.report(problem.message, line: row.number, column: problem.column)
                    return true
                }
                record.load(row, width: reading.columns?.count ?? 0)
                return reading.take(record)
            }
        } catch {
            var result = reading.finish()
            result.diagnostics.append(
                Diagnostic(
                    .error, error.message, at: .file(file.path),
                    notes: [Diagnostic.Note("in sheet '\(opened.1.name)'")]))
            return result
        }
        return reading.finish()
    }

    /// One file's rows being read: its columns once the header is read, its running totals
    /// and its errors.
    private struct FileReading {
        let path: String
        var errors: ErrorSink
        var columns: Columns?
        /// Set when the header lacks a column: the rest is not read.
        private var headerFailed = false
        private var result = FileResult()
        private var tally = Tally()
        private var segments = Interner()
        private let touchpointBytes: [[UInt8]]
        private let journeyBytes: [[UInt8]]
        private let config: SiteConfig
        private let themes: ThemeCatalog
        private let sentiment: SentimentLexicon

        init(aggregator: ResponseAggregator, path: String, errors: ErrorSink) {
            config = aggregator.config
            themes = aggregator.themes
            sentiment = aggregator.sentiment
            self.path = path
            self.errors = errors
            touchpointBytes = aggregator.config.touchpoints.map { Array($0.id.utf8) }
            journeyBytes = aggregator.config.journeys.map { Array($0.id.utf8) }
        }

        /// Reads one record: the header first, then responses. False when the rest of the
        /// file cannot be read (the header lacks a column).
        mutating func take(_ record: CSVReader.Record) -> Bool {
            if let problem = record.textProblem() {
                errors.report(problem.message, line: problem.line, column: problem.column)
                return true
            }
            guard let columns else {
                switch Columns.from(header: record) {
                case .success(let found): columns = found
                case .failure(let problem):
                    errors.report(problem.message, line: record.line, column: 1)
                    headerFailed = true
                    return false
                }
                return true
            }
            guard record.count == columns.count else {
                let last = record.position(record.count - 1)
                errors.report(record.widthMessage(header: columns.count), line: last.line, column: last.column)
                return true
            }
            // Validate the row from its bytes (no strings on the hot path); every bad field is
            // its own error.
            var ok = true
            func fail(_ message: String, _ field: Int) {
                let position = record.position(field)
                errors.report(message, line: position.line, column: position.column)
                ok = false
            }
            let date = record.withBytes(columns.date) { RowBytes.day($0) }
            if date == nil {
                let text = record.string(columns.date).trimmingCharacters(in: .whitespaces)
                if case .failure(let problem) = Day.parse(text) { fail(problem.description, columns.date) }
            }
            let metric = record.withBytes(columns.metric) { RowBytes.metric($0) }
            if metric == nil {
                let text = record.string(columns.metric).trimmingCharacters(in: .whitespaces).lowercased()
                fail("unknown metric '\(text)': responses are nps (0–10), csat (1–5) or ces (1–7)", columns.metric)
            }
            let score = record.withBytes(columns.score) { RowBytes.integer($0) }
            if score == nil {
                fail("the score '\(record.string(columns.score).trimmingCharacters(in: .whitespaces))' is not a whole number", columns.score)
            } else if let metric, let score, !metric.scale.contains(score) {
                fail(
                    "score \(score) is out of range for \(metric.rawValue): expected \(metric.scale.lowerBound) to \(metric.scale.upperBound)",
                    columns.score)
            }
            /// The place among `ids` of the id in `field`; nil when empty or unknown (reported).
            func lookup(_ field: Int?, among ids: [[UInt8]], what: String, known: @autoclosure () -> String) -> Int? {
                guard let field, !record.withBytes(field, { RowBytes.trimmed($0).isEmpty }) else { return nil }
                if let found = record.withBytes(field, { bytes in ids.firstIndex { $0.elementsEqual(RowBytes.trimmed(bytes)) } }) {
                    return found
                }
                fail("unknown \(what) '\(record.string(field).trimmingCharacters(in: .whitespaces))': cxsite.yaml has \(known())", field)
                return nil
            }
            let touchpoint = lookup(columns.touchpoint, among: touchpointBytes, what: "touchpoint", known: config.touchpointList)
            let journey = lookup(columns.journey, among: journeyBytes, what: "journey", known: config.journeyList)
            if let field = columns.journey, let journey, let touchpoint,
                !config.journeys[journey].steps.contains(config.touchpoints[touchpoint].id)
            {
                fail(
                    "touchpoint '\(config.touchpoints[touchpoint].id)' is not a step of journey '\(config.journeys[journey].id)': its steps are \(config.journeys[journey].steps.joined(separator: ", "))",
                    field)
            }
            var weight = 1.0
            if let field = columns.weight {
                let text = record.string(field).trimmingCharacters(in: .whitespaces)
                if let value = Double(text), value.isFinite, value > 0 {
                    weight = value
                } else {
                    fail(
                        text.isEmpty
                            ? "the weight is missing: a file with a weight column gives every row one"
                            : "the weight '\(text)' is not a positive number", field)
                }
            }
            guard ok, let date, let metric, let score else { return true }
            var segment: Int?
            if let field = columns.segment {
                switch record.withBytes(field, { segments.id(RowBytes.trimmed($0), limit: ResponseAggregator.segmentsPerFile) }) {
                case .empty: break
                case .found(let id): segment = id
                case .full:
                    let position = record.position(field)
                    errors.report(
                        "more than \(ResponseAggregator.segmentsPerFile) different segments in one file: a segment is a group of customers "
                            + "(a plan, a region, a size), so a column of names or ids is not one; the rest of this file was not read",
                        line: position.line, column: position.column)
                    return false
                }
            }

            // Tally: everyone, the segment, the touchpoint.
            let period = Period(containing: date, kind: config.period)
            if result.aggregates.newest.map({ date > $0 }) ?? true { result.aggregates.newest = date }
            if let field = columns.respondent, metric == .nps || touchpoint != nil,
                let place = touchpoint.map({ Int16(exactly: $0) }) ?? (journey == nil ? ResponseLink.relationship : ResponseLink.journeyOnly),
                let respondent = record.withBytes(
                    field,
                    { bytes -> UInt64? in
                        let id = RowBytes.trimmed(bytes)
                        return id.isEmpty ? nil : ResponseLink.hash(id)
                    })
            {
                result.aggregates.links.append(
                    ResponseLink(
                        respondent: respondent, period: Int32(period.ordinal),
                        touchpoint: place, metric: metric, score: Int8(score)))
            }
            let block = tally.block(metric, period, touchpoints: config.touchpoints.count, journeys: config.journeys.count)
            var comment: ResponseComment?
            var mentioned: [Int] = []
            var polarity: Double?
            var mismatch: Mismatch?
            if let field = columns.comment, !record.withBytes(field, { RowBytes.trimmed($0).isEmpty }) {
                (mentioned, polarity) = record.withBytes(field) { bytes in
                    let words = ThemeWords.tokens(in: bytes)
                    if metric == .nps, case let band = NPSBand(score: score), band != .passive {
                        tally.blocks[block].phrases.add(words, of: bytes, detractor: band == .detractor, masking: config.masking)
                    }
                    return (themes.matcher.themes(in: words), sentiment.polarity(of: words))
                }
                mismatch = metric == .nps ? Mismatch(score: score, polarity: polarity!) : nil
                let wanted = record.withBytes(field) { bytes in
                    let text = RowBytes.trimmed(bytes)
                    return mentioned.contains { tally.wantsThemeComment(block, theme: $0, touchpoint: touchpoint, from: date, text: text) }
                        || mismatch.map { tally.blocks[block].mismatches[$0].wouldKeepComment(from: date, text: text) } ?? false
                        || (metric.isCritical(score) && tally.wantsComment(block, segment, touchpoint, from: date, text: text))
                }
                if wanted {
                    let masked = config.masking.masked(record.string(field).trimmingCharacters(in: .whitespacesAndNewlines))
                    result.aggregates.maskedContactDetails += masked.count
                    comment = ResponseComment(
                        date: date, score: score, text: masked.text,
                        segment: segment.map { segments.names[$0] }, touchpoint: touchpoint.map { config.touchpoints[$0].id })
                }
            }
            tally.add(
                score, weight: weight, to: block, segment: segment, touchpoint: touchpoint, journey: journey,
                comment: metric.isCritical(score) ? comment : nil, sentiment: polarity)
            for theme in mentioned {
                tally.addTheme(theme, score, weight: weight, to: block, touchpoint: touchpoint, comment: comment, sentiment: polarity)
            }
            if let mismatch { tally.blocks[block].mismatches[mismatch].add(score, metric: metric, weight: weight, comment: comment) }
            return true
        }

        /// The file's totals and errors.
        mutating func finish() -> FileResult {
            if columns == nil, !headerFailed {
                errors.report("the file is empty: response files start with the header date,metric,score", line: 1, column: 1)
            }

            for block in tally.blocks {
                var groups: [(Scorecard.Group, ResponseTotals)] = [(.all, block.all)]
                groups += block.segments.enumerated().map { (.segment(segments.names[$0]), $1) }
                groups += block.touchpoints.enumerated().map { (.touchpoint(config.touchpoints[$0].id), $1) }
                groups += [(.relationship, block.relationship), (.transactional, block.transactional)]
                groups += block.journeys.enumerated().map { (.journey(config.journeys[$0].id), $1) }
                for (group, totals) in groups where totals.n > 0 {
                    result.aggregates.totals[ResponseAggregates.Key(metric: block.metric, period: block.period, group: group)] = totals
                }
                result.aggregates.sources[ResponseAggregates.sourceKey(block.metric.rawValue, block.period), default: []].insert(path)
                if block.metric == .nps, !block.phrases.phrases.isEmpty { result.aggregates.phrases[block.period] = block.phrases }
                if block.mismatches.angryPromoters.n + block.mismatches.warmDetractors.n > 0 {
                    result.aggregates.mismatches[block.period] = block.mismatches
                }
                for (slot, totals) in block.themes {
                    let group: Scorecard.Group = slot.touchpoint < 0 ? .all : .touchpoint(config.touchpoints[slot.touchpoint].id)
                    let key = ResponseAggregates.Key(metric: block.metric, period: block.period, group: group)
                    result.aggregates.themeTotals[ResponseAggregates.ThemeKey(theme: themes.themes[slot.theme].id, key: key)] = totals
                }
            }
            return errors.finish(into: result)
        }
    }

    /// Running totals of one file, one block per metric and period, with the segments and
    /// touchpoints as arrays: a row costs one integer lookup, not a hash per group.
    private struct Tally {
        struct Block {
            let metric: SurveyMetric
            let period: Period
            var all = ResponseTotals()
            var segments: [ResponseTotals] = []
            var touchpoints: [ResponseTotals]
            /// The three levels: responses naming neither journey nor touchpoint, those naming
            /// a touchpoint, and those naming only a journey, by journey.
            var relationship = ResponseTotals()
            var transactional = ResponseTotals()
            var journeys: [ResponseTotals]
            /// The responses mentioning each theme, overall (touchpoint −1) and per touchpoint.
            var themes: [ThemeSlot: ResponseTotals] = [:]
            var phrases = PhraseCounts()
            /// NPS responses whose score and words disagree.
            var mismatches = ScoreWordMismatches()
        }

        struct ThemeSlot: Hashable {
            var theme: Int
            var touchpoint: Int
        }

        var blocks: [Block] = []
        private var index: [Int: Int] = [:]
        private var last: (key: Int, block: Int) = (-1, -1)

        mutating func block(_ metric: SurveyMetric, _ period: Period, touchpoints: Int, journeys: Int) -> Int {
            let key = (period.year * 13 + period.index) * 3 + (metric == .nps ? 0 : metric == .csat ? 1 : 2)
            if key == last.key { return last.block }
            let found =
                index[key]
                ?? {
                    blocks.append(
                        Block(
                            metric: metric, period: period,
                            touchpoints: Array(repeating: ResponseTotals(), count: touchpoints),
                            journeys: Array(repeating: ResponseTotals(), count: journeys)))
                    index[key] = blocks.count - 1
                    return blocks.count - 1
                }()
            last = (key, found)
            return found
        }

        func wantsComment(_ block: Int, _ segment: Int?, _ touchpoint: Int?, from date: Day, text: UnsafeBufferPointer<UInt8>) -> Bool {
            let current = blocks[block]
            return current.all.wouldKeepComment(from: date, text: text)
                || segment.map { $0 >= current.segments.count || current.segments[$0].wouldKeepComment(from: date, text: text) } ?? false
                || touchpoint.map { current.touchpoints[$0].wouldKeepComment(from: date, text: text) } ?? false
        }

        func wantsThemeComment(_ block: Int, theme: Int, touchpoint: Int?, from date: Day, text: UnsafeBufferPointer<UInt8>) -> Bool {
            let themes = blocks[block].themes
            return themes[ThemeSlot(theme: theme, touchpoint: -1)]?.wouldKeepComment(from: date, text: text) ?? true
                || touchpoint.map { themes[ThemeSlot(theme: theme, touchpoint: $0)]?.wouldKeepComment(from: date, text: text) ?? true } ?? false
        }

        /// A response whose comment mentions `theme`: its newest comments are kept whatever the score.
        mutating func addTheme(
            _ theme: Int, _ score: Int, weight: Double, to block: Int, touchpoint: Int?, comment: ResponseComment?,
            sentiment: Double?
        ) {
            let metric = blocks[block].metric
            for place in [-1] + (touchpoint.map { [$0] } ?? []) {
                blocks[block].themes[ThemeSlot(theme: theme, touchpoint: place), default: ResponseTotals()]
                    .add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
        }

        mutating func add(
            _ score: Int, weight: Double, to block: Int, segment: Int?, touchpoint: Int?, journey: Int?,
            comment: ResponseComment?, sentiment: Double?
        ) {
            let metric = blocks[block].metric
            blocks[block].all.add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            if touchpoint != nil {
                blocks[block].transactional.add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            } else if let journey {
                blocks[block].journeys[journey].add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            } else {
                blocks[block].relationship.add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
            if let segment {
                while blocks[block].segments.count <= segment { blocks[block].segments.append(ResponseTotals()) }
                blocks[block].segments[segment].add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
            if let touchpoint {
                blocks[block].touchpoints[touchpoint].add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
        }
    }

    /// Segment names to numbers, in order of first appearance; nil for an empty name. Sites
    /// have a handful of segments, so a scan of their bytes beats hashing a new string per row.
    /// The segments of a file, each name once, by a number; found by a hash of its bytes, so
    /// that a lookup costs the same however many names there are.
    private struct Interner {
        var bytes: [[UInt8]] = []
        var names: [String] = []
        private var byHash: [UInt64: [Int]] = [:]

        enum Lookup {
            case empty
            case found(Int)
            case full
        }

        /// The number of `name`, added when new unless there are `limit` names already.
        mutating func id(_ name: UnsafeBufferPointer<UInt8>, limit: Int) -> Lookup {
            guard !name.isEmpty else { return .empty }
            // A site's few segments are compared at once: cheaper than a hash for each row.
            if bytes.count <= 8, let id = bytes.firstIndex(where: { $0.elementsEqual(name) }) { return .found(id) }
            var hasher = StableHasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(name))
            let hash = hasher.finalize()
            if bytes.count > 8, let id = byHash[hash]?.first(where: { bytes[$0].elementsEqual(name) }) { return .found(id) }
            guard names.count < limit else { return .full }
            bytes.append(Array(name))
            names.append(String(decoding: name, as: UTF8.self))
            byHash[hash, default: []].append(names.count - 1)
            return .found(names.count - 1)
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
    private struct ErrorSink {
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

/// Bytes read across files on all cores, reported as a share of the total.
private final class ProgressCounter: @unchecked Sendable {
    private let total: Int
    private let report: (@Sendable (Double) -> Void)?
    private var read = 0
    private let lock = NSLock()

    init(total: Int, report: (@Sendable (Double) -> Void)?) {
        self.total = total
        self.report = report
    }

    func add(_ bytes: Int) {
        guard let report, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }  // report in order, so the bar never goes back
        read += bytes
        report(min(1, Double(read) / Double(total)))
    }
}

/// Field parsers that work on a row's bytes, for the common case; the slow paths with
/// messages run only for bad fields.
enum RowBytes {
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// `YYYY-MM-DD` exactly; nil for anything else, including dates not in the calendar.
    static func day(_ raw: UnsafeBufferPointer<UInt8>) -> Day? {
        let bytes = trimmed(raw)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10) else { return nil }
        return Day(year: year, month: month, day: day)
    }

    static func integer(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let bytes = trimmed(raw)
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        var start = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            start = 1
            guard bytes.count > 1 else { return nil }
        }
        for i in start..<bytes.count {
            let digit = Int(bytes[i]) - 48
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return negative ? -value : value
    }

    /// `nps`, `csat` or `ces`, in any case.
    static func metric(_ raw: UnsafeBufferPointer<UInt8>) -> SurveyMetric? {
        let bytes = trimmed(raw)
        guard bytes.count == 3 || bytes.count == 4 else { return nil }
        var lower: UInt32 = 0
        for byte in bytes { lower = lower << 8 | UInt32(byte | 0x20) }
        switch lower {
        case 0x6E_70_73: return .nps  // "nps"
        case 0x63_73_61_74: return .csat  // "csat"
        case 0x63_65_73: return .ces  // "ces"
        default: return nil
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
