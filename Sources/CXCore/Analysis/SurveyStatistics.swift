import Foundation

/// A metric's value from a sample, with its standard error and 95% confidence interval.
public struct SurveyEstimate: Equatable, Sendable {
    public var value: Double
    /// The standard error the interval and the tests use; nil when the sample cannot give one
    /// (CES with a single response).
    public var standardError: Double?
    /// The 95% confidence interval; nil when the sample cannot give one.
    public var interval: ClosedRange<Double>?

    public init(value: Double, standardError: Double?, interval: ClosedRange<Double>? = nil) {
        self.value = value
        self.standardError = standardError
        self.interval = interval ?? standardError.map { value - 1.96 * $0...value + 1.96 * $0 }
    }

    /// Half the interval's width, shown as `± m`.
    public var margin: Double? { interval.map { ($0.upperBound - $0.lowerBound) / 2 } }
}

/// The formulas of docs/metrics.md: NPS, CSAT and CES with their 95% intervals, the test that
/// says whether a change is more than noise, the false-discovery-rate control over a family of
/// such tests, and the test for a trend.
public enum SurveyStatistics {
    /// The normal quantile of a two-sided 95% interval or test.
    public static let z95 = 1.959963984540054

    /// NPS = 100 × (p − d), with the adjusted-Wald interval (Rocks 2016): add 3 to n and ¾ to
    /// the promoters and the detractors, then 100 × (p′ − d′) ± z·√((p′ + d′ − (p′ − d′)²)/n′),
    /// within −100…100. The standard error is the adjusted one. With weights, `n` is the
    /// effective sample size and the counts are the weighted shares times it.
    public static func nps(promoters: Double, detractors: Double, n: Double) -> SurveyEstimate? {
        guard n > 0 else { return nil }
        let adjustedN = n + 3
        let p = (promoters + 0.75) / adjustedN
        let d = (detractors + 0.75) / adjustedN
        let variance = max(0, p + d - (p - d) * (p - d))
        let standardError = 100 * (variance / adjustedN).squareRoot()
        let center = 100 * (p - d)
        return SurveyEstimate(
            value: 100 * (promoters - detractors) / n, standardError: standardError,
            interval: max(-100, center - z95 * standardError)...min(100, center + z95 * standardError))
    }

    /// CSAT = 100 × the share c of 4s and 5s, with the Wilson score interval of
    /// ``wilson(successes:n:)``. The standard error is the interval's half-width over z.
    public static func csat(satisfied: Double, n: Double) -> SurveyEstimate? {
        guard n > 0 else { return nil }
        let interval = wilson(successes: satisfied, n: n)
        let half = (interval.upperBound - interval.lowerBound) / 2
        return SurveyEstimate(
            value: 100 * satisfied / n, standardError: 100 * half / z95,
            interval: 100 * interval.lowerBound...100 * interval.upperBound)
    }

    /// The Wilson score interval of a share (Wilson 1927; Brown, Cai & DasGupta 2001), as
    /// shares from 0 to 1: (c + z²/2n ± z·√(c(1 − c)/n + z²/4n²)) / (1 + z²/n), c = successes/n.
    /// `n` must be above zero.
    public static func wilson(successes: Double, n: Double) -> ClosedRange<Double> {
        let c = successes / n
        let z2 = z95 * z95
        let center = (c + z2 / (2 * n)) / (1 + z2 / n)
        let half = z95 * (c * (1 - c) / n + z2 / (4 * n * n)).squareRoot() / (1 + z2 / n)
        return max(0, center - half)...min(1, center + half)
    }

    /// The 95% interval of the difference a/nA − b/nB of two independent shares, in
    /// percentage points, by Newcombe's hybrid score method (Newcombe 1998, method 10) from
    /// the two Wilson intervals (l₁, u₁) and (l₂, u₂): δ − √((p₁ − l₁)² + (u₂ − p₂)²) to
    /// δ + √((u₁ − p₁)² + (p₂ − l₂)²). Both counts must be above zero.
    public static func newcombe(a: Double, nA: Double, b: Double, nB: Double) -> ClosedRange<Double> {
        let p1 = a / nA
        let p2 = b / nB
        let first = wilson(successes: a, n: nA)
        let second = wilson(successes: b, n: nB)
        let delta = p1 - p2
        let low = delta - ((p1 - first.lowerBound) * (p1 - first.lowerBound) + (second.upperBound - p2) * (second.upperBound - p2)).squareRoot()
        let high = delta + ((first.upperBound - p1) * (first.upperBound - p1) + (p2 - second.lowerBound) * (p2 - second.lowerBound)).squareRoot()
        return 100 * low...100 * high
    }

