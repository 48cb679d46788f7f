import Foundation

/// The scorecard's parts: metric cards with their margins, changes and the people behind
/// them, the drivers, and how a value is written and charted.
extension PageBuilder {
    /// The key drivers of `period`, when it has any: their correlations with the ranks the
    /// intervals allow, and importance against each touchpoint's own score. A briefing shows
    /// the strongest `limit` and links to the scorecard for the rest.
    func drivers(in period: Period, root: String, limit: Int? = nil) -> DriversPart? {
        let all = site.scorecard.drivers(in: period)
        guard !all.isEmpty else { return nil }
        let drivers = limit.map { Array(all.prefix($0)) } ?? all
        func measure(_ metric: SurveyMetric) -> String { metric == .csat ? "CSAT" : "CES" }
        func name(_ driver: Scorecard.Driver) -> String { site.config.touchpoint(driver.touchpoint)?.name ?? driver.touchpoint }
        func decimals(_ value: Double) -> String { NumberText.decimal(value, decimals: 2) }
        func score(_ driver: Scorecard.Driver) -> (MetricDefinition, Scorecard.Point)? {
            guard let metric = site.config.metric(driver.metric.rawValue),
                let point = site.scorecard.point(driver.metric.rawValue, .touchpoint(driver.touchpoint), in: period), !point.suppressed
            else { return nil }
            return (metric, point)
        }
        let label = site.scorecard.label(of: period)
        let priorities = [SurveyMetric.csat, .ces].compactMap { metric -> DriversPart.Priorities? in
            let points = drivers.filter { $0.metric == metric }.compactMap { driver -> Charts.PriorityPoint? in
                guard let (definition, point) = score(driver) else { return nil }
                return Charts.PriorityPoint(
                    label: name(driver), performance: point.value, performanceInterval: point.interval,
                    performanceText: definition.format(point.value), importance: driver.correlation)
            }
            let chart = Charts.priorities(
                points, title: "Where to act, \(label): each touchpoint's \(measure(metric)) against how strongly it goes with NPS")
            guard !chart.isEmpty else { return nil }
            let fixFirst = Charts.PriorityPoint.fixFirst(points)
            return DriversPart.Priorities(
                measure: measure(metric), chart: chart, fixFirst: fixFirst.isEmpty ? nil : Typography.list(fixFirst))
        }
        return DriversPart(
            periodLabel: label,
            rows: drivers.map { driver in
                DriversPart.Row(
                    touchpoint: name(driver), touchpointHref: root + Routes.touchpoint(driver.touchpoint).href,
                    measure: measure(driver.metric), rText: decimals(driver.correlation.r),
                    intervalText: "\(decimals(driver.correlation.low)) to \(decimals(driver.correlation.high))",
                    rankText: driver.ranks.count == 1 ? "\(driver.ranks.lowerBound)" : "\(driver.ranks.lowerBound)–\(driver.ranks.upperBound)",
                    scoreText: score(driver).map { metric, point in
                        metric.format(point.value) + (marginText(metric, point).map { " " + $0 } ?? "")
                    },
                    n: Count(driver.correlation.n), finding: Self.linkText(driver.correlation))
            },
            chart: Charts.bars(
                drivers.map { driver in
                    Charts.Datum(
                        label: "\(name(driver)) \(measure(driver.metric))", value: driver.correlation.r,
                        interval: driver.correlation.low...driver.correlation.high,
                        text: "\(Self.linkText(driver.correlation)), r = \(decimals(driver.correlation.r))")
                }, title: "What drives NPS, \(label): how closely each score moves with the same people's NPS"),
            priorities: limit == nil ? priorities : [],
            fixFirst: limit == nil ? [] : priorities.compactMap(\.fixFirstLine),
            more: all.count > drivers.count
                ? DriversPart.More(
                    text: NumberText.counted(all.count - drivers.count, "more touchpoint measure", "more touchpoint measures"),
                    href: root + Routes.scorecard.href + "#drivers-heading")
                : nil)
    }

