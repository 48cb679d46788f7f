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

    /// A value as the scorecard prints it: `+31` for NPS, `78%`, `5.1`.
    public func format(_ value: Double) -> String {
        switch (id, unit) {
        case ("nps", _): return (value > 0 ? "+" : "") + Self.trimmed(value, decimals: value.rounded() == value ? 0 : 1)
        case (_, .percent): return Self.trimmed(value, decimals: 1) + "%"
        case (_, .currency): return Self.grouped(value)
        default: return Self.trimmed(value, decimals: 2)
        }
    }

    /// A change between two values: `+4`, `−0.3 pts`.
    public func formatDelta(_ delta: Double) -> String {
        let sign = delta > 0 ? "+" : delta < 0 ? "−" : "±"
        let magnitude = Self.trimmed(abs(delta), decimals: unit == .currency ? 0 : 1)
        return sign + magnitude + (unit == .percent ? " pts" : "")
    }

    /// Whether a value meets the target, given which way is better.
    public func meets(_ value: Double, target: Double) -> Bool {
        higherIsBetter ? value >= target : value <= target
    }

    /// `value` with at most `decimals` decimals, trailing zeros dropped: C's `%.Nf` rounding,
    /// through `snprintf` into a buffer (Foundation's `String(format:)` cost 9% of a rebuild,
    /// every number of every card being formatted).
    static func trimmed(_ value: Double, decimals: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let written = buffer.withUnsafeMutableBufferPointer { pointer in
            withVaList([Int32(max(0, min(decimals, 17))), value]) { vsnprintf(pointer.baseAddress, 64, "%.*f", $0) }
        }
        guard written > 0, written < 64 else { return String(value) }
        var bytes = buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }
        if bytes.contains(UInt8(ascii: ".")) {
            while bytes.last == UInt8(ascii: "0") { bytes.removeLast() }
            if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return text == "-0" ? "0" : text
    }

    static func grouped(_ value: Double) -> String {
        guard abs(value) < 1e15 else { return String(format: "%.0f", value) }
        let whole = Int(value.rounded())
        var digits = String(abs(whole))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (whole < 0 ? "−" : "") + groups.joined(separator: ",")
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
