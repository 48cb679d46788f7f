import Diagnostics

/// Metric values by period, overall and broken down by touchpoint and segment: computed from
/// raw responses where there are some, taken from snapshot files otherwise.
struct Scorecard: Sendable {
    /// One value of a metric in one period for one group.
    struct Point: Sendable {
        var period: Period
        var value: Double
        var n: Int?
        /// Kish's effective sample size, when the responses carry weights.
        var effectiveN: Double?
        var target: Double?
        /// Only for values computed from responses.
        var standardError: Double?
        var interval: ClosedRange<Double>?
        var totals: ResponseTotals?
        /// Fewer responses than the site's `min_n`: kept for `scorecard.json`, never shown as
        /// a finding.
        var suppressed = false

        var estimate: SurveyEstimate { SurveyEstimate(value: value, standardError: standardError, interval: interval) }
        /// Half the 95% interval's width.
        var margin: Double? { estimate.margin }
    }

    /// The period the build's today falls inside, before its last day: its values are "so
    /// far", and it is neither compared with the period before nor fitted into a trend.
    struct PartialPeriod: Sendable {
        var period: Period
        /// The build's today.
        var through: Day
    }

    /// Which responses a value covers: everyone, one segment, or one level of the relation
    /// (docs/metrics.md, "Three levels"): the relationship (responses that name neither a
    /// journey nor a touchpoint), one journey, one touchpoint, or all touchpoints together.
    enum Group: Hashable, Sendable, Codable {
        case all
        case segment(String)
        case touchpoint(String)
        case relationship
        case journey(String)
        case transactional

        var segment: String? {
            if case .segment(let name) = self { return name }
            return nil
        }

        var touchpoint: String? {
            if case .touchpoint(let id) = self { return id }
            return nil
        }

        var journey: String? {
            if case .journey(let id) = self { return id }
            return nil
        }

        /// The level of the relation a value measures: `relationship`, `journey`,
        /// `transactional`, or `all` for everyone and a segment of everyone.
        var level: String {
            switch self {
            case .all, .segment: "all"
            case .relationship: "relationship"
            case .journey: "journey"
            case .touchpoint, .transactional: "transactional"
            }
        }

        /// ` (segment 'smb')`, ` (touchpoint 'billing')`, or nothing for everyone.
        var phrase: String {
            switch self {
            case .all: ""
            case .segment(let name): " (segment '\(name)')"
            case .touchpoint(let id): " (touchpoint '\(id)')"
            case .relationship: " (relationship level)"
            case .journey(let id): " (journey '\(id)')"
            case .transactional: " (all touchpoints)"
            }
        }

        // Stored as a kind and a name: the build cache's format reads members in order, and
        // an enum's synthesised form asks which keys a value has.
        private enum CodingKeys: String, CodingKey {
            case kind, name
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let kind = try container.decode(String.self, forKey: .kind)
            let name = try container.decode(String.self, forKey: .name)
            switch kind {
            case "all": self = .all
            case "segment": self = .segment(name)
            case "touchpoint": self = .touchpoint(name)
            case "relationship": self = .relationship
            case "journey": self = .journey(name)
            case "transactional": self = .transactional
            default: throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "no such group")
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            let (kind, name) =
                switch self {
                case .all: ("all", "")
                case .segment(let name): ("segment", name)
                case .touchpoint(let id): ("touchpoint", id)
                case .relationship: ("relationship", "")
                case .journey(let id): ("journey", id)
                case .transactional: ("transactional", "")
                }
            try container.encode(kind, forKey: .kind)
            try container.encode(name, forKey: .name)
        }
    }

    struct Key: Hashable, Sendable {
        var metric: String
        var group: Group
    }

    /// A change from the period before, and whether it is more than noise.
    struct Change: Sendable {
        var previous: Point
        var delta: Double
        /// The two-sided p of the change's z-test; nil when the values carry no standard
        /// errors (snapshots) or a side has a single response.
        var p: Double?
        /// Decided by Benjamini–Hochberg over the change's family (every change tested in its
        /// period: all metrics, overall and in every group); nil when there is no test.
        var isSignificant: Bool?
    }

    /// A value's place: metric, group and period.
    private struct PointKey: Hashable {
        var metric: String
        var group: Group
        var period: Period
    }

