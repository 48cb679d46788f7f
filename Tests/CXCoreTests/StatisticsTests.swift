import CXCore
import Testing

/// NPS, CSAT and CES with their margins of error, against hand-computed values (DOMAIN.md).
struct StatisticsTests {
    static func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 0.001) -> Bool {
        switch (a, b) {
        case let (a?, b?): abs(a - b) <= tolerance
        case (nil, nil): true
        default: false
        }
    }

    @Test(arguments: [
        // promoters, detractors, n → NPS, margin
        (6, 2, 10, 40.0, 1.96 * 100 * (0.64 / 10).squareRoot()),   // p .6, d .2: var = .8 − .16
        (1, 0, 1, 100.0, 0.0),                                      // n = 1
        (50, 0, 50, 100.0, 0.0),                                    // all promoters
        (0, 40, 40, -100.0, 0.0),                                   // all detractors
        (25, 25, 100, 0.0, 1.96 * 100 * (0.5 / 100).squareRoot()), // p = d = .25: var = .5
    ])
    func nps(_ promoters: Int, _ detractors: Int, _ n: Int, _ value: Double, _ margin: Double) throws {
        let estimate = try #require(SurveyStatistics.nps(promoters: promoters, detractors: detractors, n: n))
        #expect(Self.close(estimate.value, value))
        #expect(Self.close(estimate.margin, margin))
    }

    @Test func noResponsesGiveNoValue() {
        #expect(SurveyStatistics.nps(promoters: 0, detractors: 0, n: 0) == nil)
        #expect(SurveyStatistics.csat(satisfied: 0, n: 0) == nil)
        #expect(SurveyStatistics.ces(sum: 0, sumOfSquares: 0, n: 0) == nil)
    }

    @Test func csatIsTheShareOfFoursAndFives() throws {
        let estimate = try #require(SurveyStatistics.csat(satisfied: 3, n: 4))
        #expect(Self.close(estimate.value, 75))
        #expect(Self.close(estimate.margin, 1.96 * 100 * (0.75 * 0.25 / 4).squareRoot()))  // 42.435
        #expect(Self.close(SurveyStatistics.csat(satisfied: 1, n: 1)?.margin, 0))
    }

    @Test func cesIsTheMeanWithTheSampleStandardDeviation() throws {
        // 5, 6, 7: mean 6, s = 1, se = 1/√3.
        let estimate = try #require(SurveyStatistics.ces(sum: 18, sumOfSquares: 110, n: 3))
        #expect(Self.close(estimate.value, 6))
        #expect(Self.close(estimate.margin, 1.96 / 3.0.squareRoot()))
        // One response: a mean, but no margin.
        let single = try #require(SurveyStatistics.ces(sum: 4, sumOfSquares: 16, n: 1))
        #expect(single.value == 4 && single.margin == nil)
    }

    @Test(arguments: [
        (30.0, 2.0, 36.0, 2.0, true),    // z = 6/√8 = 2.12
        (30.0, 3.0, 34.0, 3.0, false),   // z = 4/√18 = 0.94
        (30.0, 3.0, 20.0, 3.0, true),    // falls are significant too: z = −2.36
        (100.0, 0.0, 100.0, 0.0, false), // no spread, no change
    ])
    func significanceIsATwoSampleZTest(_ before: Double, _ seBefore: Double, _ after: Double, _ seAfter: Double,
                                        _ significant: Bool) {
        let change = SurveyStatistics.change(from: SurveyEstimate(value: before, standardError: seBefore),
                                             to: SurveyEstimate(value: after, standardError: seAfter))
        #expect(change.delta == after - before)
        #expect(change.isSignificant == significant)
    }
}
