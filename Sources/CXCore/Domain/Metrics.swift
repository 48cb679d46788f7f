import Foundation

/// How a metric's values read.
public enum MetricUnit: String, CaseIterable, Sendable {
    case percent, number, currency, score
}

/// An industry or competitor figure for a metric, with where and when it was published
/// (`benchmark:` in `cxsite.yaml`).
public struct Benchmark: Hashable, Sendable {
    /// What it is: "Industry average", "Rival Broadband".
    public var name: String
    public var value: Double
    public var source: String
    public var date: Day
}

/// A metric the scorecard shows: built in (NPS, CSAT, CES) or declared in `cxsite.yaml`.
public struct MetricDefinition: Hashable, Sendable {
    public var id: String
    public var name: String
    public var unit: MetricUnit
    public var higherIsBetter: Bool
    public var target: Double?
    /// True for NPS, CSAT and CES, which come from survey responses.
    public var isSurvey: Bool
    /// Industry or competitor figures to read the metric against, never its target.
    public var benchmarks: [Benchmark] = []

    static let builtIn: [MetricDefinition] = [
        MetricDefinition(id: "nps", name: "Net Promoter Score", unit: .score, higherIsBetter: true, target: nil, isSurvey: true),
        MetricDefinition(id: "csat", name: "Customer satisfaction (CSAT)", unit: .percent, higherIsBetter: true, target: nil, isSurvey: true),
        MetricDefinition(id: "ces", name: "Customer effort (CES)", unit: .score, higherIsBetter: true, target: nil, isSurvey: true),
    ]

    /// How many decimals its values show, the same on every page: `decimals:` in
    /// `cxsite.yaml`, or 1 for NPS and percentages, 2 for scores (CES), 0 for counts and money.
    public var decimals: Int {
        configuredDecimals ?? (id == "nps" || unit == .percent ? 1 : unit == .score ? 2 : 0)
    }

    /// `decimals:` from `cxsite.yaml`, when given.
    public var configuredDecimals: Int?

    /// A value as every page prints it: `+30.5` for NPS, `78.0%`, `5.10`, `4,180`.
    public func format(_ value: Double) -> String {
        let text = id == "nps" ? NumberText.signed(value, decimals: decimals) : NumberText.decimal(value, decimals: decimals)
        return text + (unit == .percent ? "%" : "")
    }

    /// `of 7` for CES (scored 1–7), nil for metrics whose unit says their scale.
    public var scaleText: String? {
        SurveyMetric(rawValue: id).flatMap { $0 == .ces ? "of \($0.scale.upperBound)" : nil }
    }

    /// A change between two values, with its unit: `+4.0 pts`, `−0.3 pts`, `+540`; no sign
    /// when it rounds to zero. Without `points`, where the text names the metric after it:
    /// `−32.5 NPS`.
    public func formatDelta(_ delta: Double, points: Bool = true) -> String {
        NumberText.signed(delta, decimals: decimals) + (points && (unit == .percent || id == "nps") ? " pts" : "")
    }

    /// Whether a value meets the target, given which way is better.
    public func meets(_ value: Double, target: Double) -> Bool {
        higherIsBetter ? value >= target : value <= target
    }
}

/// The three survey metrics computed from raw responses: the one definition of their scales
/// and of which scores count as satisfied or critical.
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

    /// The scores that pull the metric down: NPS detractors, CSAT and CES 1–3.
    public var criticalScores: ClosedRange<Int> {
        switch self {
        case .nps: NPSBand.detractor.scores
        case .csat, .ces: 1...3
        }
    }

    /// The CSAT scores that count as satisfied: the top two boxes, 4–5.
    static let satisfiedScores = 4...5

    func isCritical(_ score: Int) -> Bool { criticalScores.contains(score) }

    /// The top scores: NPS promoters (9–10), CSAT satisfied (4–5), CES easy (6–7).
    func isTop(_ score: Int) -> Bool {
        switch self {
        case .nps: NPSBand(score: score) == .promoter
        case .csat: Self.satisfiedScores.contains(score)
        case .ces: score >= 6
        }
    }

    /// Every metric with its scale, as an error message lists them: `nps (0–10), csat (1–5) or ces (1–7)`.
    static var scalesList: String {
        let each = allCases.map { "\($0.rawValue) (\(Self.text($0.scale)))" }
        return each.dropLast().joined(separator: ", ") + " or " + each.last!
    }

    /// A range of scores as text: `0–6`.
    static func text(_ scores: ClosedRange<Int>) -> String { "\(scores.lowerBound)–\(scores.upperBound)" }
}

/// Where an answer to "how likely are you to recommend us?" (0–10) puts the person: the one
/// definition of NPS's bands, which every count, comment and card reads.
public enum NPSBand: String, Sendable {
    /// 9 or 10.
    case promoter
    /// 7 or 8.
    case passive
    /// 0 to 6.
    case detractor

    /// The scores of the band.
    public var scores: ClosedRange<Int> {
        switch self {
        case .promoter: 9...10
        case .passive: 7...8
        case .detractor: 0...6
        }
    }

    public init(score: Int) {
        self = score >= Self.promoter.scores.lowerBound ? .promoter : score >= Self.passive.scores.lowerBound ? .passive : .detractor
    }
}