    /// A correlation in words: "strong link", "moderate link" or "weak link" (Cohen's 0.5 and
    /// 0.3) when its 95% interval leaves out zero, "no clear link" when it does not.
    static func linkText(_ correlation: SurveyStatistics.Correlation) -> String {
        guard correlation.isSignificant else { return "no clear link" }
        let strength = abs(correlation.r)
        let word = strength >= 0.5 ? "strong" : strength >= 0.3 ? "moderate" : "weak"
        return correlation.r < 0 ? "\(word) link, the opposite way" : "\(word) link"
    }

    func readingNote(root: String) -> ReadingNote {
        ReadingNote(
            analysisHref: root + Routes.analysis.href, minimumN: site.config.minimumN, falseDiscoveryRate: Int(Scorecard.falseDiscoveryRate * 100),
            trendPeriods: Scorecard.trendPeriods)
    }

    /// A metric's card: its latest value (or its value in `period`) with its margin of error,
    /// the change since the period before and whether it is more than noise, the target, a
    /// sparkline of the last 8 periods, the breakdowns, and the people behind the number. The
    /// value is the headline's level (``Scorecard/headline(_:)``).
    func metricCard(_ metric: MetricDefinition, root: String, period: Period? = nil) -> MetricCard {
        let scorecard = site.scorecard
        let headline = scorecard.headline(metric.id)
        let points = scorecard.points(metric.id, headline)
        let latest = scorecard.latest(metric.id, headline).flatMap { latest in points.lastIndex { $0.period == latest.period } }
        let shown = period.flatMap { period in points.lastIndex { $0.period == period } } ?? latest ?? points.count - 1
        let point = points[shown]
        // The scorecard's sparkline shows the partial period after the one shown, marked "to
        // date"; a briefing shows its period as it closed, nothing after it.
        let through =
            period == nil && points.index(after: shown) < points.count && points[points.index(after: shown)].period == scorecard.partial?.period
            ? points.index(after: shown) : shown
        let recent = Array(points[...through].filter { !$0.suppressed }.suffix(Scorecard.trendPeriods))
        let touchpoints = site.config.touchpoints.compactMap { touchpoint -> (Touchpoint, Scorecard.Point)? in
            site.scorecard.point(metric.id, .touchpoint(touchpoint.id), in: point.period).map { (touchpoint, $0) }
        }
        let segments = site.scorecard.segments(of: metric.id).compactMap { segment -> (String, Scorecard.Point)? in
            site.scorecard.point(metric.id, .segment(segment), in: point.period).map { (segment, $0) }
        }
        let details = MetricDetails(
            id: metric.id,
            sparkline: Charts.sparkline(
                recent.map { datum(metric, $0, label: scorecard.label(of: $0.period)) },
                title: "\(metric.name), last \(NumberText.counted(recent.count, "period", "periods"))",
                lastIsPartial: recent.last.map { $0.period == scorecard.partial?.period } ?? false),
            history: points[...through].reversed().map { point in
                MetricDetails.HistoryRow(
                    period: scorecard.label(of: point.period), valueText: valueText(metric, point),
                    marginText: marginText(metric, point), n: point.n.map { Count($0) })
            },
            historyHasN: points[...through].contains { $0.n != nil },
            touchpoints: touchpoints.map { touchpoint, value in
                let failures = site.failures(at: touchpoint)
                return MetricDetails.TouchpointValue(
                    name: touchpoint.name, href: root + Routes.touchpoint(touchpoint.id).href,
                    valueText: valueText(metric, value), marginText: marginText(metric, value), n: value.n.map { Count($0) },
                    critical: value.totals.flatMap { $0.countsKnown ? $0.critical : nil }, storiesText: site.stories(at: touchpoint).countText,
                    failuresText: failures > 0 ? [Story].failuresText(failures) : nil)
            },
            hasTouchpoints: !touchpoints.isEmpty,
            touchpointsHaveN: touchpoints.contains { $0.1.n != nil },
            touchpointChart: Charts.bars(
                touchpoints.filter { !$1.suppressed }.map { datum(metric, $1, label: $0.name) },
                title: "\(metric.name) by touchpoint, \(scorecard.label(of: point.period))",
                references: chartReferences(metric)),
            segments: segments.map { segment, value in
                MetricDetails.SegmentValue(
                    name: site.config.segmentName(segment), valueText: valueText(metric, value),
                    marginText: marginText(metric, value), n: value.n.map { Count($0) })
            },
            hasSegments: !segments.isEmpty,
            segmentPages: segmentLinks(root: root),
            segmentChart: Charts.bars(
                segments.filter { !$1.suppressed }.map { datum(metric, $1, label: site.config.segmentName($0)) },
                title: "\(metric.name) by segment, \(scorecard.label(of: point.period))",
                references: chartReferences(metric)),
            behind: behindTheNumber(metric, point, root: root),
            voices: voices(metric, in: point.period))
        return MetricCard(pointValue(metric, point, headline), details)
    }

