import Mustache

/// Inline SVG charts: no script, no external file. Each has a `<title>` and a `<desc>` that
/// says in words what it shows, and draws with CSS classes (falling back to `currentColor`),
/// so it reads in dark mode and in print.
enum Charts {
    /// A value of a chart.
    struct Datum {
        var label: String
        var value: Double
        /// The 95% interval, drawn as an error bar.
        var interval: ClosedRange<Double>?
        /// Text printed for the value (`+31 ± 3.2`).
        var text: String
    }

    /// A small line of the last periods' values, the newest marked with a dot (a ring when
    /// its period is still in progress).
    static func sparkline(_ data: [Datum], title: String, lastIsPartial: Bool = false) -> String {
        guard !data.isEmpty else { return "" }
        let width = 160.0, height = 40.0, pad = 4.0
        let values = data.map(\.value)
        let low = values.min()!, high = values.max()!
        let span = high - low == 0 ? 1 : high - low
        func x(_ i: Int) -> Double { data.count == 1 ? width / 2 : pad + Double(i) * (width - 2 * pad) / Double(data.count - 1) }
        func y(_ v: Double) -> Double { high == low ? height / 2 : pad + (high - v) / span * (height - 2 * pad) }
        let points = data.indices.map { "\(number(x($0))),\(number(y(values[$0])))" }.joined(separator: " ")
        let description = data.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        return """
            <svg class="chart sparkline" viewBox="0 0 \(number(width)) \(number(height))" width="\(number(width))" height="\(number(height))" role="img">\
            <title>\(HTML.escape(title))</title><desc>\(HTML.escape(description))</desc>\
            <polyline class="line" points="\(points)" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>\
            <circle class="dot\(lastIsPartial ? " partial" : "")" cx="\(number(x(data.count - 1)))" cy="\(number(y(values.last!)))" r="3.5" \
            \(lastIsPartial ? "fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"" : "fill=\"currentColor\"")/>\
            </svg>
            """
    }

    /// Horizontal bars from zero, one row per group, with the margin of error as an error bar.
    static func bars(_ data: [Datum], title: String) -> String {
        guard !data.isEmpty else { return "" }
        let labelWidth = 170.0, plotWidth = 330.0, textWidth = 110.0, rowHeight = 30.0, top = 6.0
        let width = labelWidth + plotWidth + textWidth
        let height = top * 2 + rowHeight * Double(data.count)
        let low = min(0, data.map { $0.interval?.lowerBound ?? $0.value }.min()!, data.map(\.value).min()!)
        let high = max(0, data.map { $0.interval?.upperBound ?? $0.value }.max()!, data.map(\.value).max()!)
        let span = high - low == 0 ? 1 : high - low
        func x(_ v: Double) -> Double { labelWidth + (v - low) / span * plotWidth }
        var svg = """
            <svg class="chart bars" viewBox="0 0 \(number(width)) \(number(height))" width="\(number(width))" height="\(number(height))" role="img">\
            <title>\(HTML.escape(title))</title>\
            <desc>\(HTML.escape(data.map { "\($0.label): \($0.text)" }.joined(separator: "; ")))</desc>\
            <line class="axis" x1="\(number(x(0)))" y1="0" x2="\(number(x(0)))" y2="\(number(height))" stroke="currentColor" stroke-width="1"/>
            """
        for (index, datum) in data.enumerated() {
            let middle = top + rowHeight * (Double(index) + 0.5)
            let start = min(x(0), x(datum.value)), end = max(x(0), x(datum.value))
            let kind = datum.value < 0 ? "negative" : "positive"
            svg += "<text class=\"label\" x=\"\(number(labelWidth - 8))\" y=\"\(number(middle + 5))\" text-anchor=\"end\" font-size=\"14\" fill=\"currentColor\">\(HTML.escape(datum.label))</text>"
            svg += "<rect class=\"bar bar-\(kind)\" x=\"\(number(start))\" y=\"\(number(middle - 9))\" width=\"\(number(max(end - start, 1)))\" height=\"18\" fill=\"currentColor\" fill-opacity=\"0.35\"/>"
            if let interval = datum.interval, interval.upperBound > interval.lowerBound {
                let a = x(interval.lowerBound), b = x(interval.upperBound)
                svg += "<path class=\"error-bar\" d=\"M\(number(a)) \(number(middle))H\(number(b))M\(number(a)) \(number(middle - 6))V\(number(middle + 6))M\(number(b)) \(number(middle - 6))V\(number(middle + 6))\" stroke=\"currentColor\" stroke-width=\"2\" fill=\"none\"/>"
            }
            svg += "<text class=\"value\" x=\"\(number(labelWidth + plotWidth + 8))\" y=\"\(number(middle + 5))\" font-size=\"14\" fill=\"currentColor\">\(HTML.escape(datum.text))</text>"
        }
        return svg + "</svg>"
    }

