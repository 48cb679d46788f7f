import Mustache

/// `scorecard.json`: every value of the scorecard for other tools, one object per metric ×
/// period × group, keys in a fixed order so two builds give the same bytes. Values below
/// `min_n` keep their numbers here, marked `"suppressed": true`.
///
/// Each list is a typed row; its `columns` name every key once, in the order written.
struct ScorecardExport {
    var metrics: [Metric]
    var drivers: [Driver]
    var themes: [Theme]
    var suggestedThemes: [SuggestedTheme]
    var customers: [Customers]
    var changes: [Change]
    var rising: [Rising]
    var benchmarks: [BenchmarkRow]

    init(_ scorecard: Scorecard) {
        metrics = scorecard.allPoints.map { Metric(metric: $0, group: $1, point: $2, in: scorecard) }
        drivers = scorecard.drivers.map(Driver.init)
        themes = scorecard.themeImpacts.map(Theme.init)
        suggestedThemes = scorecard.suggestedThemes.map(SuggestedTheme.init)
        customers = scorecard.customerFlow.map(Customers.init)
        changes = scorecard.contributions.map(Change.init)
        rising = scorecard.risingTopics.map(Rising.init)
        benchmarks = scorecard.config.metrics.flatMap { metric in metric.benchmarks.map { BenchmarkRow(metric: metric.id, $0) } }
    }

    /// The file's bytes: an object of lists, one row per line.
    var json: [UInt8] {
        let lists = [
            ("metrics", lines(metrics)), ("drivers", lines(drivers)), ("themes", lines(themes)),
            ("suggested_themes", lines(suggestedThemes)), ("customers", lines(customers)),
            ("changes", lines(changes)), ("rising", lines(rising)),
            ("benchmarks", lines(benchmarks)),
        ]
        let body = lists.map { key, rows in "\"\(key)\": [\n" + rows.joined(separator: ",\n") + (rows.isEmpty ? "" : "\n") + "]" }
        return Array(("{" + body.joined(separator: ",\n") + "}\n").utf8)
    }

    private func lines<Row: ExportRow>(_ rows: [Row]) -> [String] {
        let columns = Row.columns
        return rows.map { row in
            let fields = columns.compactMap { column in column.value(row).map { "\"\(column.key)\": \($0)" } }
            return "    {" + fields.joined(separator: ", ") + "}"
        }
    }

    /// A metric's value for one period and group, with its change and trend.
    struct Metric: ExportRow {
        var metric: String
        var period: String
        var segment: String?
        var touchpoint: String?
        var level: String
        var journey: String?
        var n: Int?
        var effectiveN: Double?
        var value: Double
        var low: Double?
        var high: Double?
        var margin: Double?
        var previous: Double?
        var delta: Double?
        var p: Double?
        var significant: Bool?
        var trend: String?
        var trendSlope: Double?
        var trendP: Double?
        var suppressed: Bool
        var partial: Bool
        /// The value is its metric's headline: the relationship level where a site asks at
        /// several, everyone's (the pooled figure) otherwise.
        var headline: Bool
        var target: Double?
        /// NPS only, when the answers are known.
        var promoters: Int?
        var passives: Int?
        var detractors: Int?

        static var columns: [ExportColumn<Self>] {
            [
                .init("metric", \.metric), .init("period", \.period), .init("segment", \.segment),
                .init("touchpoint", \.touchpoint), .init("level", \.level), .init("journey", \.journey), .init("n", \.n),
                .init("n_eff", \.effectiveN), .init("value", \.value), .init("low", \.low), .init("high", \.high),
                .init("margin", \.margin), .init("previous", \.previous), .init("delta", \.delta), .init("p", \.p),
                .init("significant", \.significant), .init("trend", \.trend), .init("trend_slope", \.trendSlope),
                .init("trend_p", \.trendP), .init("suppressed", \.suppressed), .init("partial", \.partial),
                .init("headline", \.headline),
                .init("target", omittedWhenNil: \.target), .init("promoters", omittedWhenNil: \.promoters),
                .init("passives", omittedWhenNil: \.passives), .init("detractors", omittedWhenNil: \.detractors),
            ]
        }

