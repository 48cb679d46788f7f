/// Metric values by period, overall and broken down by touchpoint and segment.
struct Scorecard: Sendable {
    /// One value of a metric in one period for one group.
    struct Point: Sendable {
        var period: Period
        var value: Double
        var n: Int?
        var target: Double?
    }

    /// Which customers a value covers: everyone, one segment, or one touchpoint.
    enum Group: Hashable, Sendable {
        case all
        case segment(String)
        case touchpoint(String)
    }

    struct Key: Hashable, Sendable {
        var metric: String
        var group: Group
    }

    let config: SiteConfig
    /// Points sorted by period, per metric and group.
    let series: [Key: [Point]]

    init(config: SiteConfig, snapshots: [MetricSnapshot]) {
        self.config = config
        var series: [Key: [Point]] = [:]
        for row in snapshots {
            let group: Group = row.touchpoint.map(Group.touchpoint) ?? row.segment.map(Group.segment) ?? .all
            let point = Point(period: row.period, value: row.value, n: row.n,
                              target: row.target ?? (group == .all ? config.metric(row.metric)?.target : nil))
            series[Key(metric: row.metric, group: group), default: []].append(point)
        }
        for key in series.keys {
            // The last row given for a period wins; files are read in name order.
            var byPeriod: [Period: Point] = [:]
            for point in series[key]! { byPeriod[point.period] = point }
            series[key] = byPeriod.values.sorted { $0.period < $1.period }
        }
        self.series = series
    }

    /// Metrics that have at least one overall value, in config order.
    var metrics: [MetricDefinition] {
        config.metrics.filter { series[Key(metric: $0.id, group: .all)] != nil }
    }

    /// Every period that has a value, oldest first.
    var periods: [Period] {
        Set(series.values.flatMap { $0.map(\.period) }).sorted()
    }

    func points(_ metric: String, _ group: Group = .all) -> [Point] {
        series[Key(metric: metric, group: group)] ?? []
    }

    func point(_ metric: String, _ group: Group = .all, in period: Period) -> Point? {
        points(metric, group).last { $0.period == period }
    }

    /// Segments that have values for `metric`, sorted by name.
    func segments(of metric: String) -> [String] {
        series.keys.compactMap { key -> String? in
            guard key.metric == metric, case .segment(let name) = key.group else { return nil }
            return name
        }.sorted()
    }
}
