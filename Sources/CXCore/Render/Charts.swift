import Mustache

/// Inline SVG charts: no script, no external file. Each has a `<title>` and a `<desc>` that
/// says in words what it shows, and draws with CSS classes (falling back to `currentColor`),
/// so it reads in dark mode and in print. Charts scale with their box; the bar and gap charts
/// come in two layouts, side by side for a wide screen and stacked for a phone, and the
/// stylesheet shows the one that fits, so text never shrinks below reading size.
enum Charts {
    /// A value of a chart.
    struct Datum {
        var label: String
        var value: Double
        /// The 95% interval, drawn as an error bar.
        var interval: ClosedRange<Double>?
        /// Text printed for the value (`+31 ± 3.2`).
        var text: String
        /// Significantly short of the target (its whole interval on the wrong side): drawn
        /// apart by colour and marked in words.
        var missesTarget = false
        /// The value is a change, better when above zero: green and red mean better and worse
        /// only on such bars; a level is drawn neutral, whatever its sign.
        var isChange = false

        /// What the bar's colour says: `short` of the target, `better` or `worse` for a
        /// change, a neutral `value` otherwise.
        var kind: String {
            if missesTarget { return "short" }
            guard isChange else { return "value" }
            return value > 0 ? "better" : value < 0 ? "worse" : "value"
        }
    }

    /// The colours a bar chart uses, named in a row of its own above the bars: each colour
    /// means one thing on every chart.
    private static func legend(_ kinds: [String], y: Double, font: String) -> String {
        let names = ["short": "clearly below target ▼", "better": "better", "worse": "worse"]
        var x = 0.0
        var svg = "<g class=\"legend\" font-size=\"\(font)\" fill=\"currentColor\">"
        for kind in ["short", "better", "worse"] where kinds.contains(kind) {
            let name = names[kind]!
            svg +=
                "<rect class=\"bar bar-\(kind)\" x=\"\(number(x))\" y=\"\(number(y - 13))\" width=\"16\" height=\"16\" fill=\"currentColor\" fill-opacity=\"0.35\"/>"
                + "<text x=\"\(number(x + 22))\" y=\"\(number(y))\">\(HTML.escape(name))</text>"
            x += 22 + 9.5 * Double(name.count) + 24
        }
        return svg + "</g>"
    }

    /// A small line of the last periods' values, the newest marked with a dot (a ring when
    /// its period is still in progress), labelled with the first and last values.
    static func sparkline(_ data: [Datum], title: String, lastIsPartial: Bool = false) -> String {
        guard !data.isEmpty else { return "" }
        // Room either side for an end label of six digits or "to date" at 16 px.
        let width = 270.0
        let height = 44.0
        let pad = 6.0
        let left = 70.0
        let right = 70.0
        let values = data.map(\.value)
        let low = values.min()!
        let high = values.max()!
        let span = high - low == 0 ? 1 : high - low
        func x(_ i: Int) -> Double {
            data.count == 1 ? width / 2 : left + Double(i) * (width - left - right) / Double(data.count - 1)
        }
        func y(_ v: Double) -> Double { high == low ? height / 2 : pad + (high - v) / span * (height - 2 * pad) }
        let points = data.indices.map { "\(number(x($0))),\(number(y(values[$0])))" }.joined(separator: " ")
        let description = data.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        func label(_ datum: Datum, at x: Double, anchor: String, partial: Bool = false) -> String {
            // A period in progress is no figure to read off: its point says "to date".
            let text = partial ? "to date" : datum.text.split(separator: " ").first.map(String.init) ?? datum.text
            return
                "<text class=\"end-label\" x=\"\(number(x))\" y=\"\(number(height / 2 + 5))\" text-anchor=\"\(anchor)\" font-size=\"16\" fill=\"currentColor\">"
                + HTML.escape(text) + "</text>"
        }
        let ends = data.count == 1 ? "" : label(data[0], at: left - 8, anchor: "end")
        return """
            <svg class="chart sparkline" viewBox="0 0 \(number(width)) \(number(height))" width="\(number(width))" height="\(number(height))" role="img">\
            <title>\(HTML.escape(title))</title><desc>\(HTML.escape(description))</desc>\
            \(ends)\(label(data[data.count - 1], at: data.count == 1 ? width / 2 + 12 : width - right + 8, anchor: "start", partial: lastIsPartial))\
            <polyline class="line" points="\(points)" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>\
            <circle class="dot\(lastIsPartial ? " partial" : "")" cx="\(number(x(data.count - 1)))" cy="\(number(y(values.last!)))" r="3.5" \
            \(lastIsPartial ? "fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"" : "fill=\"currentColor\"")/>\
            </svg>
            """
    }