    let config: SiteConfig
    /// Points sorted by period, per metric and group.
    let series: [Key: [Point]]
    private let changes: [PointKey: Change]
    let partial: PartialPeriod?
    /// Key drivers, period by period, strongest first.
    let drivers: [Driver]
    /// What each theme costs or adds, by period and metric, the costliest first.
    let themeImpacts: [ThemeImpact]
    /// Phrases that set detractors apart, which no theme names yet, by period.
    let suggestedThemes: [SuggestedTheme]
    /// NPS responses whose score and words disagree, by period.
    let mismatches: [Period: ScoreWordMismatches]
    /// Themes and suggested phrases tested for a rise in their share of the comments, by period.
    let risingTopics: [RisingTopic]
    /// Each segment against the company at the headline's level, by period.
    let segmentComparisons: [SegmentComparison]
    /// Each headline change split into the parts that add up to it, by period.
    let contributions: [ChangeContribution]
    /// How many responses at each touchpoint mention each theme, by theme id and period.
    let themeMentions: [String: [Period: [(touchpoint: String, mentions: Int)]]]

    /// How strongly a touchpoint's CSAT or CES moves with the same people's NPS in a period.
    struct Driver: Sendable {
        var period: Period
        var metric: SurveyMetric
        var touchpoint: String
        var correlation: SurveyStatistics.Correlation
        /// The ranks it could hold among its period's drivers, given their intervals
        /// (``SurveyStatistics/rankRanges(_:)``).
        var ranks: ClosedRange<Int> = 1...1
    }

    /// The false discovery rate over each family of change tests.
    static let falseDiscoveryRate = 0.05
    /// How many periods, at most, a trend is fitted to.
    static let trendPeriods = 8

    /// Joins computed values and snapshots: warns where a snapshot is replaced by a value
    /// computed from responses, and reports a snapshot value given twice. `today` decides
    /// which period is partial.
    static func make(
        config: SiteConfig, snapshots: [MetricSnapshot], responses: ResponseAggregates,
        content: Content, today: Day
    ) -> (Scorecard, [Diagnostic]) {
        var (responses, diagnostics) = joined(responses, content.tallies, config: config, content: content)
        var series: [Key: [Period: Point]] = [:]
        var warned: Set<String> = []
        var given: [PointKey: SourceLocation] = [:]
        for row in snapshots {
            let sourceKey = ResponseAggregates.sourceKey(row.metric, row.period)
            if let files = responses.sources[sourceKey] {
                let warningKey = sourceKey + " " + row.location.path
                if warned.insert(warningKey).inserted {
                    diagnostics.append(
                        content.diagnostic(
                            "\(row.metric) for \(row.period) is computed from \(files.sorted().joined(separator: ", ")); the snapshot values in this file are ignored",
                            at: row.location, .warning))
                }
                continue
            }
            let group = row.group
            if let first = given.updateValue(row.location, forKey: PointKey(metric: row.metric, group: group, period: row.period)) {
                diagnostics.append(
                    content.diagnostic(
                        "\(row.metric) for \(row.period)\(group.phrase) is given twice: also at \(first.path):\(first.line); keep one",
                        at: row.location))
                continue
            }
            let point = Point(
                period: row.period, value: row.value, n: row.n,
                target: row.target,
                suppressed: row.n.map { $0 < config.minimumN } ?? false)
            series[Key(metric: row.metric, group: group), default: [:]][row.period] = point
        }
        // A level that holds every response of each period is everyone, not a level. Once it
        // differs in one period it is kept in all: a headline may follow it.
        let levels = responses.totals.compactMap { key, totals -> Key? in
            guard key.group == .relationship || key.group == .transactional,
                responses.totals[ResponseAggregates.Key(metric: key.metric, period: key.period, group: .all)]?.n != totals.n
            else { return nil }
            return Key(metric: key.metric.rawValue, group: key.group)
        }
        let levelsApart = Set(levels)
        for (key, totals) in responses.totals {
            if key.group == .relationship || key.group == .transactional,
                !levelsApart.contains(Key(metric: key.metric.rawValue, group: key.group))
            {
                continue
            }
            let designEffect = Self.designEffect(of: key, responses)
            guard let estimate = totals.estimate(key.metric, designEffect: designEffect) else { continue }
            let effectiveN = totals.effectiveN / designEffect
            let point = Point(
                period: key.period, value: estimate.value, n: totals.n,
                effectiveN: totals.isWeighted || designEffect > 1 ? effectiveN : nil,
                standardError: estimate.standardError, interval: estimate.interval, totals: totals,
                suppressed: effectiveN < Double(config.minimumN))
            series[Key(metric: key.metric.rawValue, group: key.group), default: [:]][key.period] = point
        }
        // The target is the headline's.
        for key in series.keys where key.group == headline(key.metric, in: series.keys, config: config) {
            guard let target = config.metric(key.metric)?.target else { continue }
            series[key] = series[key]?.mapValues { point in
                var point = point
                point.target = point.target ?? target
                return point
            }
        }
        let sorted = series.mapValues { $0.values.sorted { $0.period < $1.period } }
        let current = Period(containing: today, kind: config.period)
        let partial = today < current.last ? PartialPeriod(period: current, through: today) : nil
        let changes = Self.changes(in: sorted, partial: partial?.period)
        var mentions: [String: [Period: [(touchpoint: String, mentions: Int)]]] = [:]
        for (key, totals) in responses.themeTotals where key.key.metric == .nps {
            if let touchpoint = key.key.group.touchpoint {
                mentions[key.theme, default: [:]][key.key.period, default: []].append((touchpoint, totals.n))
            }
        }
        let suggested = SuggestedTheme.all(responses.phrases, themes: content.themes)
        let splitter = ChangeSplitter(responses: responses, config: config)
        let headlines = SurveyMetric.allCases.map { metric -> (SurveyMetric, Group, [Point]) in
            let level = headline(metric.rawValue, in: sorted.keys, config: config)
            return (metric, level, sorted[Key(metric: metric.rawValue, group: level), default: []])
        }
        mentions = mentions.mapValues { $0.mapValues { $0.sorted { ($1.mentions, $0.touchpoint) < ($0.mentions, $1.touchpoint) } } }
        return (
            Scorecard(
                config: config, series: sorted, changes: changes, partial: partial,
                drivers: Self.drivers(responses.driverPairs, config: config),
                themeImpacts: ThemeImpact.all(responses, themes: content.themes, config: config),
                suggestedThemes: suggested,
                mismatches: responses.mismatches,
                risingTopics: RisingTopic.all(responses, suggested: suggested, themes: content.themes, partial: partial?.period),
                segmentComparisons: splitter.segmentComparisons(headlines),
                contributions: splitter.all(
                    headlines.flatMap { metric, level, points in
                        points.compactMap { point in
                            changes[PointKey(metric: metric.rawValue, group: level, period: point.period)].map {
                                (metric, level, point, $0.previous)
                            }
                        }
                    }),
                themeMentions: mentions), diagnostics
        )
    }

