import Foundation

/// A theme, or a suggested phrase, whose share of the comments rose against its baseline: the
/// comments of up to ``baselinePeriods`` periods before (docs/themes.md, "Rising themes").
struct RisingTopic: Sendable {
    let period: Period
    /// The theme's id, or nil for a suggested phrase.
    let theme: String?
    /// The suggested phrase, or nil for a theme.
    let phrase: String?
    /// Comments that mention it, of the comments counted, in the period and in its baseline.
    let mentions: Int
    let comments: Int
    let baselineMentions: Int
    let baselineComments: Int
    /// The periods the baseline pools.
    let baselinePeriods: Int
    /// The one-sided p of the share having risen.
    let p: Double
    /// Decided by Benjamini–Hochberg over every theme and phrase tested in the period.
    var isRising = false

    var share: Double { Double(mentions) / Double(comments) }
    var baselineShare: Double { Double(baselineMentions) / Double(baselineComments) }

    /// The most periods before that a baseline pools.
    static let baselinePeriods = 6
    /// The fewest mentions in the period for a topic to be tested: a handful of comments is not
    /// a rise to act on.
    static let minimumMentions = 5

    /// One topic's counts: per period, its mentions and the comments counted.
    struct Series {
        var theme: String?
        var phrase: String?
        var counts: [Period: (mentions: Int, comments: Int)]
    }

    /// Tests each topic's share in `period` against its baseline, one family for the period.
    static func test(_ topics: [Series], in period: Period) -> [RisingTopic] {
        let tested = topics.compactMap { topic -> RisingTopic? in
            guard let now = topic.counts[period], now.mentions >= minimumMentions, now.comments > 0 else { return nil }
            let window = sequence(first: period.previous) { $0.previous }.prefix(baselinePeriods).compactMap { topic.counts[$0] }
                .filter { $0.comments > 0 }
            let before = window.reduce((mentions: 0, comments: 0)) { ($0.mentions + $1.mentions, $0.comments + $1.comments) }
            guard before.comments > 0 else { return nil }
            return RisingTopic(
                period: period, theme: topic.theme, phrase: topic.phrase, mentions: now.mentions, comments: now.comments,
                baselineMentions: before.mentions, baselineComments: before.comments, baselinePeriods: window.count,
                p: SurveyStatistics.shareRoseP(now.mentions, of: now.comments, from: before.mentions, of: before.comments))
        }
        let decisions = SurveyStatistics.benjaminiHochberg(tested.map(\.p), q: Scorecard.falseDiscoveryRate)
        return zip(tested, decisions).map { topic, rising in
            var topic = topic
            topic.isRising = rising && topic.share > topic.baselineShare
            return topic
        }
    }

    /// Every complete period's themes (their share of the NPS comments) and suggested phrases
    /// (their share of detractors' and promoters' comments), tested.
    static func all(
        _ responses: ResponseAggregates, suggested: [SuggestedTheme], themes: ThemeCatalog, partial: Period?
    ) -> [RisingTopic] {
        var comments: [Period: Int] = [:]
        for (key, totals) in responses.totals where key.metric == .nps && key.group == .all { comments[key.period] = totals.commented }
        var themeSeries: [String: Series] = [:]
        for (key, totals) in responses.themeTotals where key.key.metric == .nps && key.key.group == .all {
            themeSeries[key.theme, default: Series(theme: key.theme, counts: [:])].counts[key.key.period] =
                (totals.n, comments[key.key.period] ?? 0)
        }
        // A theme not mentioned in a period with comments was mentioned zero times.
        for id in themes.themes.map(\.id) {
            for (period, count) in comments where themeSeries[id]?.counts[period] == nil {
                themeSeries[id, default: Series(theme: id, counts: [:])].counts[period] = (0, count)
            }
        }
        let periods = Set(comments.keys).subtracting(partial.map { [$0] } ?? []).sorted()
        return periods.flatMap { period in
            let phrases = suggested.filter { $0.period == period }.map { suggestion in
                Series(
                    phrase: suggestion.phrase,
                    counts: responses.phrases.mapValues { counts in
                        let count = counts.count(of: suggestion.phrase)
                        return (count.detractors + count.promoters, counts.detractorComments + counts.promoterComments)
                    })
            }
            return test(themes.themes.compactMap { themeSeries[$0.id] } + phrases, in: period)
        }
    }
}

extension SurveyStatistics {
    /// The one-sided p of a share having risen from `before` of `beforeTotal` to `now` of
    /// `nowTotal`: the two-proportion z-test with the pooled share.
    static func shareRoseP(_ now: Int, of nowTotal: Int, from before: Int, of beforeTotal: Int) -> Double {
        let pooled = Double(now + before) / Double(nowTotal + beforeTotal)
        let spread = (pooled * (1 - pooled) * (1 / Double(nowTotal) + 1 / Double(beforeTotal))).squareRoot()
        guard spread > 0 else { return 1 }
        let z = (Double(now) / Double(nowTotal) - Double(before) / Double(beforeTotal)) / spread
        return erfc(z / 2.0.squareRoot()) / 2
    }
}
