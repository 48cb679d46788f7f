import Mustache

/// `scorecard.json`: every value of the scorecard for other tools, one object per metric ×
/// period × group, keys in a fixed order so two builds give the same bytes. Values below
/// `min_n` keep their numbers here, marked `"suppressed": true`.
enum ScorecardExport {
    static func json(_ scorecard: Scorecard) -> [UInt8] {
        let rows = scorecard.allPoints.map { metric, group, point -> String in
            let change = scorecard.change(metric.id, group, at: point)
            let trend = point.suppressed ? nil : scorecard.trend(metric.id, group, through: point)
            var fields: [(String, String)] = [
                ("metric", string(metric.id)),
                ("period", string(point.period.description)),
                ("segment", group.segment.map(string) ?? "null"),
                ("touchpoint", group.touchpoint.map(string) ?? "null"),
                ("level", string(group.level)),
                ("journey", group.journey.map(string) ?? "null"),
                ("n", point.n.map(String.init) ?? "null"),
                ("n_eff", point.effectiveN.map(number) ?? point.n.map(String.init) ?? "null"),
                ("value", number(point.value)),
                ("low", point.interval.map { number($0.lowerBound) } ?? "null"),
                ("high", point.interval.map { number($0.upperBound) } ?? "null"),
                ("margin", point.margin.map(number) ?? "null"),
                ("previous", change.map { number($0.previous.value) } ?? "null"),
                ("delta", change.map { number($0.delta) } ?? "null"),
                ("p", change?.p.map(number) ?? "null"),
                ("significant", change?.isSignificant.map { $0 ? "true" : "false" } ?? "null"),
                ("trend", trend.map { string($0.direction.rawValue) } ?? "null"),
                ("trend_slope", trend.map { number($0.slope) } ?? "null"),
                ("trend_p", trend.map { number($0.p) } ?? "null"),
                ("suppressed", point.suppressed ? "true" : "false"),
                ("partial", point.period == scorecard.partial?.period ? "true" : "false"),
            ]
            if let target = point.target { fields.append(("target", number(target))) }
            if metric.id == "nps", let totals = point.totals, totals.countsKnown {  // NPS-only fields
                fields += [
                    ("promoters", String(totals.promoters)), ("passives", String(totals.passives)),
                    ("detractors", String(totals.detractors)),
                ]
            }
            return "    {" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
        }
        let drivers = scorecard.drivers.map { driver -> String in
            let fields: [(String, String)] = [
                ("period", string(driver.period.description)),
                ("metric", string(driver.metric.rawValue)),
                ("touchpoint", string(driver.touchpoint)),
                ("n", String(driver.correlation.n)),
                ("r", number(driver.correlation.r)),
                ("low", number(driver.correlation.low)),
                ("high", number(driver.correlation.high)),
                ("significant", driver.correlation.isSignificant ? "true" : "false"),
            ]
            return "    {" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
        }
        let themes = scorecard.themeImpacts.map { impact -> String in
            let fields: [(String, String)] = [
                ("theme", string(impact.theme.id)),
                ("period", string(impact.period.description)),
                ("metric", string(impact.metric.rawValue)),
                ("mentions", String(impact.mentions)),
                ("share", impact.share.map(number) ?? "null"),
                ("value_with", number(impact.valueWith)),
                ("value_without", number(impact.valueWithout)),
                ("impact", number(impact.impact)),
                ("low", impact.interval.map { number($0.lowerBound) } ?? "null"),
                ("high", impact.interval.map { number($0.upperBound) } ?? "null"),
                ("negative_share", impact.negativeShare.map(number) ?? "null"),
                ("suppressed", impact.suppressed ? "true" : "false"),
            ]
            return "    {" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
        }
        let suggested = scorecard.suggestedThemes.map { suggestion -> String in
            let fields: [(String, String)] = [
                ("period", string(suggestion.period.description)),
                ("phrase", string(suggestion.phrase)),
                ("z", number(suggestion.z)),
                ("detractors", String(suggestion.detractors)),
                ("promoters", String(suggestion.promoters)),
            ]
            return "    {" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
        }
        let customers = scorecard.customerFlow.map { flow -> String in
            let fields: [(String, String)] = [
                ("period", string(flow.period.description)),
                ("gained", number(flow.gained)),
                ("lost", number(flow.lost)),
                ("net", number(flow.net)),
                ("base", flow.base.map(number) ?? "null"),
                ("lost_share", flow.lostShare.map(number) ?? "null"),
                ("revenue_lost", flow.revenueLost.map(number) ?? "null"),
            ]
            return "    {" + fields.map { "\"\($0)\": \($1)" }.joined(separator: ", ") + "}"
        }
        func list(_ items: [String]) -> String { items.joined(separator: ",\n") + (items.isEmpty ? "" : "\n") }
        return Array(
            ("{\"metrics\": [\n" + list(rows) + "],\n\"drivers\": [\n" + list(drivers)
                + "],\n\"themes\": [\n" + list(themes) + "],\n\"suggested_themes\": [\n" + list(suggested) + "],\n\"customers\": [\n"
                + list(customers) + "]}\n").utf8)
    }

    /// A JSON number: integers without a fraction, others unrounded (as Mustache prints them).
    private static func number(_ value: Double) -> String {
        MustacheValue.double(value).interpolatedText
    }

    /// A JSON string literal.
    private static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "<": result += "\\u003c"  // harmless should the JSON ever be pasted into HTML
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
