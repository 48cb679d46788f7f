import Diagnostics
import Foundation

/// Metric snapshot files: a value per period, metric and group.
extension ContentValidator {
    mutating func snapshots(from file: SourceFile) -> [MetricSnapshot] {
        table(from: file, .snapshots) { $0.snapshot($1, in: $2, line: $3) }
    }

    mutating func snapshot(_ cells: Cells, in file: SourceFile, line: Int) -> MetricSnapshot? {
        var row = TableRow(cells: cells, file: file, line: line, config: config)
        defer { report(row.diagnostics) }
        let period = row.period()
        let metric = row.text("metric")
        if let metric, config.metric(metric) == nil {
            let known = config.metrics.map(\.id).joined(separator: ", ")
            row.fail("unknown metric '\(metric)': cxsite.yaml knows \(known); declare it under 'metrics'", "metric")
        } else if metric == nil {
            row.fail("missing metric", "metric")
        }
        let value = row.decimal("value")
        if value == nil {
            let text = row.text("value") ?? ""
            row.fail(
                "the value '\(text)' is not a number (a finite one below 10^15)" + RowBytes.decimalCommaHint(text, comma: file.decimalComma),
                "value")
        }
        var n: Int?
        if let raw = row.text("n") {
            n = Int(raw)
            if n == nil || n! < 0 { row.fail("n '\(raw)' must be a whole number of responses", "n") }
        }
        let group = row.group(of: "a snapshot")
        var target: Double?
        if let raw = row.text("target") {
            target = row.decimal("target")
            if target == nil { row.fail("the target '\(raw)' is not a number (a finite one below 10^15)", "target") }
        }
        guard row.ok, let period, let metric, let value, let group else { return nil }
        return MetricSnapshot(
            period: period, metric: metric, value: value, n: n, group: group, target: target,
            location: file.location(line: line, column: 1))
    }
}