    /// What customers wrote under a survey metric in `period`, from both sides of the score
    /// and typical of its themes rather than its angriest: the newest critical comment that
    /// mentions the theme costing the most, and the newest top-score comment that mentions
    /// the theme adding the most. Reproducible (newest, then by text), never a respondent's
    /// id, and none from a theme too rarely mentioned to keep its people anonymous.
    func voices(_ metric: MetricDefinition, in period: Period) -> [MetricDetails.Voice] {
        guard let survey = SurveyMetric(rawValue: metric.id), survey != .ces else { return [] }
        let impacts = site.scorecard.themeImpacts(survey, in: period).filter {
            !$0.suppressed && $0.mentions >= site.config.minimumNForComments
        }
        func voice(_ impact: ThemeImpact?, critical: Bool) -> MetricDetails.Voice? {
            guard let impact else { return nil }
            let side = impact.comments.filter { critical ? survey.isCritical($0.score) : survey.isTop($0.score) }
            guard let comment = side.min(by: { ($1.date, $0.text) < ($0.date, $1.text) }) else { return nil }
            return MetricDetails.Voice(
                text: Typography.smarten(comment.text), score: comment.score, side: critical ? "worse" : "better", theme: impact.theme.name,
                touchpoint: comment.touchpoint.flatMap(site.config.touchpoint)?.name)
        }
        let costliest = impacts.filter { $0.impact < 0 }.min { ($0.impact, $0.theme.id) < ($1.impact, $1.theme.id) }
        let addsMost = impacts.filter { $0.impact > 0 }.max { ($0.impact, $1.theme.id) < ($1.impact, $0.theme.id) }
        return [voice(costliest, critical: true), voice(addsMost, critical: false)].compactMap { $0 }
    }

    /// "relationship level" or "all touchpoints" for a headline that is not everyone's.
    private static func levelName(_ group: Scorecard.Group) -> String? {
        switch group {
        case .relationship: "relationship level"
        case .transactional: "all touchpoints"
        default: nil
        }
    }

    func behindTheNumber(_ metric: MetricDefinition, _ point: Scorecard.Point, root: String) -> BehindTheNumber? {
        guard let totals = point.totals, totals.countsKnown, let survey = SurveyMetric(rawValue: metric.id) else { return nil }
        let one = totals.critical == 1
        let scores = SurveyMetric.text(survey.criticalScores)
        let who: String
        switch survey {
        case .nps: who = one ? "detractor (score \(scores))" : "detractors (scores \(scores))"
        case .csat: who = (one ? "dissatisfied customer" : "dissatisfied customers") + " (\(scores) of \(survey.scale.upperBound))"
        case .ces: who = (one ? "customer who found it hard" : "customers who found it hard") + " (\(scores) of \(survey.scale.upperBound))"
        }
        let share = totals.n > 0 ? Double(totals.critical) / Double(totals.n) * 100 : 0
        // A group too small to keep its people anonymous shows no comments.
        let comments = totals.n < site.config.minimumNForComments ? [] : totals.recentComments
        return BehindTheNumber(
            critical: Count(totals.critical),
            who: who,
            shareText: NumberText.decimal(share, decimals: 0) + "%",
            n: Count(totals.n),
            hasComments: !comments.isEmpty,
            comments: comments.map { comment in
                BehindTheNumber.Comment(
                    text: comment.text, score: comment.score, dateText: comment.date.longText, date: comment.date.description,
                    touchpoint: comment.touchpoint.flatMap(site.config.touchpoint)?.name,
                    touchpointHref: comment.touchpoint.map { root + Routes.touchpoint($0).href },
                    segment: comment.segment.map(site.config.segmentName))
            })
    }