    /// Where a bar chart's parts go: side by side (label, bar, value) or stacked (label and
    /// value on a line, the bar across the width below).
    private struct BarLayout {
        let name: String
        let labelWidth: Double, plotWidth: Double, textWidth: Double, rowHeight: Double, fontSize: Double
        let stacked: Bool

        static let wide = BarLayout(
            name: "wide", labelWidth: 230, plotWidth: 460, textWidth: 230, rowHeight: 36, fontSize: 16,
            stacked: false)
        static let narrow = BarLayout(
            name: "narrow", labelWidth: 8, plotWidth: 332, textWidth: 20, rowHeight: 52, fontSize: 15,
            stacked: true)
    }

    /// A line drawn across bars: the metric's target, or a benchmark, each named as what it is.
    struct Reference {
        enum Kind: String {
            case target, benchmark
        }

        var kind: Kind
        var value: Double
        /// "target +30", "Industry average +32".
        var label: String
    }

    /// Horizontal bars from zero, one row per group, with the margin of error as an error bar
    /// and, when given, the target and benchmarks as lines, each labelled on a row of its own
    /// above the bars: a bar whose interval misses the target is set apart.
    static func bars(_ data: [Datum], title: String, references: [Reference] = []) -> String {
        guard !data.isEmpty else { return "" }
        return [BarLayout.wide, .narrow].map { bars(data, title: title, references: references, layout: $0) }.joined()
    }

