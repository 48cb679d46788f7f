/// One group's part of a headline value's change from the period before (docs/metrics.md,
/// "Why the score moved"). The parts of one split add up to the change.
struct ChangeContribution: Sendable {
    let metric: SurveyMetric
    let period: Period
    /// The segment whose change is split; nil for everyone's.
    let segment: String?
    let by: ChangeDimension
    /// The group: a theme's or journey's id, a segment's name, a touchpoint's id; nil for the
    /// responses in none of them and the groups too small to show ("other").
    let id: String?
    /// `mix + within`.
    let contribution: Double
    /// The group's share moving, against the value before: (w′ − w)(v − V₀).
    let mix: Double
    /// The group's own value moving: w′(v′ − v).
    let within: Double
    /// The group's share of the weight, now and before.
    let share: Double
    let previousShare: Double
    /// The delta method's, of the formulas in docs/metrics.md; nil where a side has none.
    let standardError: Double?

    var interval: ClosedRange<Double>? {
        standardError.map { contribution - SurveyStatistics.z95 * $0...contribution + SurveyStatistics.z95 * $0 }
    }

    /// The interval leaves out zero.
    var isClear: Bool { interval.map { $0.lowerBound > 0 || $0.upperBound < 0 } ?? false }

    /// Mostly the group's share moving, rather than its value.
    var isMostlyMix: Bool { abs(mix) >= abs(within) }
}

/// The contributions of every split change: for each headline change from the period before,
/// by theme, segment, touchpoint and journey; for each segment's change at the headline's level,
/// by theme.
struct ChangeSplitter {
    let responses: ResponseAggregates
    let config: SiteConfig
    /// The splits' groups by their key without an id.
    private let splits: [SplitKey: [String?: ResponseTotals]]

    init(responses: ResponseAggregates, config: SiteConfig) {
        self.responses = responses
        self.config = config
        var splits: [SplitKey: [String?: ResponseTotals]] = [:]
        for (key, totals) in responses.splits {
            var split = key
            split.id = nil
            splits[split, default: [:]][key.id] = totals
        }
        self.splits = splits
    }

    /// One side of a change: a level's value and the groups it is split into.
    struct Side {
        var value: Double
        var standardError: Double?
        /// The level's effective sample size, over the design effect.
        var effectiveN: Double
        var designEffect: Double
        var groups: [String?: ResponseTotals]
    }

    /// The parts of the change from `before` to `after`: groups below `min_n` on either side
    /// are folded into "other" (nil), so no part rests on a group too small to show.
    func contributions(
        _ metric: SurveyMetric, period: Period, segment: String?, by: ChangeDimension, before: Side, after: Side
    ) -> [ChangeContribution] {
        var previous = before.groups
        var current = after.groups
        for id in Set(previous.keys).union(current.keys) where id != nil {
            let small = [(previous[id], before.designEffect), (current[id], after.designEffect)].contains { totals, effect in
                (totals?.effectiveN ?? 0) / effect < Double(config.minimumN)
            }
            guard small else { continue }
            for (side, totals) in [(0, previous.removeValue(forKey: id)), (1, current.removeValue(forKey: id))] {
                guard let totals = totals ?? nil else { continue }
                if side == 0 { previous[nil, default: ResponseTotals()].merge(totals) } else { current[nil, default: ResponseTotals()].merge(totals) }
            }
        }
        let ids = Set(previous.keys).union(current.keys)
        // One part, or only "other", says nothing of why.
        guard ids.count > 1, ids.contains(where: { $0 != nil }) else { return [] }
        let weightBefore = previous.values.reduce(0) { $0 + $1.weighted.sum }
        let weightAfter = current.values.reduce(0) { $0 + $1.weighted.sum }
        guard weightBefore > 0, weightAfter > 0 else { return [] }
        let base = before.value
        return ids.sorted { ($0 == nil ? 1 : 0, $0 ?? "") < ($1 == nil ? 1 : 0, $1 ?? "") }.map { id in
            let old = previous[id].flatMap { $0.estimate(metric, designEffect: before.designEffect) }
            let new = current[id].flatMap { $0.estimate(metric, designEffect: after.designEffect) }
            let w0 = (previous[id]?.weighted.sum ?? 0) / weightBefore
            let w1 = (current[id]?.weighted.sum ?? 0) / weightAfter
            let offsetBefore = old.map { $0.value - base } ?? 0
            let offsetAfter = new.map { $0.value - base } ?? 0
            let contribution = w1 * offsetAfter - w0 * offsetBefore
            let within = old.flatMap { old in new.map { w1 * ($0.value - old.value) } } ?? 0
            // The delta method, each estimate taken as independent of the others (docs/metrics.md).
            let shareVariance = { (w: Double, n: Double) in w * (1 - w) / n }
            var variance =
                offsetAfter * offsetAfter * shareVariance(w1, after.effectiveN)
                + offsetBefore * offsetBefore * shareVariance(w0, before.effectiveN)
            var known = before.standardError != nil
            variance += (w1 - w0) * (w1 - w0) * (before.standardError ?? 0) * (before.standardError ?? 0)
            for (estimate, w) in [(old, w0), (new, w1)] {
                guard let estimate else { continue }
                if let error = estimate.standardError { variance += w * w * error * error } else { known = false }
            }
            return ChangeContribution(
                metric: metric, period: period, segment: segment, by: by, id: id, contribution: contribution,
                mix: contribution - within, within: within, share: w1, previousShare: w0,
                standardError: known ? variance.squareRoot() : nil)
        }
    }

