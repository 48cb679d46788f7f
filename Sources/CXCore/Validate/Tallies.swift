import Diagnostics

/// One row of a tally file: a survey metric's sufficient statistics for one period and group,
/// as a warehouse computes them with one GROUP BY (docs/tallies.md).
public struct MetricTally: Sendable {
    public var period: Period
    public var metric: SurveyMetric
    var group: Scorecard.Group
    var totals: ResponseTotals
    /// For a touchpoint's CSAT or CES: the people who also gave an NPS in the period, their
    /// score here (x) and their NPS (y), as Pearson's r needs them (the key drivers).
    var driverPairs: PairSums?
    public var location: SourceLocation
}

extension ContentValidator {
    /// Reads a tally file (`content/tallies/*.csv|tsv|json|yaml`; workbooks are read by
    /// ``sheetTable(from:_:_:)``).
    mutating func tallies(from file: SourceFile) -> [MetricTally] {
        table(from: file, .tallies) { $0.tally($1, in: $2, line: $3) }
    }

    /// A tally row: `period, metric`, at most one of `segment, touchpoint, journey, level`, `n` and, by metric, `promoters,
    /// passives, detractors` (NPS), `top` (CSAT), `sum, sum_sq` (CES); with `sum_w, sum_w2`
    /// other than n the counts and sums are weighted ones; a touchpoint's CSAT or CES may add
    /// `linked, linked_x, linked_y, linked_xx, linked_yy, linked_xy` for the key drivers.
    /// Every field is checked against the others.
    mutating func tally(_ cells: Cells, in file: SourceFile, line: Int) -> MetricTally? {
        var row = TableRow(cells: cells, file: file, line: line, config: config)
        defer { report(row.diagnostics) }
        let period = row.period()
        var metric: SurveyMetric?
        if let raw = row.text("metric") {
            metric = SurveyMetric(rawValue: raw.lowercased())
            if metric == nil { row.fail("unknown metric '\(raw)': tallies are of nps, csat or ces (other metrics are snapshots)", "metric") }
        } else {
            row.fail("missing metric", "metric")
        }
        let group = row.group(of: "a tally")
        var n: Int?
        if let raw = row.text("n") {
            n = Int(raw)
            if n == nil || n! < 1 { row.fail("n '\(raw)' must be a whole number of responses, at least 1", "n") }
        } else {
            row.fail("missing 'n': the number of responses", "n")
        }
        guard let metric, let n else { return nil }
        var totals = ResponseTotals()
        totals.n = n
        totals.weighted.sum = Double(n)
        totals.weighted.squares = Double(n)
        if row.text("sum_w") != nil || row.text("sum_w2") != nil {
            guard let sum = row.number("sum_w", atLeast: .leastNonzeroMagnitude, what: "the sum of the weights, above 0"),
                let squares = row.number("sum_w2", atLeast: .leastNonzeroMagnitude, what: "the sum of the squared weights, above 0")
            else { return nil }
            // Kish's n_eff = sum²/squares lies between 1 and n.
            guard squares <= sum * sum * (1 + 1e-9), squares * Double(n) >= sum * sum * (1 - 1e-9) else {
                row.fail(
                    "sum_w2 \(ContentValidator.formatted(squares)) does not fit sum_w \(ContentValidator.formatted(sum)) and n \(n): (sum_w)² / sum_w2 must be from 1 to n",
                    "sum_w2")
                return nil
            }
            totals.weighted.sum = sum
            totals.weighted.squares = squares
        }
        // Every weight 1 (sum_w = sum_w2 = n) is no weighting: the counts are counts.
        let weighted = totals.isWeighted
        if weighted { totals.countsKnown = false }
        let total = totals.weighted.sum
        let unit = weighted ? "a weighted count from 0 to sum_w" : "a whole number from 0 to n"
        func count(_ name: String) -> Double? {
            guard let value = row.number(name, atLeast: 0, what: unit) else { return nil }
            guard value <= total * (1 + 1e-9), weighted || value == value.rounded() else {
                row.fail("'\(name)' is \(ContentValidator.formatted(value)): it must be \(unit)", name)
                return nil
            }
            return value
        }
        switch metric {
        case .nps:
            guard let promoters = count("promoters"), let passives = count("passives"), let detractors = count("detractors") else { return nil }
            guard abs(promoters + passives + detractors - total) <= total * 1e-9 else {
                row.fail(
                    "promoters, passives and detractors add up to \(ContentValidator.formatted(promoters + passives + detractors)), not \(weighted ? "sum_w" : "n") (\(ContentValidator.formatted(total)))",
                    "promoters")
                return nil
            }
            totals.weighted.promoters = promoters
            totals.weighted.detractors = detractors
            if !weighted {
                totals.promoters = Int(promoters)
                totals.passives = Int(passives)
                totals.detractors = Int(detractors)
                totals.critical = Int(detractors)
            }
        case .csat:
            guard let top = count("top") else { return nil }
            totals.weighted.satisfied = top
            if !weighted {
                totals.satisfied = Int(top)
                totals.critical = n - Int(top)  // 1–3 of 5 are the responses below the top two
            }
        case .ces:
            let scale = SurveyMetric.ces.scale
            guard let sum = row.number("sum", atLeast: 0, what: "the sum of the scores"),
                let squares = row.number("sum_sq", atLeast: 0, what: "the sum of the squared scores")
            else { return nil }
            let mean = sum / total
            guard mean >= Double(scale.lowerBound) - 1e-9, mean <= Double(scale.upperBound) + 1e-9 else {
                row.fail(
                    "sum \(ContentValidator.formatted(sum)) gives a mean of \(ContentValidator.formatted(mean)), outside the CES scale 1–7", "sum")
                return nil
            }
            guard squares >= sum * mean * (1 - 1e-9), squares <= total * Double(scale.upperBound * scale.upperBound) * (1 + 1e-9) else {
                row.fail(
                    "sum_sq \(ContentValidator.formatted(squares)) cannot come from scores of 1–7 whose sum is \(ContentValidator.formatted(sum))",
                    "sum_sq")
                return nil
            }
            totals.weighted.scores = sum
            totals.weighted.scoreSquares = squares
            totals.countsKnown = false
        }
        let pairs = driverPairs(&row, metric: metric, atTouchpoint: group?.touchpoint != nil)
        guard row.ok, let period, let group else { return nil }
        return MetricTally(
            period: period, metric: metric, group: group, totals: totals, driverPairs: pairs,
            location: file.location(line: line, column: 1))
    }