    /// The responses' totals with the tallies' added: a metric and period comes from raw
    /// responses or from tallies, never both, and a tally gives each group once.
    private static func joined(
        _ responses: ResponseAggregates, _ tallies: [MetricTally], config: SiteConfig,
        content: Content
    ) -> (ResponseAggregates, [Diagnostic]) {
        var joined = responses
        var diagnostics: [Diagnostic] = []
        var given: [ResponseAggregates.Key: SourceLocation] = [:]
        var reported: Set<String> = []
        for tally in tallies {
            let sourceKey = ResponseAggregates.sourceKey(tally.metric.rawValue, tally.period)
            if let files = responses.sources[sourceKey] {
                if reported.insert(sourceKey + " " + tally.location.path).inserted {
                    diagnostics.append(
                        content.diagnostic(
                            "\(tally.metric.rawValue) for \(tally.period) is both in \(files.sorted().joined(separator: ", ")) and in this tally: give each period from one source",
                            at: tally.location))
                }
                continue
            }
            let key = ResponseAggregates.Key(metric: tally.metric, period: tally.period, group: tally.group)
            if let first = given.updateValue(tally.location, forKey: key) {
                diagnostics.append(
                    content.diagnostic(
                        "\(tally.metric.rawValue) for \(tally.period)\(tally.group.phrase) is tallied twice: also at \(first.path):\(first.line); keep one",
                        at: tally.location))
                continue
            }
            joined.totals[key] = tally.totals
            joined.sources[sourceKey, default: []].insert(tally.location.path)
            if let pairs = tally.driverPairs, let touchpoint = tally.group.touchpoint,
                let place = config.touchpoints.firstIndex(where: { $0.id == touchpoint }).flatMap({ Int16(exactly: $0) })
            {
                joined.driverPairs[DriverKey(period: Int32(tally.period.ordinal), metric: tally.metric, touchpoint: place)] = pairs
            }
        }
        return (joined, diagnostics)
    }