    /// CES = the mean score, from the mean and the mean of the squares of `n` answers (with
    /// weights: weighted means, `n` effective). se = s/√n with s² = (mean of squares − mean²)
    /// × n/(n − 1); the interval is Student's t with n − 1 degrees of freedom.
    public static func ces(mean: Double, meanOfSquares: Double, n: Double) -> SurveyEstimate? {
        guard n > 0 else { return nil }
        guard n > 1 else { return SurveyEstimate(value: mean, standardError: nil) }
        let variance = max(0, (meanOfSquares - mean * mean) * n / (n - 1))
        let standardError = (variance / n).squareRoot()
        let half = studentT(quantile: 0.975, degreesOfFreedom: n - 1) * standardError
        return SurveyEstimate(value: mean, standardError: standardError, interval: mean - half...mean + half)
    }

    /// Kish's effective sample size of weights whose sum is `sum` and sum of squares
    /// `squares`: (Σw)² / Σw²; n itself when every weight is 1.
    public static func effectiveN(sum: Double, squares: Double) -> Double {
        guard squares > 0 else { return 0 }
        return sum == squares ? sum : sum * sum / squares
    }

    // MARK: Tests

    /// A change between two independent samples: the difference, z = (a − b)/√(se_a² + se_b²)
    /// and its two-sided p. Without standard errors, or when both are zero, there is no test.
    public static func change(from previous: SurveyEstimate, to current: SurveyEstimate) -> Change {
        let delta = current.value - previous.value
        guard let a = current.standardError, let b = previous.standardError else {
            return Change(delta: delta, z: nil)
        }
        let pooled = (a * a + b * b).squareRoot()
        guard pooled > 0 else { return Change(delta: delta, z: nil) }
        return Change(delta: delta, z: delta / pooled)
    }

    public struct Change: Equatable, Sendable {
        public var delta: Double
        /// nil when the samples cannot say (no standard errors, or both zero).
        public var z: Double?
        /// The two-sided p of `z` under the normal distribution.
        public var p: Double? { z.map(twoSidedP) }
        /// Significant at 5% as a test on its own; a family of tests decides with
        /// ``benjaminiHochberg(_:q:)`` instead.
        public var isSignificant: Bool { (p ?? 1) < 0.05 }
    }

    /// The standard error of a group's impact `w × (with − without)` on everyone's value, by
    /// the delta method: √(w²(se_with² + se_without²) + (with − without)² · w(1 − w)/n), with
    /// `w` the group's share of the `n` (effective) responses. The share is estimated too: its
    /// term is what a fixed-share error leaves out (docs/themes.md). Nil when a side has no
    /// standard error.
    public static func impactStandardError(with: SurveyEstimate, without: SurveyEstimate, share w: Double, n: Double) -> Double? {
        guard let a = with.standardError, let b = without.standardError else { return nil }
        let gap = with.value - without.value
        return (w * w * (a * a + b * b) + gap * gap * w * (1 - w) / max(1, n)).squareRoot()
    }