    /// Coordinates with at most one decimal, so the output is short and stable.
    static func number(_ value: Double) -> String {
        MetricDefinition.trimmed(value, decimals: 1)
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
    /// reads without colour), and the leadership–customers gap drawn and labelled in points.
    static func perceptionGap(_ rows: [GapRow], title: String) -> String {
        guard !rows.isEmpty else { return "" }
        let left = 20.0, plotWidth = 560.0, right = 120.0, rowHeight = 64.0, top = 44.0
        let width = left + plotWidth + right, height = top + rowHeight * Double(rows.count) + 10
        func x(_ percent: Double) -> Double { left + percent / 100 * plotWidth }
        var description: [String] = []
        var svg = """
            <svg class="chart gap" viewBox="0 0 \(number(width)) \(number(height))" width="\(number(width))" height="\(number(height))" role="img">\
            <title>\(HTML.escape(title))</title>
            """
        // Legend and axis ticks.
        svg += "<g class=\"legend\" font-size=\"13\" fill=\"currentColor\">"
        svg += marker(.leadership, x: left + 6, y: 14) + "<text x=\"\(number(left + 16))\" y=\"18\">Leadership</text>"
        svg += marker(.staff, x: left + 116, y: 14) + "<text x=\"\(number(left + 126))\" y=\"18\">Staff</text>"
        svg += marker(.customers, x: left + 196, y: 14) + "<text x=\"\(number(left + 206))\" y=\"18\">Customers</text></g>"
        for tick in stride(from: 0, through: 100, by: 25) {
            svg += "<line class=\"tick\" x1=\"\(number(x(Double(tick))))\" y1=\"\(number(top - 6))\" x2=\"\(number(x(Double(tick))))\" y2=\"\(number(height - 8))\" stroke=\"currentColor\" stroke-opacity=\"0.2\"/>"
            svg += "<text class=\"tick-label\" x=\"\(number(x(Double(tick))))\" y=\"\(number(top - 10))\" text-anchor=\"middle\" font-size=\"12\" fill=\"currentColor\">\(tick)%</text>"
        }
        for (index, row) in rows.enumerated() {
            let baseline = top + rowHeight * Double(index)
            let dotY = baseline + 40
            svg += "<text class=\"statement\" x=\"\(number(left))\" y=\"\(number(baseline + 18))\" font-size=\"15\" font-weight=\"600\" fill=\"currentColor\">\(HTML.escape(row.statement))</text>"
            if let leaders = row.leadership, let customers = row.customers {
                svg += "<line class=\"gap-line\" x1=\"\(number(x(customers)))\" y1=\"\(number(dotY))\" x2=\"\(number(x(leaders)))\" y2=\"\(number(dotY))\" stroke=\"currentColor\" stroke-width=\"4\" stroke-opacity=\"0.35\"/>"
            }
            for (group, value) in [(PerceptionGroup.leadership, row.leadership), (.staff, row.staff), (.customers, row.customers)] {
                if let value { svg += marker(group, x: x(value), y: dotY) }
            }
            svg += "<text class=\"gap-label\" x=\"\(number(left + plotWidth + 12))\" y=\"\(number(dotY + 5))\" font-size=\"15\" font-weight=\"700\" fill=\"currentColor\">\(HTML.escape(row.gapText))</text>"
            let values = [("leadership", row.leadership), ("staff", row.staff), ("customers", row.customers)]
                .compactMap { name, value in value.map { "\(name) \(MetricDefinition.trimmed($0, decimals: 0))%" } }
            description.append("\(row.statement): \(values.joined(separator: ", ")); gap \(row.gapText)")
        }
        svg += "<desc>\(HTML.escape(description.joined(separator: ". ")))</desc>"
        return svg + "</svg>"
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