    private static func bars(_ data: [Datum], title: String, references: [Reference], layout: BarLayout) -> String {
        let kinds = Set(data.map(\.kind)).subtracting(["value"])
        let legendHeight = kinds.isEmpty ? 0.0 : 26
        let top = 6.0 + legendHeight + 20 * Double(references.count)
        let width = layout.labelWidth + layout.plotWidth + layout.textWidth
        let height = top + 6 + layout.rowHeight * Double(data.count)
        let low = min(0, data.map { $0.interval?.lowerBound ?? $0.value }.min()!, data.map(\.value).min()!, references.map(\.value).min() ?? 0)
        let high = max(0, data.map { $0.interval?.upperBound ?? $0.value }.max()!, data.map(\.value).max()!, references.map(\.value).max() ?? 0)
        let span = high - low == 0 ? 1 : high - low
        func x(_ v: Double) -> Double { layout.labelWidth + (v - low) / span * layout.plotWidth }
        let font = number(layout.fontSize)
        let words = data.map { "\($0.label): \($0.text)\($0.missesTarget ? ", short of the target" : "")" }
        var svg = """
            <svg class="chart bars \(layout.name)" viewBox="0 0 \(number(width)) \(number(height))" role="img">\
            <title>\(HTML.escape(title))</title>\
            <desc>\(HTML.escape((words + references.map(\.label)).joined(separator: "; ")))</desc>\
            <line class="axis" x1="\(number(x(0)))" y1="\(number(top - 4))" x2="\(number(x(0)))" y2="\(number(height))" stroke="currentColor" stroke-width="1"/>
            """
        if !kinds.isEmpty { svg += legend(Array(kinds), y: 20, font: font) }
        for (index, reference) in references.enumerated() {
            // Each label on its own row, its line from there down: a target and a benchmark
            // close together never print over each other.
            let labelY = legendHeight + 20 * Double(index + 1) - 4
            let dashes = reference.kind == .target ? "6 4" : "2 3"
            svg +=
                "<line class=\"\(reference.kind.rawValue)\" x1=\"\(number(x(reference.value)))\" y1=\"\(number(labelY + 4))\" x2=\"\(number(x(reference.value)))\" y2=\"\(number(height))\" stroke=\"currentColor\" stroke-width=\"2\" stroke-dasharray=\"\(dashes)\"/>"
            svg +=
                "<text class=\"\(reference.kind.rawValue)-label\" x=\"\(number(x(reference.value)))\" y=\"\(number(labelY))\" text-anchor=\"middle\" font-size=\"\(font)\" fill=\"currentColor\">\(HTML.escape(reference.label))</text>"
        }
        for (index, datum) in data.enumerated() {
            let rowTop = top + layout.rowHeight * Double(index)
            let middle = layout.stacked ? rowTop + layout.rowHeight - 14 : rowTop + layout.rowHeight / 2
            let start = min(x(0), x(datum.value))
            let end = max(x(0), x(datum.value))
            let kind = datum.kind
            if layout.stacked {
                svg +=
                    "<text class=\"label\" x=\"0\" y=\"\(number(rowTop + 16))\" font-size=\"\(font)\" font-weight=\"600\" fill=\"currentColor\">\(HTML.escape(datum.label))</text>"
            } else {
                svg +=
                    "<text class=\"label\" x=\"\(number(layout.labelWidth - 10))\" y=\"\(number(middle + 5))\" text-anchor=\"end\" font-size=\"\(font)\" fill=\"currentColor\">\(HTML.escape(datum.label))</text>"
            }
            svg +=
                "<rect class=\"bar bar-\(kind)\" x=\"\(number(start))\" y=\"\(number(middle - 9))\" width=\"\(number(max(end - start, 1)))\" height=\"18\" fill=\"currentColor\" fill-opacity=\"0.35\"/>"
            if let interval = datum.interval, interval.upperBound > interval.lowerBound {
                let a = x(interval.lowerBound)
                let b = x(interval.upperBound)
                svg +=
                    "<path class=\"error-bar\" d=\"M\(number(a)) \(number(middle))H\(number(b))M\(number(a)) \(number(middle - 6))V\(number(middle + 6))M\(number(b)) \(number(middle - 6))V\(number(middle + 6))\" stroke=\"currentColor\" stroke-width=\"2\" fill=\"none\"/>"
            }
            let (valueX, valueY, anchor) =
                layout.stacked ? (width, rowTop + 16, "end") : (layout.labelWidth + layout.plotWidth + 10, middle + 5, "start")
            svg +=
                "<text class=\"value\" x=\"\(number(valueX))\" y=\"\(number(valueY))\" text-anchor=\"\(anchor)\" font-size=\"\(font)\" fill=\"currentColor\">"
                + HTML.escape(datum.text) + (datum.missesTarget ? " ▼" : "") + "</text>"
        }
        return svg + "</svg>"
    }

    /// A period of the customers who joined and left.
    struct FlowRow {
        var label: String
        var joined: Double
        var left: Double
        var joinedText: String
        var leftText: String
        /// "net +540".
        var netText: String
    }