    /// The drivers with at least `min_n` linked respondents and the ranks each could hold, by
    /// period and then from the strongest r down.
    private static func drivers(_ pairs: [DriverKey: PairSums], config: SiteConfig) -> [Driver] {
        let drivers = pairs.compactMap { key, sums -> Driver? in
            guard sums.n >= config.minimumN, config.touchpoints.indices.contains(Int(key.touchpoint)),
                let correlation = SurveyStatistics.correlation(n: sums.n, x: sums.x, y: sums.y, xx: sums.xx, yy: sums.yy, xy: sums.xy)
            else { return nil }
            return Driver(
                period: Period(ordinal: Int(key.period), kind: config.period), metric: key.metric,
                touchpoint: config.touchpoints[Int(key.touchpoint)].id, correlation: correlation)
        }
        return Dictionary(grouping: drivers, by: \.period).values.flatMap { period in
            zip(period, SurveyStatistics.rankRanges(period.map { $0.correlation.low...$0.correlation.high })).map { driver, ranks in
                var driver = driver
                driver.ranks = ranks
                return driver
            }
        }.sorted {
            ($0.period, -$0.correlation.r, $0.metric.rawValue, $0.touchpoint) < ($1.period, -$1.correlation.r, $1.metric.rawValue, $1.touchpoint)
        }
    }

    /// The drivers of `period`, strongest first.
    func drivers(in period: Period) -> [Driver] { drivers.filter { $0.period == period } }

    /// The design effect of people answering a metric more than once in `key`'s period
    /// (docs/metrics.md): measured for everyone and the two levels; a segment takes
    /// everyone's, as a person's answers stay in their segment; touchpoints and journeys, where
    /// a person rarely answers twice, take none, and so does a weighted CES, whose unweighted
    /// sums are not kept.
    private static func designEffect(of key: ResponseAggregates.Key, _ responses: ResponseAggregates) -> Double {
        let measured: Scorecard.Group
        switch key.group {
        case .all, .segment: measured = .all
        case .relationship, .transactional: measured = key.group
        case .touchpoint, .journey: return 1
        }
        let period = Int32(key.period.ordinal)
        guard let sums = responses.clusters[ClusterKey(period: period, metric: key.metric, group: measured)],
            let totals = responses.totals[ResponseAggregates.Key(metric: key.metric, period: key.period, group: measured)]
        else { return 1 }
        let (total, squares): (Double, Double)
        switch key.metric {
        case .nps: (total, squares) = (Double(totals.promoters - totals.detractors), Double(totals.promoters + totals.detractors))
        case .csat: (total, squares) = (Double(totals.satisfied), Double(totals.satisfied))
        case .ces:
            guard !totals.isWeighted else { return 1 }
            (total, squares) = (totals.weighted.scores, totals.weighted.scoreSquares)
        }
        return sums.designEffect(total: total, squares: squares, n: totals.n)
    }

    /// Every change from one period to the one before, where both values are shown and the
    /// newer period is complete, with significance decided family by family.
    private static func changes(in series: [Key: [Point]], partial: Period?) -> [PointKey: Change] {
        var changes: [PointKey: Change] = [:]
        for (key, points) in series {
            let byPeriod = Dictionary(points.map { ($0.period, $0) }, uniquingKeysWith: { $1 })
            for point in points where point.period != partial && !point.suppressed {
                guard let previous = byPeriod[point.period.previous], !previous.suppressed else { continue }
                let test = SurveyStatistics.change(from: previous.estimate, to: point.estimate)
                // Without a z (snapshots, no spread) or with a single response, there is no test.
                let tested = test.z != nil && (point.n ?? 0) > 1 && (previous.n ?? 0) > 1
                changes[PointKey(metric: key.metric, group: key.group, period: point.period)] =
                    Change(previous: previous, delta: test.delta, p: tested ? test.p : nil, isSignificant: nil)
            }
        }
        // One family a period: a leader reads the period's page as one set of claims, so the
        // chance of any false "significant change" on it is what is held at q.
        let families = Dictionary(grouping: changes.keys.filter { changes[$0]?.p != nil }, by: \.period)
        for members in families.values {
            let decisions = SurveyStatistics.benjaminiHochberg(members.map { changes[$0]!.p! }, q: falseDiscoveryRate)
            for (member, significant) in zip(members, decisions) { changes[member]?.isSignificant = significant }
        }
        return changes
    }

    /// Metrics that have at least one overall value, in config order.
    var metrics: [MetricDefinition] {
        config.metrics.filter { series[Key(metric: $0.id, group: .all)] != nil }
    }