        init(metric: MetricDefinition, group: Scorecard.Group, point: Scorecard.Point, in scorecard: Scorecard) {
            let change = scorecard.change(metric.id, group, at: point)
            let trend = point.suppressed ? nil : scorecard.trend(metric.id, group, through: point)
            self.metric = metric.id
            period = point.period.description
            segment = group.segment
            touchpoint = group.touchpoint
            level = group.level
            journey = group.journey
            n = point.n
            effectiveN = point.effectiveN ?? point.n.map(Double.init)
            value = point.value
            low = point.interval?.lowerBound
            high = point.interval?.upperBound
            margin = point.margin
            previous = change?.previous.value
            delta = change?.delta
            p = change?.p
            significant = change?.isSignificant
            self.trend = trend?.direction.rawValue
            trendSlope = trend?.slope
            trendP = trend?.p
            suppressed = point.suppressed
            partial = point.period == scorecard.partial?.period
            headline = group == scorecard.headline(metric.id)
            target = point.target
            if metric.id == "nps", let totals = point.totals, totals.countsKnown {
                (promoters, passives, detractors) = (totals.promoters, totals.passives, totals.detractors)
            }
        }
    }

    /// How a touchpoint's score goes with the relationship metric, in one period.
    struct Driver: ExportRow {
        var period: String
        var metric: String
        var touchpoint: String
        var n: Int
        var r: Double
        var low: Double
        var high: Double
        var significant: Bool
        /// The ranks it could hold among the period's drivers, given the intervals.
        var rankBest: Int
        var rankWorst: Int

        static var columns: [ExportColumn<Self>] {
            [
                .init("period", \.period), .init("metric", \.metric), .init("touchpoint", \.touchpoint), .init("n", \.n),
                .init("r", \.r), .init("low", \.low), .init("high", \.high), .init("significant", \.significant),
                .init("rank_best", \.rankBest), .init("rank_worst", \.rankWorst),
            ]
        }

        init(_ driver: Scorecard.Driver) {
            period = driver.period.description
            metric = driver.metric.rawValue
            touchpoint = driver.touchpoint
            n = driver.correlation.n
            r = driver.correlation.r
            (rankBest, rankWorst) = (driver.ranks.lowerBound, driver.ranks.upperBound)
            low = driver.correlation.low
            high = driver.correlation.high
            significant = driver.correlation.isSignificant
        }
    }

    /// What a theme's mentions go with in a metric, in one period.
    struct Theme: ExportRow {
        var theme: String
        var period: String
        var metric: String
        var mentions: Int
        var share: Double?
        var valueWith: Double
        var valueWithout: Double
        var impact: Double
        var low: Double?
        var high: Double?
        var negativeShare: Double?
        var suppressed: Bool

        static var columns: [ExportColumn<Self>] {
            [
                .init("theme", \.theme), .init("period", \.period), .init("metric", \.metric), .init("mentions", \.mentions),
                .init("share", \.share), .init("value_with", \.valueWith), .init("value_without", \.valueWithout),
                .init("impact", \.impact), .init("low", \.low), .init("high", \.high), .init("negative_share", \.negativeShare),
                .init("suppressed", \.suppressed),
            ]
        }

        init(_ impact: CXCore.ThemeImpact) {
            theme = impact.theme.id
            period = impact.period.description
            metric = impact.metric.rawValue
            mentions = impact.mentions
            share = impact.share
            valueWith = impact.valueWith
            valueWithout = impact.valueWithout
            self.impact = impact.impact
            low = impact.interval?.lowerBound
            high = impact.interval?.upperBound
            negativeShare = impact.negativeShare
            suppressed = impact.suppressed
        }
    }

    /// A phrase that detractors use more than promoters, not yet a theme.
    struct SuggestedTheme: ExportRow {
        var period: String
        var phrase: String
        var z: Double
        var detractors: Int
        var promoters: Int

        static var columns: [ExportColumn<Self>] {
            [
                .init("period", \.period), .init("phrase", \.phrase), .init("z", \.z), .init("detractors", \.detractors),
                .init("promoters", \.promoters),
            ]
        }

        init(_ suggestion: CXCore.SuggestedTheme) {
            period = suggestion.period.description
            phrase = suggestion.phrase
            z = suggestion.z
            detractors = suggestion.detractors
            promoters = suggestion.promoters
        }
    }

    /// Customers gained and lost in one period.
    struct Customers: ExportRow {
        var period: String
        var gained: Double
        var lost: Double
        var net: Double
        var base: Double?
        var lostShare: Double?
        var revenueLost: Double?

        static var columns: [ExportColumn<Self>] {
            [
                .init("period", \.period), .init("gained", \.gained), .init("lost", \.lost), .init("net", \.net),
                .init("base", \.base), .init("lost_share", \.lostShare), .init("revenue_lost", \.revenueLost),
            ]
        }

        init(_ flow: Scorecard.CustomerFlowPoint) {
            period = flow.period.description
            gained = flow.gained
            lost = flow.lost
            net = flow.net
            base = flow.base
            lostShare = flow.lostShare
            revenueLost = flow.revenueLost
        }
    }
}