    /// Back-to-back bars, one row per period, oldest first: those who left to the left of a
    /// middle line (red, worse), those who joined to its right (green, better), each with its
    /// count, and the net labelled at the row's end; wide and narrow layouts, as for the bars.
    static func joinedAndLeft(_ rows: [FlowRow], title: String) -> String {
        guard !rows.isEmpty else { return "" }
        return [
            (name: "wide", label: 130.0, half: 230.0, count: 70.0, net: 130.0, rowHeight: 36.0, font: 16.0, stacked: false),
            (name: "narrow", label: 0, half: 110, count: 60, net: 0, rowHeight: 54, font: 15, stacked: true),
        ]
        .map { layout in
            let top = 30.0
            let middle = layout.label + layout.count + layout.half
            let width = middle + layout.half + layout.count + layout.net
            let height = top + layout.rowHeight * Double(rows.count) + 4
            let most = max(rows.map { max($0.joined, $0.left) }.max()!, 1)
            func length(_ value: Double) -> Double { max(value, 0) / most * layout.half }
            let font = number(layout.font)
            var svg = """
                <svg class="chart flow \(layout.name)" viewBox="0 0 \(number(width)) \(number(height))" role="img">\
                <title>\(HTML.escape(title))</title>\
                <desc>\(HTML.escape(rows.map { "\($0.label): \($0.joinedText) joined, \($0.leftText) left, \($0.netText)" }.joined(separator: "; ")))</desc>\
                <g class="legend" font-size="\(font)" fill="currentColor">\
                <text x="\(number(middle - 8))" y="18" text-anchor="end">← left</text><text x="\(number(middle + 8))" y="18">joined →</text></g>\
                <line class="axis" x1="\(number(middle))" y1="\(number(top - 6))" x2="\(number(middle))" y2="\(number(height))" stroke="currentColor" stroke-width="1"/>
                """
            for (index, row) in rows.enumerated() {
                let rowTop = top + layout.rowHeight * Double(index)
                let y = layout.stacked ? rowTop + layout.rowHeight - 14 : rowTop + layout.rowHeight / 2
                let label = layout.stacked ? "\(row.label) · \(row.netText)" : row.label
                svg +=
                    layout.stacked
                    ? "<text class=\"label\" x=\"0\" y=\"\(number(rowTop + 16))\" font-size=\"\(font)\" font-weight=\"600\" fill=\"currentColor\">\(HTML.escape(label))</text>"
                    : "<text class=\"label\" x=\"\(number(layout.label - 10))\" y=\"\(number(y + 5))\" text-anchor=\"end\" font-size=\"\(font)\" fill=\"currentColor\">\(HTML.escape(label))</text>"
                let left = length(row.left)
                let joined = length(row.joined)
                svg +=
                    "<rect class=\"bar bar-worse\" x=\"\(number(middle - left))\" y=\"\(number(y - 9))\" width=\"\(number(max(left, 1)))\" height=\"18\" fill=\"currentColor\" fill-opacity=\"0.35\"/>"
                    + "<rect class=\"bar bar-better\" x=\"\(number(middle))\" y=\"\(number(y - 9))\" width=\"\(number(max(joined, 1)))\" height=\"18\" fill=\"currentColor\" fill-opacity=\"0.35\"/>"
                    + "<text class=\"value\" x=\"\(number(middle - left - 6))\" y=\"\(number(y + 5))\" text-anchor=\"end\" font-size=\"\(font)\" fill=\"currentColor\">\(HTML.escape(row.leftText))</text>"
                    + "<text class=\"value\" x=\"\(number(middle + joined + 6))\" y=\"\(number(y + 5))\" font-size=\"\(font)\" fill=\"currentColor\">\(HTML.escape(row.joinedText))</text>"
                if !layout.stacked {
                    svg +=
                        "<text class=\"net\" x=\"\(number(width - layout.net + 14))\" y=\"\(number(y + 5))\" font-size=\"\(font)\" font-weight=\"700\" fill=\"currentColor\">\(HTML.escape(row.netText))</text>"
                }
            }
            return svg + "</svg>"
        }
        .joined()
    }

    /// A touchpoint on the importance–performance chart: its own score and how strongly it
    /// goes with NPS, each with its 95% interval.
    struct PriorityPoint {
        var label: String
        var performance: Double
        var performanceInterval: ClosedRange<Double>?
        var performanceText: String
        var importance: SurveyStatistics.Correlation

        /// The means the chart is cut at: of the scores, and of the correlations.
        static func means(_ points: [PriorityPoint]) -> (performance: Double, importance: Double) {
            let count = Double(max(1, points.count))
            return (points.map(\.performance).reduce(0, +) / count, points.map(\.importance.r).reduce(0, +) / count)
        }