    /// The groups of a split, by id: `key` without one.
    func groups(_ key: SplitKey) -> [String?: ResponseTotals] { splits[key] ?? [:] }

    /// Everyone at `level` split by touchpoint: each touchpoint's responses, and the rest of the level's.
    func touchpointGroups(_ metric: SurveyMetric, _ period: Period, level: Scorecard.Group) -> [String?: ResponseTotals] {
        guard level != .relationship,
            let everyone = responses.totals[ResponseAggregates.Key(metric: metric, period: period, group: level)]
        else { return [:] }
        var groups: [String?: ResponseTotals] = [:]
        var rest = everyone
        for touchpoint in config.touchpoints {
            guard let totals = responses.totals[ResponseAggregates.Key(metric: metric, period: period, group: .touchpoint(touchpoint.id))]
            else { continue }
            groups[touchpoint.id] = totals
            rest = rest.subtracting(totals)
        }
        if rest.n > 0 { groups[nil] = rest }
        return groups
    }
}

extension ChangeSplitter {
    /// Every change of a headline value from the period before split every way the responses
    /// allow, and each segment's change at the headline's level split by theme.
    func all(_ headlines: [(metric: SurveyMetric, level: Scorecard.Group, point: Scorecard.Point, previous: Scorecard.Point)])
        -> [ChangeContribution]
    {
        var contributions: [ChangeContribution] = []
        for (metric, level, point, previous) in headlines {
            guard let before = side(previous), let after = side(point) else { continue }
            for by in ChangeDimension.allCases {
                let groups = { (period: Period) in
                    by == .touchpoint
                        ? touchpointGroups(metric, period, level: level)
                        : self.groups(SplitKey(metric: metric, period: period, level: level, by: by))
                }
                var split = (before, after)
                split.0.groups = groups(previous.period)
                split.1.groups = groups(point.period)
                contributions += self.contributions(metric, period: point.period, segment: nil, by: by, before: split.0, after: split.1)
            }
            let segments = Set(
                [previous.period, point.period].flatMap { groups(SplitKey(metric: metric, period: $0, level: level, by: .segment)).keys })
            for case let segment? in segments.sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
                guard let before = side(metric, previous.period, level: level, segment: segment, designEffect: before.designEffect),
                    let after = side(metric, point.period, level: level, segment: segment, designEffect: after.designEffect)
                else { continue }
                contributions += self.contributions(metric, period: point.period, segment: segment, by: .theme, before: before, after: after)
            }
        }
        return contributions
    }

    /// A headline point as one side of a change, its groups to be filled in.
    private func side(_ point: Scorecard.Point) -> Side? {
        guard let totals = point.totals, let n = point.n else { return nil }
        let effectiveN = point.effectiveN ?? Double(n)
        return Side(
            value: point.value, standardError: point.standardError, effectiveN: effectiveN,
            designEffect: effectiveN > 0 ? max(1, totals.effectiveN / effectiveN) : 1, groups: [:])
    }

    /// A segment's responses at `level` as one side, split by theme; nil when too few to show.
    func side(_ metric: SurveyMetric, _ period: Period, level: Scorecard.Group, segment: String, designEffect: Double) -> Side? {
        guard let totals = groups(SplitKey(metric: metric, period: period, level: level, by: .segment))[segment],
            let estimate = totals.estimate(metric, designEffect: designEffect),
            totals.effectiveN / designEffect >= Double(config.minimumN)
        else { return nil }
        return Side(
            value: estimate.value, standardError: estimate.standardError, effectiveN: totals.effectiveN / designEffect,
            designEffect: designEffect, groups: groups(SplitKey(metric: metric, period: period, level: level, segment: segment, by: .theme)))
    }
}