    /// The two-sided p of a standard normal statistic: erfc(|z|/√2).
    public static func twoSidedP(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// Which of a family's tests are discoveries at false discovery rate `q` (Benjamini &
    /// Hochberg 1995): with the m p-values sorted, the largest k with p₍ₖ₎ ≤ k·q/m, and every
    /// test whose p is at most p₍ₖ₎ (so tied p-values are decided alike). In input order.
    public static func benjaminiHochberg(_ pValues: [Double], q: Double = 0.05) -> [Bool] {
        let sorted = pValues.sorted()
        let m = Double(sorted.count)
        let threshold = sorted.indices.last { sorted[$0] <= Double($0 + 1) * q / m }.map { sorted[$0] }
        return pValues.map { p in threshold.map { p <= $0 } ?? false }
    }

    /// A straight line through the values by weighted least squares, each weighted by
    /// 1/se² (the inverse of its sampling variance): its slope per period, and the slope's
    /// standard error √(φ / Σw(x − x̄)²) with φ = max(1, Σw·r² / (k − 2)) the residual scale
    /// of the k points: real quarter-to-quarter swings beyond sampling noise widen it, and it
    /// is never narrower than sampling alone makes it. The p is two-sided, from Student's t
    /// with k − 2 degrees of freedom. Needs three points with a standard error above zero, at
    /// two different places at least.
    public static func trend(_ points: [(x: Double, value: Double, standardError: Double)]) -> Trend? {
        let usable = points.filter { $0.standardError > 0 }
        guard usable.count >= 3 else { return nil }
        let weights = usable.map { 1 / ($0.standardError * $0.standardError) }
        let total = weights.reduce(0, +)
        let meanX = zip(usable, weights).reduce(0) { $0 + $1.0.x * $1.1 } / total
        let meanY = zip(usable, weights).reduce(0) { $0 + $1.0.value * $1.1 } / total
        let sxx = zip(usable, weights).reduce(0) { $0 + $1.1 * ($1.0.x - meanX) * ($1.0.x - meanX) }
        guard sxx > 0 else { return nil }
        let sxy = zip(usable, weights).reduce(0) { $0 + $1.1 * ($1.0.x - meanX) * ($1.0.value - meanY) }
        let slope = sxy / sxx
        let residuals = zip(usable, weights).reduce(0) { sum, point in
            let residual = point.0.value - meanY - slope * (point.0.x - meanX)
            return sum + point.1 * residual * residual
        }
        let degreesOfFreedom = Double(usable.count - 2)
        let scale = max(1, residuals / degreesOfFreedom)
        let standardError = (scale / sxx).squareRoot()
        let t = abs(slope / standardError)
        let p = 2 * (1 - studentTDistribution(t, degreesOfFreedom: degreesOfFreedom))
        let xs = usable.map(\.x)
        return Trend(
            slope: slope, standardError: standardError, p: min(1, max(0, p)), periods: usable.count,
            span: Int((xs.max()! - xs.min()!).rounded()) + 1)
    }

    public struct Trend: Equatable, Sendable {
        /// Change per period.
        public var slope: Double
        public var standardError: Double
        public var p: Double
        /// How many periods the line was fitted to.
        public var periods: Int
        /// How many periods the first to the last of them cover: more than `periods` when
        /// one between is missing or not shown.
        public var span: Int

        /// The window as a page says it: "over the last 8 periods", "over 7 of the last 9 periods".
        public var window: String {
            span == periods ? "over the last \(periods) periods" : "over \(periods) of the last \(span) periods"
        }

        /// `rising` or `falling` when p < 0.05, `none` otherwise.
        public var direction: Direction { p >= 0.05 ? .none : slope > 0 ? .rising : .falling }

        public enum Direction: String, Sendable {
            case rising, falling, none
        }
    }

    /// Pearson's r of `n` pairs from their sums, with its 95% interval by Fisher's z
    /// (Fisher 1915): z = atanh r, se = 1/√(n − 3), interval tanh(z ± 1.96·se). Needs four
    /// pairs, and spread in both.
    public static func correlation(n: Int, x: Double, y: Double, xx: Double, yy: Double, xy: Double) -> Correlation? {
        guard n >= 4 else { return nil }
        let count = Double(n)
        let sxx = xx - x * x / count
        let syy = yy - y * y / count
        let sxy = xy - x * y / count
        guard sxx > 1e-12 * max(1, xx), syy > 1e-12 * max(1, yy) else { return nil }
        let r = max(-1, min(1, sxy / (sxx * syy).squareRoot()))
        let z = atanh(max(-0.999_999_999, min(0.999_999_999, r)))
        let half = z95 / (count - 3).squareRoot()
        return Correlation(r: r, n: n, low: tanh(z - half), high: tanh(z + half))
    }

    /// The ranks each value could hold, highest first, given the 95% intervals: as good as
    /// 1 + the number of intervals wholly above its own, as bad as 1 + the number not wholly
    /// below it. Values whose intervals overlap share ranks; a rank of its own needs an
    /// interval apart from every other.
    public static func rankRanges(_ intervals: [ClosedRange<Double>]) -> [ClosedRange<Int>] {
        intervals.indices.map { index in
            let own = intervals[index]
            let others = intervals.indices.filter { $0 != index }.map { intervals[$0] }
            let above = others.count { $0.lowerBound > own.upperBound }
            let notBelow = others.count { $0.upperBound >= own.lowerBound }
            return 1 + above...1 + notBelow
        }
    }

    public struct Correlation: Equatable, Sendable {
        public var r: Double
        public var n: Int
        public var low: Double
        public var high: Double
        /// The interval leaves out zero.
        public var isSignificant: Bool { low > 0 || high < 0 }
    }

    /// How strongly a word sets group A apart from group B: the weighted log-odds ratio with
    /// an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 16–22), as a z-score.
    /// `a`, `b`: the word's count in each group; `totalA`, `totalB`: all words counted in each;
    /// `prior`: the word's pseudo-count, of `priorTotal` in all. Positive: A's word.
    public static func logOddsZ(a: Double, b: Double, totalA: Double, totalB: Double, prior: Double, priorTotal: Double) -> Double {
        let deltaA = log((a + prior) / (totalA + priorTotal - a - prior))
        let deltaB = log((b + prior) / (totalB + priorTotal - b - prior))
        let variance = 1 / (a + prior) + 1 / (b + prior)
        return (deltaA - deltaB) / variance.squareRoot()
    }

    // MARK: Distributions

    /// The `quantile` (0…1) of Student's t with `degreesOfFreedom`: the t at which the
    /// distribution function reaches it, found by bisection on the distribution function,
    /// once for each quantile and degrees of freedom (a scorecard asks for the same ones
    /// again and again, and each bisection evaluates the distribution some fifty times).
    public static func studentT(quantile: Double, degreesOfFreedom df: Double) -> Double {
        if quantile == 0.5 { return 0 }
        if quantile < 0.5 { return -studentT(quantile: 1 - quantile, degreesOfFreedom: df) }
        return tQuantiles.value(for: QuantileKey(quantile: quantile, degreesOfFreedom: df)) {
            bisectedStudentT(quantile: quantile, degreesOfFreedom: df)
        }
    }

    /// A quantile asked for, and the degrees of freedom it was asked for with.
    struct QuantileKey: Hashable {
        var quantile: Double
        var degreesOfFreedom: Double
    }

    /// The quantiles of Student's t found so far.
    static let tQuantiles = Memo<QuantileKey, Double>(limit: 1 << 16)

    /// ``studentT(quantile:degreesOfFreedom:)`` for a quantile above ½, without the memo.
    static func bisectedStudentT(quantile: Double, degreesOfFreedom df: Double) -> Double {
        var low = 0.0
        var high = 1.0
        while studentTDistribution(high, degreesOfFreedom: df) < quantile && high < 1e12 { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if studentTDistribution(middle, degreesOfFreedom: df) < quantile { low = middle } else { high = middle }
            if high - low <= 1e-12 * high { break }
        }
        return (low + high) / 2
    }

    /// P(T ≤ t) for Student's t: 1 − ½·I(df/(df + t²); df/2, ½) for t ≥ 0.
    static func studentTDistribution(_ t: Double, degreesOfFreedom df: Double) -> Double {
        let tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// I(x; a, b), by the continued fraction of Numerical Recipes (§6.4), evaluated with
    /// Lentz's method on whichever side converges.
    static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let front: Double = exp(a * log(x) + b * log(1 - x) - logBeta)
        if x < (a + 1) / (a + b + 2) { return front * betaFraction(x, a, b) / a }
        return 1 - front * betaFraction(1 - x, b, a) / b
    }

    private static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        d = 1 / (abs(d) < tiny ? tiny : d)
        var result = d
        for m in 1...300 {
            let m = Double(m)
            for numerator in [
                m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
            ] {
                d = 1 + numerator * d
                d = 1 / (abs(d) < tiny ? tiny : d)
                c = 1 + numerator / c
                if abs(c) < tiny { c = tiny }
                result *= d * c
            }
            if abs(d * c - 1) < 1e-15 { break }
        }
        return result
    }
}