    static let driverColumns = ["linked", "linked_x", "linked_y", "linked_xx", "linked_yy", "linked_xy"]

    /// The optional `linked…` sums of a touchpoint's CSAT or CES row.
    private func driverPairs(_ row: inout TableRow, metric: SurveyMetric, atTouchpoint: Bool) -> PairSums? {
        let given = Self.driverColumns.filter { row.text($0) != nil }
        guard !given.isEmpty else { return nil }
        guard metric != .nps, atTouchpoint else {
            row.fail("'\(given[0])' belongs on a touchpoint's csat or ces row: the people who also gave an NPS", given[0])
            return nil
        }
        guard let count = row.number("linked", atLeast: 0, what: "the number of people who also gave an NPS"),
            count == count.rounded(), count <= Double(Int32.max)
        else {
            if row.ok { row.fail("'linked' must be a whole number of people", "linked") }
            return nil
        }
        var sums = PairSums(n: Int(count))
        let columns: [(String, WritableKeyPath<PairSums, Double>)] = [
            ("linked_x", \.x), ("linked_y", \.y), ("linked_xx", \.xx),
            ("linked_yy", \.yy), ("linked_xy", \.xy),
        ]
        for (name, path) in columns {
            guard let value = row.number(name, atLeast: 0, what: "a sum over the linked people") else { return nil }
            sums[keyPath: path] = value
        }
        return sums
    }

    /// A number as a message shows it: whole numbers without a fraction.
    static func formatted(_ value: Double) -> String {
        NumberText.decimal(value, decimals: 6, trimming: true)
    }
}
