import Foundation
import TestSupport
import Testing

@testable import CXCore

/// Sites where nothing changes, made with a seeded generator, as a statistician would check
/// the scorecard: people answer NPS at one to three touchpoints (their answers mostly alike),
/// and quarters swing around one level without a trend. The share of quarters that show any
/// "significant" change, and of trend verdicts, stays at 5%, within the simulation's error
/// (docs/metrics.md). Without the variance clustered by person, 16% of these quarters showed one.
struct FalseAlarmTests {
    private static let touchpoints = ["web", "phone", "shop"]
    private static let segments = ["home", "small", "large"]
    private let config = SiteConfig(
        title: "T", period: .quarter, touchpoints: Self.touchpoints.map { Touchpoint(id: $0, name: $0) },
        metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil)

    /// One site's responses: `quarters` quarters from 2024, `people` people each, every
    /// quarter's promoter share moved by up to `swing` at random.
    private static func responses(seed: UInt64, quarters: Int, people: Int, swing: Double) -> String {
        var random = SeededGenerator(state: seed)
        var csv = "date,metric,score,touchpoint,segment,respondent\n"
        for quarter in 0..<quarters {
            let shift = Double.random(in: -swing...swing, using: &random)
            let date = String(format: "%04d-%02d-15", 2024 + quarter / 4, quarter % 4 * 3 + 2)
            for person in 0..<people {
                let segment = segments[Int.random(in: 0..<segments.count, using: &random)]
                let answers = Int.random(in: 1...3, using: &random)
                let leaning = Double.random(in: 0..<1, using: &random)
                for touchpoint in touchpoints.shuffled(using: &random).prefix(answers) {
                    // Mostly the person's own leaning; sometimes a touchpoint moves them.
                    let draw = Double.random(in: 0..<1, using: &random) < 0.75 ? leaning : Double.random(in: 0..<1, using: &random)
                    let score = draw < 0.45 + shift ? 9 + Int(draw * 10) % 2 : draw < 0.8 ? 7 + Int(draw * 10) % 2 : Int(draw * 100) % 7
                    csv += "\(date),nps,\(score),\(touchpoint),\(segment),q\(quarter)p\(person)\n"
                }
            }
        }
        return csv
    }

    private func scorecard(_ csv: String) throws -> Scorecard {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("false-alarms-\(UUID().uuidString).csv")
        try Data(csv.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let (aggregates, diagnostics, _) = ResponseAggregator(config: config).aggregate(
            [("content/responses/r.csv", url)], now: Clock.test.instant)
        #expect(diagnostics.isEmpty)
        let today = try #require(Day(year: 2030, month: 1, day: 1))
        return Scorecard.make(config: config, snapshots: [], responses: aggregates, content: Content(), today: today).0
    }

    private var groups: [Scorecard.Group] {
        [.all] + Self.segments.map { .segment($0) } + Self.touchpoints.map { .touchpoint($0) }
    }

    /// The most a rate measured over `trials` may be when the truth is 5%: two standard errors over.
    private static func bound(_ trials: Int) -> Double { 0.05 + 2 * (0.05 * 0.95 / Double(trials)).squareRoot() }

    @Test func quartersWhereNothingChangesShowNoSignificantChange() throws {
        var quarters = 0
        var alarms = 0
        for seed in 0..<30 {
            let scorecard = try scorecard(Self.responses(seed: UInt64(seed), quarters: 5, people: 100, swing: 0))
            for point in scorecard.points("nps").dropFirst() {
                quarters += 1
                let tested = groups.compactMap { group in
                    scorecard.point("nps", group, in: point.period).flatMap { scorecard.change("nps", group, at: $0) }
                }
                #expect(tested.count >= 4)  // everyone and the touchpoints; a small segment may be below min_n
                if tested.contains(where: { $0.isSignificant == true }) { alarms += 1 }
            }
        }
        #expect(quarters == 120)
        #expect(Double(alarms) / Double(quarters) <= Self.bound(quarters), "\(alarms) of \(quarters) quarters")
    }

    @Test func quartersThatSwingWithoutATrendAreNotCalledRisingOrFalling() throws {
        var verdicts = 0
        var trends = 0
        for seed in 0..<25 {
            let scorecard = try scorecard(Self.responses(seed: UInt64(1_000 + seed), quarters: 8, people: 100, swing: 0.05))
            for point in scorecard.points("nps").suffix(4) {
                let trend = try #require(scorecard.trend("nps", through: point))
                verdicts += 1
                if trend.direction != .none { trends += 1 }
            }
        }
        #expect(verdicts == 100)
        #expect(Double(trends) / Double(verdicts) <= Self.bound(verdicts), "\(trends) of \(verdicts) trend verdicts")
    }

    /// A person who answers at three touchpoints is one person: the effective n of everyone's
    /// NPS is below the number of answers, and a segment's with it.
    @Test func peopleWhoAnswerSeveralTimesCountAsFewerThanTheirAnswers() throws {
        let scorecard = try scorecard(Self.responses(seed: 7, quarters: 1, people: 150, swing: 0))
        let all = try #require(scorecard.points("nps").first)
        let answers = try #require(all.n)
        let effective = try #require(all.effectiveN)
        #expect(effective < Double(answers) * 0.8 && effective > 150 * 0.8, "\(effective) of \(answers) answers from 150 people")
        let segment = try #require(scorecard.points("nps", .segment("home")).first)
        #expect(try #require(segment.effectiveN) < Double(try #require(segment.n)))
        // A touchpoint, which a person answers once, keeps its n.
        #expect(scorecard.points("nps", .touchpoint("web")).first?.effectiveN == nil)
    }

    /// CSAT and CES count people too: sixty people who give the same answer at three
    /// touchpoints are about sixty, not 180 (the design effect of identical answers, (3G − 1)/(G − 1)).
    @Test(arguments: [("csat", [5, 4, 2, 1, 3]), ("ces", [7, 6, 2, 5, 3])])
    func everyMetricCountsPeopleWhoAnswerSeveralTimes(_ metric: String, _ scores: [Int]) throws {
        var csv = "date,metric,score,touchpoint,segment,respondent\n"
        for person in 0..<60 {
            for touchpoint in Self.touchpoints { csv += "2026-08-01,\(metric),\(scores[person % scores.count]),\(touchpoint),home,p\(person)\n" }
        }
        let scorecard = try scorecard(csv)
        let all = try #require(scorecard.points(metric).first)
        #expect(all.n == 180)
        let effective = try #require(all.effectiveN)
        #expect(abs(effective - 180 / (179.0 / 59.0)) < 1e-6, "\(effective)")
        #expect(scorecard.points(metric, .touchpoint("web")).first?.effectiveN == nil)
    }
}
