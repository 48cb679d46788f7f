import Foundation

/// The three survey metrics computed from raw responses, and their scales.
public enum SurveyMetric: String, CaseIterable, Sendable, Codable {
    case nps, csat, ces

    /// The scores a response may have.
    public var scale: ClosedRange<Int> {
        switch self {
        case .nps: 0...10
        case .csat: 1...5
        case .ces: 1...7
        }
    }

    /// True for responses that pull the metric down: NPS detractors (0–6), CSAT 1–3, CES 1–3.
    func isCritical(_ score: Int) -> Bool {
        switch self {
        case .nps: score <= 6
        case .csat, .ces: score <= 3
        }
    }
}

/// A metric's value from a sample, with its standard error and 95% margin of error.
public struct SurveyEstimate: Equatable, Sendable {
    public var value: Double
    /// nil when the sample cannot give one (CES with a single response).
    public var standardError: Double?

    public init(value: Double, standardError: Double?) {
        self.value = value
        self.standardError = standardError
    }

    /// The 95% margin of error: 1.96 standard errors.
    public var margin: Double? { standardError.map { 1.96 * $0 } }
}

/// The standard formulas (see docs/metrics.md): NPS, CSAT and CES with their margins of error, and
/// the two-sample z-test that says whether a change is more than noise.
public enum SurveyStatistics {
    /// NPS = 100 × (p − d); variance of the ±1/0 scores = p + d − (p − d)²; se = 100·√(var/n).
    public static func nps(promoters: Int, detractors: Int, n: Int) -> SurveyEstimate? {
        guard n > 0 else { return nil }
        let p = Double(promoters) / Double(n), d = Double(detractors) / Double(n)
        let variance = max(0, p + d - (p - d) * (p - d))
        return SurveyEstimate(value: 100 * (p - d), standardError: 100 * (variance / Double(n)).squareRoot())
    }

    /// CSAT = 100 × share of 4s and 5s; se = 100·√(c(1 − c)/n).
    public static func csat(satisfied: Int, n: Int) -> SurveyEstimate? {
        guard n > 0 else { return nil }
        let c = Double(satisfied) / Double(n)
        return SurveyEstimate(value: 100 * c, standardError: 100 * (c * (1 - c) / Double(n)).squareRoot())
    }

    /// CES = the mean score; se = s/√n with s the sample standard deviation (n − 1).
    public static func ces(sum: Double, sumOfSquares: Double, n: Int) -> SurveyEstimate? {
        guard n > 0 else { return nil }
        let mean = sum / Double(n)
        guard n > 1 else { return SurveyEstimate(value: mean, standardError: nil) }
        let variance = max(0, (sumOfSquares - Double(n) * mean * mean) / Double(n - 1))
        return SurveyEstimate(value: mean, standardError: (variance / Double(n)).squareRoot())
    }

    /// A change between two independent samples: the difference, z = (a − b)/√(se_a² + se_b²),
    /// and whether |z| ≥ 1.96. Without standard errors, or when both are zero, the change
    /// cannot be called significant.
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
        public var isSignificant: Bool { (z.map(abs) ?? 0) >= 1.96 }
    }
}