    /// The group a metric's headline shows (docs/metrics.md, "Three levels"): the level
    /// `headline_level` names where the site asks at several levels, everyone otherwise.
    func headline(_ metric: String) -> Group { Self.headline(metric, in: series.keys, config: config) }

    private static func headline(_ metric: String, in keys: some Collection<Key>, config: SiteConfig) -> Group {
        let level: Group =
            switch config.headlineLevel {
            case .relationship: .relationship
            case .transactional: .transactional
            case .all: .all
            }
        return keys.contains(Key(metric: metric, group: level)) ? level : .all
    }

    func points(_ metric: String, _ group: Group = .all) -> [Point] {
        series[Key(metric: metric, group: group)] ?? []
    }

    func point(_ metric: String, _ group: Group = .all, in period: Period) -> Point? {
        points(metric, group).last { $0.period == period }
    }

    /// The change from the period just before `point`'s, when both are shown and `point`'s
    /// period is complete.
    func change(_ metric: String, _ group: Group = .all, at point: Point) -> Change? {
        changes[PointKey(metric: metric, group: group, period: point.period)]
    }

    /// The trend of the last up to ``trendPeriods`` complete, shown periods up to `point`'s,
    /// when at least three of them carry a standard error; none for the partial period.
    func trend(_ metric: String, _ group: Group = .all, through point: Point) -> SurveyStatistics.Trend? {
        guard point.period != partial?.period else { return nil }
        let fitted = points(metric, group).filter { $0.period <= point.period && $0.period != partial?.period && !$0.suppressed }
            .suffix(Self.trendPeriods)
        return SurveyStatistics.trend(
            fitted.compactMap { point in
                point.standardError.map { (Double(point.period.ordinal), point.value, $0) }
            })
    }

    /// The latest value of `metric` for `group` in a complete period, or the partial one when
    /// there is no other: what a headline shows.
    func latest(_ metric: String, _ group: Group = .all) -> Point? {
        let points = points(metric, group)
        return points.last { $0.period != partial?.period } ?? points.last
    }

    /// `Q3 2026`, or for the partial period `Q4 2026 to date (15 November)`.
    func label(of period: Period) -> String {
        guard let partial, partial.period == period else { return period.label }
        return "\(period.label) to date (\(partial.through.day) \(Day.monthNames[partial.through.month - 1]))"
    }

    /// The customers who joined and left in one period (`customers:` in cxsite.yaml).
    struct CustomerFlowPoint: Sendable {
        var period: Period
        var gained: Double
        var lost: Double
        /// The customer base, when counted.
        var base: Double?
        /// The leavers' share of revenue, in the unit of its metric, when given.
        var revenueLost: Double?

        var net: Double { gained - lost }
        /// Those who left as a share of the base, in percent.
        var lostShare: Double? { base.flatMap { $0 > 0 ? lost / $0 * 100 : nil } }
    }

    /// Every period that counts both the customers gained and lost, oldest first.
    var customerFlow: [CustomerFlowPoint] {
        guard let flow = config.customers else { return [] }
        return points(flow.gained).compactMap { gained in
            guard let lost = point(flow.lost, in: gained.period) else { return nil }
            return CustomerFlowPoint(
                period: gained.period, gained: gained.value, lost: lost.value,
                base: flow.base.flatMap { point($0, in: gained.period)?.value },
                revenueLost: flow.revenueLost.flatMap { point($0, in: gained.period)?.value })
        }
    }

    /// Segments that have values for `metric`, sorted by name.
    func segments(of metric: String) -> [String] {
        series.keys.compactMap { $0.metric == metric ? $0.group.segment : nil }.sorted()
    }

    /// Every value, for `scorecard.json`: metric by metric in config order, then by period,
    /// everyone first, then segments by name, the relationship, journeys and all touchpoints,
    /// then touchpoints in inventory order.
    var allPoints: [(metric: MetricDefinition, group: Group, point: Point)] {
        var rows: [(MetricDefinition, Group, Point)] = []
        for metric in config.metrics {
            var groups: [Group] = [.all]
            groups += segments(of: metric.id).map(Group.segment)
            groups += [.relationship] + config.journeys.map { Group.journey($0.id) } + [.transactional]
            groups += config.touchpoints.map { Group.touchpoint($0.id) }
            let periods = Set(groups.flatMap { points(metric.id, $0).map(\.period) }).sorted()
            for period in periods {
                for group in groups {
                    if let point = point(metric.id, group, in: period) { rows.append((metric, group, point)) }
                }
            }
        }
        return rows
    }
}