    func pointValue(_ metric: MetricDefinition, _ point: Scorecard.Point, _ group: Scorecard.Group) -> PointValue {
        let scorecard = site.scorecard
        let change = scorecard.change(metric.id, group, at: point).map { change in
            let improved = metric.higherIsBetter ? change.delta > 0 : change.delta < 0
            let noise = change.isSignificant == false
            return PointValue.Change(
                previousText: metric.format(change.previous.value),
                previousPeriod: change.previous.period.label,
                deltaText: metric.formatDelta(change.delta),
                arrow: change.delta > 0 ? "↑" : change.delta < 0 ? "↓" : "→",
                direction: noise || change.delta == 0 ? "flat" : improved ? "better" : "worse",
                significant: change.isSignificant == true,
                noise: noise)
        }
        let trend =
            point.suppressed
            ? nil
            : scorecard.trend(metric.id, group, through: point).map { trend in
                let words =
                    switch trend.direction {
                    case .rising: "Rising"
                    case .falling: "Falling"
                    case .none: "No clear trend"
                    }
                return PointValue.Trend(direction: trend.direction.rawValue, text: words + " " + trend.window)
            }
        return PointValue(
            name: metric.name, level: Self.levelName(group), period: scorecard.label(of: point.period), valueText: valueText(metric, point),
            scaleText: point.suppressed ? nil : metric.scaleText, marginText: marginText(metric, point), n: point.n.map { Count($0) },
            effectiveN: point.effectiveN.map { NumberText.decimal($0, decimals: 0) }, suppressed: point.suppressed,
            partial: point.period == scorecard.partial?.period, change: change, trend: trend,
            target: point.suppressed
                ? nil
                : point.target.map { target in
                    let (status, verdict) =
                        point.interval?.contains(target) == true
                        ? ("within", "on target (within the margin)")
                        : metric.meets(point.value, target: target) ? ("met", "met") : ("missed", "not met")
                    return PointValue.Target(text: metric.format(target), status: status, verdict: verdict)
                },
            benchmarks: group == scorecard.headline(metric.id) ? benchmarkTexts(metric, point) : [])
    }

    /// The value as shown: "too few responses (n = 12)" for a group below `min_n`.
    func valueText(_ metric: MetricDefinition, _ point: Scorecard.Point) -> String {
        guard point.suppressed else { return metric.format(point.value) }
        let effective = point.effectiveN.map { ", effective\u{00A0}" + NumberText.decimal($0, decimals: 0) } ?? ""
        return "too few responses (n\u{00A0}=\u{00A0}\(NumberText.count(point.n ?? 0))\(effective))"
    }

    /// The 95% interval beside a value: `± 3.2`, or `(83.6 to 100)` where the interval is not
    /// the value plus or minus one margin; none for a group below `min_n`.
    func marginText(_ metric: MetricDefinition, _ point: Scorecard.Point) -> String? {
        guard !point.suppressed, let interval = point.interval else { return nil }
        return Self.marginText(point.value, interval, decimals: metric.unit == .percent || metric.id == "nps" ? 1 : 2)
    }

    /// `± m` when `value ± m` rounds to the interval's ends, `(low to high)` otherwise: a
    /// "±" is never shown that is not the interval.
    static func marginText(_ value: Double, _ interval: ClosedRange<Double>, decimals: Int) -> String {
        let margin = (interval.upperBound - interval.lowerBound) / 2
        func text(_ number: Double) -> String { NumberText.decimal(number, decimals: decimals) }
        if text(value - margin) == text(interval.lowerBound), text(value + margin) == text(interval.upperBound) {
            return "± " + text(margin)
        }
        return "(" + text(interval.lowerBound).replacingOccurrences(of: "-", with: "−") + " to "
            + text(interval.upperBound).replacingOccurrences(of: "-", with: "−") + ")"
    }

    func datum(_ metric: MetricDefinition, _ point: Scorecard.Point, label: String) -> Charts.Datum {
        let text = metric.format(point.value) + (marginText(metric, point).map { " " + $0 } ?? "")
        let missesTarget =
            metric.target.flatMap { target in
                point.interval.map { metric.higherIsBetter ? $0.upperBound < target : $0.lowerBound > target }
            } ?? false
        return Charts.Datum(label: label, value: point.value, interval: point.interval, text: text, missesTarget: missesTarget)
    }