        /// The touchpoints above the mean r and below the mean score: where to act first.
        static func fixFirst(_ points: [PriorityPoint]) -> [String] {
            let means = means(points)
            return points.filter { $0.performance < means.performance && $0.importance.r > means.importance }.map(\.label)
        }
    }

    /// The importance–performance chart CX teams choose where to act from: each touchpoint at
    /// its own score (across) and its correlation with NPS (up), both with error bars, cut into
    /// four by the means of the points: "fix first" where it matters and scores low. Wide and
    /// narrow layouts, as for the bars.
    static func priorities(_ points: [PriorityPoint], title: String) -> String {
        guard points.count >= 2 else { return "" }
        return [(name: "wide", width: 720.0, height: 420.0, font: 16.0), (name: "narrow", width: 380.0, height: 380.0, font: 15.0)]
            .map { priorities(points, title: title, layout: $0) }.joined()
    }

    private static func priorities(
        _ points: [PriorityPoint], title: String, layout: (name: String, width: Double, height: Double, font: Double)
    ) -> String {
        let (left, right, top, bottom) = (layout.font * 1.5, 12.0, layout.font * 1.6, layout.font * 2.6)
        func extent(_ values: [Double]) -> (low: Double, high: Double) {
            let low = values.min()!
            let high = values.max()!
            let pad = max((high - low) * 0.08, 0.01)
            return (low - pad, high + pad)
        }
        let across = extent(
            points.flatMap { [$0.performance, $0.performanceInterval?.lowerBound, $0.performanceInterval?.upperBound].compactMap { $0 } })
        let up = extent(points.flatMap { [$0.importance.low, $0.importance.high] })
        func x(_ value: Double) -> Double { left + (value - across.low) / (across.high - across.low) * (layout.width - left - right) }
        func y(_ value: Double) -> Double { top + (up.high - value) / (up.high - up.low) * (layout.height - top - bottom) }
        let (meanPerformance, meanImportance) = PriorityPoint.means(points)
        let font = number(layout.font)
        func text(_ content: String, x: Double, y: Double, anchor: String = "start", className: String, weight: String = "400") -> String {
            "<text class=\"\(className)\" x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\" font-size=\"\(font)\" font-weight=\"\(weight)\" fill=\"currentColor\">\(HTML.escape(content))</text>"
        }
        let quadrants = [
            ("Fix first: matters, scores low", left + 4, top - 6, "start"),
            ("Keep it up", layout.width - right, top - 6, "end"),
            ("Lower priority", left + 4, layout.height - bottom + layout.font * 1.3, "start"),
            ("Matters less", layout.width - right, layout.height - bottom + layout.font * 1.3, "end"),
        ]
        let fixFirst = PriorityPoint.fixFirst(points)
        let description =
            points.map { "\($0.label): score \($0.performanceText), r = \(NumberText.decimal($0.importance.r, decimals: 2))" }.joined(separator: "; ")
            + (fixFirst.isEmpty ? "" : ". Above the mean r and below the mean score: \(fixFirst.joined(separator: ", "))")
        var svg = """
            <svg class="chart priorities \(layout.name)" viewBox="0 0 \(number(layout.width)) \(number(layout.height))" role="img">\
            <title>\(HTML.escape(title))</title><desc>\(HTML.escape(description))</desc>\
            <line class="axis" x1="\(number(x(meanPerformance)))" y1="\(number(top))" x2="\(number(x(meanPerformance)))" y2="\(number(layout.height - bottom))" stroke="currentColor" stroke-dasharray="4 4" stroke-opacity="0.5"/>\
            <line class="axis" x1="\(number(left))" y1="\(number(y(meanImportance)))" x2="\(number(layout.width - right))" y2="\(number(y(meanImportance)))" stroke="currentColor" stroke-dasharray="4 4" stroke-opacity="0.5"/>
            """
        svg += quadrants.map { text($0.0, x: $0.1, y: $0.2, anchor: $0.3, className: "quadrant", weight: "600") }.joined()
        svg += text("Own score →", x: layout.width - right, y: layout.height - 4, anchor: "end", className: "axis-label")
        svg +=
            "<text class=\"axis-label\" transform=\"translate(\(number(layout.font)) \(number(layout.height - bottom))) rotate(-90)\" font-size=\"\(font)\" fill=\"currentColor\">r with NPS →</text>"
        for point in points {
            let (px, py) = (x(point.performance), y(point.importance.r))
            var bars = "M\(number(px)) \(number(y(point.importance.low)))V\(number(y(point.importance.high)))"
            if let interval = point.performanceInterval {
                bars += "M\(number(x(interval.lowerBound))) \(number(py))H\(number(x(interval.upperBound)))"
            }
            svg += "<path class=\"error-bar\" d=\"\(bars)\" stroke=\"currentColor\" stroke-opacity=\"0.5\" stroke-width=\"1.5\" fill=\"none\"/>"
            svg += "<circle class=\"dot\" cx=\"\(number(px))\" cy=\"\(number(py))\" r=\"5\" fill=\"currentColor\"/>"
            let onRight = px > (left + layout.width - right) / 2
            svg += text(point.label, x: px + (onRight ? -9 : 9), y: py - 8, anchor: onRight ? "end" : "start", className: "label")
        }
        return svg + "</svg>"
    }

