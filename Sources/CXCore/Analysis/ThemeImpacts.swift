/// What a theme costs or adds to a metric in a period: the value of everyone against the value
/// of the responses whose comment does not mention the theme (docs/themes.md).
struct ThemeImpact: Sendable {
    let theme: CommentTheme
    let metric: SurveyMetric
    let period: Period
    /// Responses whose comment mentions the theme.
    let mentions: Int
    /// Of the responses with a comment; nil when none has one.
    let share: Double?
    let valueWith: Double
    let valueWithout: Double
    /// Everyone's value minus the value without the theme: negative when it costs points.
    let impact: Double
    /// ``SurveyStatistics/impactStandardError(with:without:share:n:)``; nil when a side has no spread.
    let standardError: Double?
    /// Fewer mentions than `min_n`: not shown as a finding.
    let suppressed: Bool
    /// The newest comments that mention it.
    let comments: [ResponseComment]
    /// Of the comments that mention it, the share that read negative.
    let negativeShare: Double?

    var interval: ClosedRange<Double>? {
        standardError.map { impact - SurveyStatistics.z95 * $0...impact + SurveyStatistics.z95 * $0 }
    }

    /// The interval leaves out zero: those who mention the theme score apart from the rest by
    /// more than chance, so a page may call it a finding.
    var isClear: Bool { interval.map { $0.lowerBound > 0 || $0.upperBound < 0 } ?? false }

    /// The metrics a theme's impact is measured on.
    static let metrics: [SurveyMetric] = [.nps, .csat]

    /// Every theme's impact on NPS and CSAT in every period with responses that mention it.
    static func all(_ responses: ResponseAggregates, themes: ThemeCatalog, config: SiteConfig) -> [ThemeImpact] {
        var impacts: [ThemeImpact] = []
        for (key, with) in responses.themeTotals where key.key.group == .all && metrics.contains(key.key.metric) {
            guard let theme = themes.theme(key.theme), let everyone = responses.totals[key.key],
                let all = everyone.estimate(key.key.metric)
            else { continue }
            let without = everyone.subtracting(with)
            guard let withEstimate = with.estimate(key.key.metric), let withoutEstimate = without.estimate(key.key.metric) else { continue }
            let weight = with.weighted.sum / everyone.weighted.sum
            let standardError = SurveyStatistics.impactStandardError(
                with: withEstimate, without: withoutEstimate, share: weight, n: everyone.effectiveN)
            impacts.append(
                ThemeImpact(
                    theme: theme, metric: key.key.metric, period: key.key.period, mentions: with.n,
                    share: everyone.commented > 0 ? Double(with.n) / Double(everyone.commented) : nil,
                    valueWith: withEstimate.value, valueWithout: withoutEstimate.value, impact: all.value - withoutEstimate.value,
                    standardError: standardError, suppressed: with.n < config.minimumN, comments: with.recentComments,
                    negativeShare: with.commented > 0 ? Double(with.negative) / Double(with.commented) : nil))
        }
        return impacts.sorted { ($0.period, $0.metric.rawValue, $0.impact, $0.theme.id) < ($1.period, $1.metric.rawValue, $1.impact, $1.theme.id) }
    }
}

extension Scorecard {
    /// The themes' impacts on `metric` in `period`, the costliest first.
    func themeImpacts(_ metric: SurveyMetric, in period: Period) -> [ThemeImpact] {
        themeImpacts.filter { $0.metric == metric && $0.period == period }
    }

    /// A theme's impacts on `metric`, oldest period first.
    func themeImpacts(of theme: String, _ metric: SurveyMetric) -> [ThemeImpact] {
        themeImpacts.filter { $0.theme.id == theme && $0.metric == metric }
    }

    /// The trend of a theme's impact over the last up to ``trendPeriods`` complete periods up
    /// to `period`.
    func trend(of theme: String, _ metric: SurveyMetric, through period: Period) -> SurveyStatistics.Trend? {
        guard period != partial?.period else { return nil }
        let fitted = themeImpacts(of: theme, metric).filter { $0.period <= period && $0.period != partial?.period && !$0.suppressed }
            .suffix(Self.trendPeriods)
        return SurveyStatistics.trend(
            fitted.compactMap { impact in
                impact.standardError.map { (Double(impact.period.ordinal), impact.impact, $0) }
            })
    }
}