    /// A metric's target as a chart draws it, when it has one.
    func chartReferences(_ metric: MetricDefinition) -> [Charts.Reference] {
        (metric.target.map { [Charts.Reference(kind: .target, value: $0, label: "target " + metric.format($0))] } ?? [])
            + metric.benchmarks.map { Charts.Reference(kind: .benchmark, value: $0.value, label: "\($0.name) " + metric.format($0.value)) }
    }

    /// Each benchmark beside a value: what it is, where from, and whether the value is apart
    /// from it beyond the margin of error (the benchmark taken as given, without an error).
    func benchmarkTexts(_ metric: MetricDefinition, _ point: Scorecard.Point) -> [PointValue.BenchmarkText] {
        guard !point.suppressed else { return [] }
        return metric.benchmarks.map { benchmark in
            let difference = point.value - benchmark.value
            let points = metric.id == "nps" || metric.unit == .percent ? " points" : ""
            let apart = NumberText.decimal(abs(difference), decimals: 1) + points + (difference > 0 ? " above it" : " below it")
            let comparison =
                point.interval.map { $0.contains(benchmark.value) } == true
                ? "within the margin of error of it"
                : difference == 0 ? "level with it" : apart + (point.interval == nil ? "" : ", beyond the margin of error")
            return PointValue.BenchmarkText(
                text: "\(benchmark.name) \(metric.format(benchmark.value))", source: "\(benchmark.source), \(benchmark.date.longText)",
                comparison: comparison)
        }
    }

    /// "N joined, M left" in `period`, with the periods before as a chart and the stories of
    /// the customers who left; nil when the site does not count them or the period has no count.
    /// A leaver's story already on the page (`shown`) is named in a line, not shown twice.
    func customerFlow(in period: Period, root: String, shown: [Story] = []) throws -> CustomerFlowPart? {
        let series = site.scorecard.customerFlow.filter { $0.period <= period }
        guard let flow = series.last, flow.period == period else { return nil }
        func count(_ value: Double) -> String { NumberText.decimal(value, decimals: 0) }
        func signed(_ value: Double) -> String { (value > 0 ? "+" : "") + count(value) }
        let revenue = site.config.customers?.revenueLost.flatMap(site.config.metric)
        let allLeavers = site.leavers(in: period)
        let leavers = allLeavers.filter { leaver in !shown.contains { $0.slug == leaver.slug } }
        let named = allLeavers.filter { leaver in shown.contains { $0.slug == leaver.slug } }
        let recent = series.suffix(Scorecard.trendPeriods)
        let moment = site.config.customers?.baseAt ?? .start
        return CustomerFlowPart(
            periodLabel: site.scorecard.label(of: period),
            gainedText: count(flow.gained), lostText: count(flow.lost), netText: signed(flow.net),
            netDirection: flow.net > 0 ? "better" : flow.net < 0 ? "worse" : "flat", isGrowing: flow.net > 0,
            lostShareText: flow.lostShare.map {
                "\(NumberText.decimal($0, decimals: 1))% of the \(count(flow.base!)) customers at the \(moment.rawValue) of the period"
            },
            baseDefinition: flow.lostShare == nil
                ? nil
                : "Left, of the base: the customers who left in a period divided by the customers counted at its \(moment.rawValue).",
            revenueText: revenue.flatMap { metric in flow.revenueLost.map(metric.format) },
            chart: Charts.joinedAndLeft(
                recent.map { point in
                    Charts.FlowRow(
                        label: site.scorecard.label(of: point.period), joined: point.gained, left: point.lost,
                        joinedText: count(point.gained), leftText: count(point.lost), netText: "net " + signed(point.net))
                }, title: "Customers who joined and who left, by period, with the net"),
            // Oldest first, in the chart's order.
            history: recent.map { point in
                CustomerFlowPart.Row(
                    period: site.scorecard.label(of: point.period), gainedText: count(point.gained),
                    lostText: count(point.lost), netText: signed(point.net),
                    lostShareText: point.lostShare.map { NumberText.decimal($0, decimals: 1) + "%" })
            },
            leavers: try leavers.map { try storyCard($0, root: root) },
            hasLeavers: !leavers.isEmpty,
            namedLeavers: named.map { StoryLink($0, root: root) })
    }
}