    /// Coordinates with at most one decimal, so the output is short and stable.
    static func number(_ value: Double) -> String {
        NumberText.coordinate(value)
    }
}

extension Charts {
    /// A row of the perception chart: a statement and each group's share who agree.
    struct GapRow {
        var statement: String
        var leadership: Double?
        var staff: Double?
        var customers: Double?
        var gapText: String
    }

    /// One row per statement on a 0–100 axis: a dot per group (a different shape each, so it
    /// reads without colour), and the leadership–customers gap drawn and labelled in points;
    /// wide and narrow layouts, as for the bars.
    static func perceptionGap(_ rows: [GapRow], title: String) -> String {
        guard !rows.isEmpty else { return "" }
        return [
            (name: "wide", plotWidth: 640.0, right: 150.0, font: 16.0, line: 80),
            (name: "narrow", plotWidth: 250.0, right: 96.0, font: 15.0, line: 38),
        ]
        .map { perceptionGap(rows, title: title, layout: $0) }.joined()
    }

    private static func perceptionGap(
        _ rows: [GapRow], title: String,
        layout: (name: String, plotWidth: Double, right: Double, font: Double, line: Int)
    ) -> String {
        let left = 20.0
        let plotWidth = layout.plotWidth
        let right = layout.right
        let top = 56.0
        let lineHeight = layout.font + 5
        // Each statement wraps to the layout's line length; its row grows with it.
        let statements = rows.map { wrapped($0.statement, at: layout.line) }
        let rowHeights = statements.map { 50 + lineHeight * Double($0.count - 1) }
        let width = left + plotWidth + right
        let height = top + rowHeights.reduce(0, +) + 10
        let font = number(layout.font)
        func x(_ percent: Double) -> Double { left + percent / 100 * plotWidth }
        var description: [String] = []
        var svg = """
            <svg class="chart gap \(layout.name)" viewBox="0 0 \(number(width)) \(number(height))" role="img">\
            <title>\(HTML.escape(title))</title>
            """
        // Legend and axis ticks.
        let legendStep = layout.font * 7
        svg += "<g class=\"legend\" font-size=\"\(font)\" fill=\"currentColor\">"
        svg += marker(.leadership, x: left + 6, y: 14) + "<text x=\"\(number(left + 18))\" y=\"19\">Leadership</text>"
        svg += marker(.staff, x: left + 6 + legendStep * 1.05, y: 14) + "<text x=\"\(number(left + 18 + legendStep * 1.05))\" y=\"19\">Staff</text>"
        svg +=
            marker(.customers, x: left + 6 + legendStep * 1.65, y: 14)
            + "<text x=\"\(number(left + 18 + legendStep * 1.65))\" y=\"19\">Customers</text></g>"
        for tick in stride(from: 0, through: 100, by: 25) {
            svg +=
                "<line class=\"tick\" x1=\"\(number(x(Double(tick))))\" y1=\"\(number(top - 6))\" x2=\"\(number(x(Double(tick))))\" y2=\"\(number(height - 8))\" stroke=\"currentColor\" stroke-opacity=\"0.2\"/>"
            svg +=
                "<text class=\"tick-label\" x=\"\(number(x(Double(tick))))\" y=\"\(number(top - 12))\" text-anchor=\"middle\" font-size=\"\(font)\" fill=\"currentColor\">\(tick)%</text>"
        }
        var baseline = top
        for (index, row) in rows.enumerated() {
            defer { baseline += rowHeights[index] }
            let dotY = baseline + rowHeights[index] - 14
            svg +=
                "<text class=\"statement\" x=\"\(number(left))\" y=\"\(number(baseline + 18))\" font-size=\"\(number(layout.font + 1))\" font-weight=\"600\" fill=\"currentColor\">"
                + statements[index].enumerated().map { line, text in
                    "<tspan x=\"\(number(left))\" dy=\"\(line == 0 ? "0" : number(lineHeight))\">\(HTML.escape(text))</tspan>"
                }.joined() + "</text>"
            if let leaders = row.leadership, let customers = row.customers {
                svg +=
                    "<line class=\"gap-line\" x1=\"\(number(x(customers)))\" y1=\"\(number(dotY))\" x2=\"\(number(x(leaders)))\" y2=\"\(number(dotY))\" stroke=\"currentColor\" stroke-width=\"4\" stroke-opacity=\"0.35\"/>"
            }
            for (group, value) in [(PerceptionGroup.leadership, row.leadership), (.staff, row.staff), (.customers, row.customers)] {
                if let value { svg += marker(group, x: x(value), y: dotY) }
            }
            svg +=
                "<text class=\"gap-label\" x=\"\(number(left + plotWidth + 12))\" y=\"\(number(dotY + 5))\" font-size=\"\(font)\" font-weight=\"700\" fill=\"currentColor\">\(HTML.escape(row.gapText))</text>"
            let values = [("leadership", row.leadership), ("staff", row.staff), ("customers", row.customers)]
                .compactMap { name, value in value.map { "\(name) \(NumberText.decimal($0, decimals: 0))%" } }
            description.append("\(row.statement): \(values.joined(separator: ", ")); gap \(row.gapText)")
        }
        svg += "<desc>\(HTML.escape(description.joined(separator: ". ")))</desc>"
        return svg + "</svg>"
    }

    /// `text` in lines of at most `length` characters, broken between words (a longer word
    /// stands alone on its line).
    static func wrapped(_ text: String, at length: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > length {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + (line.isEmpty && !lines.isEmpty ? [] : [line])
    }

    /// Leadership a circle, staff a square, customers a diamond.
    private static func marker(_ group: PerceptionGroup, x: Double, y: Double) -> String {
        switch group {
        case .leadership:
            "<circle class=\"dot dot-leadership\" cx=\"\(number(x))\" cy=\"\(number(y))\" r=\"7\" fill=\"currentColor\"/>"
        case .staff:
            "<rect class=\"dot dot-staff\" x=\"\(number(x - 6))\" y=\"\(number(y - 6))\" width=\"12\" height=\"12\" fill=\"currentColor\"/>"
        case .customers:
            "<path class=\"dot dot-customers\" d=\"M\(number(x)) \(number(y - 8))L\(number(x + 8)) \(number(y))L\(number(x)) \(number(y + 8))L\(number(x - 8)) \(number(y))Z\" fill=\"currentColor\"/>"
        }
    }
}
