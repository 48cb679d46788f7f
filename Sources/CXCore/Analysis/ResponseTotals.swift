import Diagnostics
import Foundation

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
            if SurveyMetric.satisfiedScores.contains(score) {
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
    /// sample size, over the design effect of people answering more than once, as the n of
    /// the interval.
    func estimate(_ metric: SurveyMetric, designEffect: Double = 1) -> SurveyEstimate? {
        guard weighted.sum > 0 else { return nil }
        let size = effectiveN / designEffect
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
    /// Once the files are joined: each period's NPS answers summed by person, for everyone and
    /// the relationship and transactional levels.
    var clusters: [ClusterKey: ClusterSums] = [:]
    /// The date of the newest response.
    var newest: Day?
    /// The responses whose comment mentions each theme, per metric, period and group
    /// (everyone, or a touchpoint).
    var themeTotals: [ThemeKey: ResponseTotals] = [:]
    /// The responses of each level a headline can show, split by segment, journey and theme.
    var splits: [SplitKey: ResponseTotals] = [:]
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

    private struct SplitTotal: Codable {
        var key: SplitKey
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
        case totals, sources, links, newest, themeTotals, splits, phrases, mismatches
    }

    // A file's totals are cached; the pairs are made again from the files' links.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        for total in try container.decode([Total].self, forKey: .totals) { totals[total.key] = total.totals }
        for source in try container.decode([Source].self, forKey: .sources) { sources[source.key] = Set(source.files) }
        links = ResponseLink.unpacked(try container.decode([UInt64].self, forKey: .links))
        newest = try container.decode(Day?.self, forKey: .newest)
        for total in try container.decode([ThemeTotal].self, forKey: .themeTotals) { themeTotals[total.key] = total.totals }
        for total in try container.decode([SplitTotal].self, forKey: .splits) { splits[total.key] = total.totals }
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
            splits.map { SplitTotal(key: $0.key, totals: $0.value) }
                .sorted { "\($0.key)" < "\($1.key)" }, forKey: .splits)
        try container.encode(
            phrases.map { PeriodPhrases(period: $0.key, phrases: $0.value) }.sorted { $0.period < $1.period },
            forKey: .phrases)
        try container.encode(
            mismatches.map { PeriodMismatches(period: $0.key, mismatches: $0.value) }.sorted { $0.period < $1.period },
            forKey: .mismatches)
    }

    /// Each segment's name, by its lower case: files that write a segment in another case
    /// than the first are merged into the first's.
    private var segmentNames: [String: String] = [:]

    /// Adds another file's totals (its links too, unless `links` is false: the files' are
    /// joined apart). Returns the segment names it wrote in another case than an earlier
    /// file, with the name they were merged into.
    @discardableResult
    mutating func merge(_ other: ResponseAggregates, links mergingLinks: Bool = true) -> [(written: String, readAs: String)] {
        var renamed: [(String, String)] = []
        for (key, totals) in other.totals {
            var key = key
            var totals = totals
            if case .segment(let name) = key.group {
                let first = segmentNames[name.lowercased(), default: name]
                segmentNames[name.lowercased()] = first
                if first != name {
                    if !renamed.contains(where: { $0.0 == name }) { renamed.append((name, first)) }
                    key.group = .segment(first)
                    totals.recentComments = totals.recentComments.map { comment in
                        var comment = comment
                        if comment.segment == name { comment.segment = first }
                        return comment
                    }
                }
            }
            self.totals[key, default: ResponseTotals()].merge(totals)
        }
        for (key, files) in other.sources { sources[key, default: []].formUnion(files) }
        if mergingLinks { links += other.links }
        for (key, totals) in other.themeTotals { themeTotals[key, default: ResponseTotals()].merge(totals) }
        for (key, totals) in other.splits {
            var key = key
            key.segment = key.segment.map { segmentNames[$0.lowercased(), default: $0] }
            if key.by == .segment { key.id = key.id.map { segmentNames[$0.lowercased(), default: $0] } }
            splits[key, default: ResponseTotals()].merge(totals)
        }
        for (period, counts) in other.phrases { phrases[period, default: PhraseCounts()].merge(counts) }
        for (period, found) in other.mismatches { mismatches[period, default: ScoreWordMismatches()].merge(found) }
        maskedContactDetails += other.maskedContactDetails
        if let date = other.newest, newest.map({ date > $0 }) ?? true { newest = date }
        return renamed
    }
}
