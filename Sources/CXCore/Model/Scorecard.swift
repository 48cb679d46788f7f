import Diagnostics

/// Metric values by period, overall and broken down by touchpoint and segment: computed from
/// raw responses where there are some, taken from snapshot files otherwise.
struct Scorecard: Sendable {
    /// One value of a metric in one period for one group.
    struct Point: Sendable {
        var period: Period
        var value: Double
        var n: Int?
        var target: Double?
        /// Only for values computed from responses.
        var standardError: Double?
        var totals: ResponseTotals?

        var estimate: SurveyEstimate { SurveyEstimate(value: value, standardError: standardError) }
        /// The 95% margin of error.
        var margin: Double? { estimate.margin }
    }

    /// Which customers a value covers: everyone, one segment, or one touchpoint.
    enum Group: Hashable, Sendable, Codable {
        case all
        case segment(String)
        case touchpoint(String)

        var segment: String? {
            if case .segment(let name) = self { return name }
            return nil
        }

        var touchpoint: String? {
            if case .touchpoint(let id) = self { return id }
            return nil
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
            default: throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "no such group")
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .all:
                try container.encode("all", forKey: .kind)
                try container.encode("", forKey: .name)
            case .segment(let name):
                try container.encode("segment", forKey: .kind)
                try container.encode(name, forKey: .name)
            case .touchpoint(let id):
                try container.encode("touchpoint", forKey: .kind)
                try container.encode(id, forKey: .name)
            }
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
        /// nil when the values carry no margins (snapshots), so significance is unknown.
        var isSignificant: Bool?
    }

    let config: SiteConfig
    /// Points sorted by period, per metric and group.
    let series: [Key: [Point]]

    /// Joins computed values and snapshots; warns where a snapshot is replaced by a value
    /// computed from responses.
    static func make(config: SiteConfig, snapshots: [MetricSnapshot], responses: ResponseAggregates,
                     content: Content) -> (Scorecard, [Diagnostic]) {
        var series: [Key: [Period: Point]] = [:]
        var warnings: [Diagnostic] = []
        var warned: Set<String> = []
        for row in snapshots {
            let sourceKey = ResponseAggregates.sourceKey(row.metric, row.period)
            if let files = responses.sources[sourceKey] {
                let warningKey = sourceKey + " " + row.location.path
                if warned.insert(warningKey).inserted {
                    warnings.append(content.diagnostic(
                        "\(row.metric) for \(row.period) is computed from \(files.sorted().joined(separator: ", ")); the snapshot values in this file are ignored",
                        at: row.location, .warning))
                }
                continue
            }
            let group: Group = row.touchpoint.map(Group.touchpoint) ?? row.segment.map(Group.segment) ?? .all
            let point = Point(period: row.period, value: row.value, n: row.n,
                              target: row.target ?? (group == .all ? config.metric(row.metric)?.target : nil))
            series[Key(metric: row.metric, group: group), default: [:]][row.period] = point  // last row wins
        }
        for (key, totals) in responses.totals {
            guard let estimate = totals.estimate(key.metric) else { continue }
            let point = Point(period: key.period, value: estimate.value, n: totals.n,
                              target: key.group == .all ? config.metric(key.metric.rawValue)?.target : nil,
                              standardError: estimate.standardError, totals: totals)
            series[Key(metric: key.metric.rawValue, group: key.group), default: [:]][key.period] = point
        }
        let sorted = series.mapValues { $0.values.sorted { $0.period < $1.period } }
        return (Scorecard(config: config, series: sorted), warnings)
    }

    /// Metrics that have at least one overall value, in config order.
    var metrics: [MetricDefinition] {
        config.metrics.filter { series[Key(metric: $0.id, group: .all)] != nil }
    }

    func points(_ metric: String, _ group: Group = .all) -> [Point] {
        series[Key(metric: metric, group: group)] ?? []
    }

    func point(_ metric: String, _ group: Group = .all, in period: Period) -> Point? {
        points(metric, group).last { $0.period == period }
    }

    /// The change from the period just before `point`'s, when there is a value for it.
    func change(_ metric: String, _ group: Group = .all, at point: Point) -> Change? {
        guard let previous = self.point(metric, group, in: point.period.previous) else { return nil }
        let test = SurveyStatistics.change(from: previous.estimate, to: point.estimate)
        // Without a z (snapshots, no spread) or with a single response, significance is unknown.
        let known = test.z != nil && (point.n ?? 0) > 1 && (previous.n ?? 0) > 1
        return Change(previous: previous, delta: test.delta, isSignificant: known ? test.isSignificant : nil)
    }

    /// Segments that have values for `metric`, sorted by name.
    func segments(of metric: String) -> [String] {
        series.keys.compactMap { $0.metric == metric ? $0.group.segment : nil }.sorted()
    }

    /// Every value, for `scorecard.json`: metric by metric in config order, then by period,
    /// everyone first, then segments by name, then touchpoints in journey order.
    var allPoints: [(metric: MetricDefinition, group: Group, point: Point)] {
        var rows: [(MetricDefinition, Group, Point)] = []
        for metric in config.metrics {
            var groups: [Group] = [.all]
            groups += segments(of: metric.id).map(Group.segment)
            groups += config.journey.map { Group.touchpoint($0.id) }
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
