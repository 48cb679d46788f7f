/// A segment's value of a metric in a period at the headline's level, against the whole
/// company's, with the test of the difference (docs/metrics.md, "A page per segment").
struct SegmentComparison: Sendable {
    let segment: String
    let metric: SurveyMetric
    let period: Period
    /// Nil when the segment has no answers at the level in the period.
    let value: SurveyEstimate?
    let n: Int
    /// Below `min_n`: no value is shown and nothing is tested.
    let suppressed: Bool
    let company: SurveyEstimate
    /// The segment's value less the company's.
    let difference: Double
    /// The two-sided p of the segment against the rest of the company; nil untested.
    let p: Double?
    /// Benjamini–Hochberg over every segment and metric of the period.
    var isSignificant: Bool?
    /// The themes its comments mention most, with their mentions (a comment naming two themes
    /// counts in each).
    let themes: [(theme: String, mentions: Int)]
}

extension ChangeSplitter {
    /// Every segment against the company in every period of each headline, a
    /// Benjamini–Hochberg family a period.
    func segmentComparisons(_ headlines: [(metric: SurveyMetric, level: Scorecard.Group, points: [Scorecard.Point])])
        -> [SegmentComparison]
    {
        var comparisons: [SegmentComparison] = []
        for (metric, level, points) in headlines {
            for point in points {
                guard let company = point.totals, company.estimate(metric) != nil, let n = point.n else { continue }
                let effectiveN = point.effectiveN ?? Double(n)
                let designEffect = effectiveN > 0 ? max(1, company.effectiveN / effectiveN) : 1
                let segments = groups(SplitKey(metric: metric, period: point.period, level: level, by: .segment))
                for case (let segment?, let totals) in segments {
                    let estimate = totals.estimate(metric, designEffect: designEffect)
                    let suppressed = totals.effectiveN / designEffect < Double(config.minimumN)
                    let rest = company.subtracting(totals)
                    let test = estimate.flatMap { estimate in
                        rest.estimate(metric, designEffect: designEffect).map { SurveyStatistics.change(from: $0, to: estimate) }
                    }
                    let themes = groups(SplitKey(metric: metric, period: point.period, level: level, segment: segment, by: .theme))
                        .compactMap { id, totals in id.map { ($0, totals.n) } }
                        .sorted { ($1.1, $0.0) < ($0.1, $1.0) }
                    comparisons.append(
                        SegmentComparison(
                            segment: segment, metric: metric, period: point.period, value: estimate, n: totals.n,
                            suppressed: suppressed, company: point.estimate,
                            difference: (estimate?.value ?? point.value) - point.value,
                            p: suppressed || rest.n < 2 || totals.n < 2 ? nil : test?.p, isSignificant: nil,
                            themes: themes))
                }
            }
        }
        for period in Set(comparisons.map(\.period)) {
            let members = comparisons.indices.filter { comparisons[$0].period == period && comparisons[$0].p != nil }
            let decisions = SurveyStatistics.benjaminiHochberg(members.map { comparisons[$0].p! }, q: Scorecard.falseDiscoveryRate)
            for (member, significant) in zip(members, decisions) { comparisons[member].isSignificant = significant }
        }
        return comparisons.sorted { ($0.period, $0.segment, $0.metric.rawValue) < ($1.period, $1.segment, $1.metric.rawValue) }
    }
}