extension ScorecardExport {
    /// One group's part of a headline change (or of a segment's change at the headline's
    /// level): each split's parts, `"id": "other"` among them, add up to the change.
    struct Change: ExportRow {
        var period: String
        var metric: String
        var segment: String?
        var by: String
        var id: String
        var contribution: Double
        var low: Double?
        var high: Double?
        var mix: Double
        var within: Double
        var share: Double
        var previousShare: Double

        static var columns: [ExportColumn<Self>] {
            [
                .init("period", \.period), .init("metric", \.metric), .init("segment", \.segment), .init("by", \.by),
                .init("id", \.id), .init("contribution", \.contribution), .init("low", \.low), .init("high", \.high),
                .init("mix", \.mix), .init("within", \.within), .init("share", \.share), .init("previous_share", \.previousShare),
            ]
        }

        init(_ part: ChangeContribution) {
            period = part.period.description
            metric = part.metric.rawValue
            segment = part.segment
            by = part.by.rawValue
            id = part.id ?? "other"
            contribution = part.contribution
            low = part.interval?.lowerBound
            high = part.interval?.upperBound
            mix = part.mix
            within = part.within
            share = part.share
            previousShare = part.previousShare
        }
    }
}

extension ScorecardExport {
    /// An industry or competitor figure for a metric, as `cxsite.yaml` gives it.
    struct BenchmarkRow: ExportRow {
        var metric: String
        var name: String
        var value: Double
        var source: String
        var date: String

        static var columns: [ExportColumn<Self>] {
            [.init("metric", \.metric), .init("name", \.name), .init("value", \.value), .init("source", \.source), .init("date", \.date)]
        }

        init(metric: String, _ benchmark: Benchmark) {
            self.metric = metric
            name = benchmark.name
            value = benchmark.value
            source = benchmark.source
            date = benchmark.date.description
        }
    }

    /// A theme or suggested phrase tested for a rise in its share of the comments.
    struct Rising: ExportRow {
        var period: String
        var theme: String?
        var phrase: String?
        var mentions: Int
        var comments: Int
        var share: Double
        var baselineMentions: Int
        var baselineComments: Int
        var baselineShare: Double
        var baselinePeriods: Int
        var p: Double
        var rising: Bool

        static var columns: [ExportColumn<Self>] {
            [
                .init("period", \.period), .init("theme", \.theme), .init("phrase", \.phrase), .init("mentions", \.mentions),
                .init("comments", \.comments), .init("share", \.share), .init("baseline_mentions", \.baselineMentions),
                .init("baseline_comments", \.baselineComments), .init("baseline_share", \.baselineShare),
                .init("baseline_periods", \.baselinePeriods), .init("p", \.p), .init("rising", \.rising),
            ]
        }

        init(_ topic: RisingTopic) {
            period = topic.period.description
            theme = topic.theme
            phrase = topic.phrase
            mentions = topic.mentions
            comments = topic.comments
            share = topic.share
            baselineMentions = topic.baselineMentions
            baselineComments = topic.baselineComments
            baselineShare = topic.baselineShare
            baselinePeriods = topic.baselinePeriods
            p = topic.p
            rising = topic.isRising
        }
    }
}

/// A row of `scorecard.json`: its keys and how each is read, in the order written.
protocol ExportRow {
    static var columns: [ExportColumn<Self>] { get }
}

/// One key of a row, and its value as JSON (nil when the key is left out).
struct ExportColumn<Row> {
    let key: String
    let value: (Row) -> String?

    /// A key always written: `null` when the value is nil.
    init<Value: JSONLiteral>(_ key: String, _ path: KeyPath<Row, Value>) {
        self.key = key
        value = { $0[keyPath: path].json }
    }

    /// A key written only when it has a value.
    init<Value: JSONLiteral>(_ key: String, omittedWhenNil path: KeyPath<Row, Value?>) {
        self.key = key
        value = { $0[keyPath: path]?.json }
    }
}

/// A value written as a JSON literal.
protocol JSONLiteral {
    var json: String { get }
}

extension Int: JSONLiteral {
    var json: String { String(self) }
}

extension Bool: JSONLiteral {
    var json: String { self ? "true" : "false" }
}

extension Double: JSONLiteral {
    /// Integers without a fraction, others unrounded (as Mustache prints them); JSON has no
    /// NaN or infinity, so those are `null`.
    var json: String { isFinite ? MustacheValue.double(self).interpolatedText : "null" }
}

extension Optional: JSONLiteral where Wrapped: JSONLiteral {
    var json: String { self?.json ?? "null" }
}

extension String: JSONLiteral {
    /// A JSON string literal; `<`, `>` and `&` escaped, harmless should the JSON ever be
    /// pasted into HTML.
    var json: String {
        var result = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c"
            case ">": result += "\\u003e"
            case "&": result += "\\u0026"
            case _ where scalar.value < 0x20:
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
