import CXCore
import TestSupport
import Testing

/// NPS, CSAT and CES with their intervals, the change test, Benjamini–Hochberg and the trend
/// test, against values computed by hand (with mpmath at 30 digits; docs/metrics.md).
struct StatisticsTests {
    static func close(_ a: Double?, _ b: Double?, _ tolerance: Double = 0.0001) -> Bool {
        switch (a, b) {
        case (let a?, let b?): abs(a - b) <= tolerance
        case (nil, nil): true
        default: false
        }
    }

    @Test(arguments: [
        // promoters, detractors, n → NPS, adjusted-Wald low and high
        (6, 2, 10, 40.0, -12.585580, 74.124042),  // n′ = 13, p′ = 6.75/13, d′ = 2.75/13
        (1, 0, 1, 100.0, -48.498649, 98.498649),  // n = 1
        (0, 0, 1, 0.0, -60.011396, 60.011396),  // one passive
        (50, 0, 50, 100.0, 86.644321, 100.0),  // all promoters: cut at +100
        (0, 40, 40, -100.0, -100.0, -83.581699),  // all detractors: cut at −100
        (25, 25, 100, 0.0, -13.655716, 13.655716),  // symmetric
    ])
    func npsShowsThePlainScoreWithTheAdjustedWaldInterval(
        _ promoters: Int, _ detractors: Int, _ n: Int,
        _ value: Double, _ low: Double, _ high: Double
    ) throws {
        let estimate = try #require(SurveyStatistics.nps(promoters: Double(promoters), detractors: Double(detractors), n: Double(n)))
        let interval = try #require(estimate.interval)
        #expect(Self.close(estimate.value, value))
        #expect(Self.close(interval.lowerBound, low) && Self.close(interval.upperBound, high))
        #expect(Self.close(estimate.margin, (high - low) / 2))
    }

    @Test func noResponsesGiveNoValue() {
        #expect(SurveyStatistics.nps(promoters: 0, detractors: 0, n: 0) == nil)
        #expect(SurveyStatistics.csat(satisfied: 0, n: 0) == nil)
        #expect(SurveyStatistics.ces(mean: 0, meanOfSquares: 0, n: 0) == nil)
    }

    @Test(arguments: [
        // satisfied, n → CSAT, Wilson low and high
        (3, 4, 75.0, 30.064184, 95.441274),
        (1, 1, 100.0, 20.654931, 100.0),
        (0, 1, 0.0, 0.0, 79.345069),
        (45, 50, 90.0, 78.639769, 95.652424),
        (0, 30, 0.0, 0.0, 11.351339),
    ])
    func csatHasTheWilsonInterval(_ satisfied: Int, _ n: Int, _ value: Double, _ low: Double, _ high: Double) throws {
        let estimate = try #require(SurveyStatistics.csat(satisfied: Double(satisfied), n: Double(n)))
        let interval = try #require(estimate.interval)
        #expect(Self.close(estimate.value, value))
        #expect(Self.close(interval.lowerBound, low) && Self.close(interval.upperBound, high))
    }

    @Test(arguments: [
        // agree and total of each group → Newcombe's hybrid score interval, in points
        (56, 70, 48, 80, 5.243147, 33.387265),  // Newcombe (1998), table II, example (a): 0.0524 to 0.3339
        (13, 16, 97, 1214, 48.944201, 85.498172),
        (9, 10, 0, 10, 48.825773, 98.212374),
        (1, 3, 2, 3, -71.777511, 31.580068),
    ])
    func aDifferenceOfSharesHasNewcombesInterval(_ a: Int, _ nA: Int, _ b: Int, _ nB: Int, _ low: Double, _ high: Double) {
        let interval = SurveyStatistics.newcombe(a: Double(a), nA: Double(nA), b: Double(b), nB: Double(nB))
        #expect(Self.close(interval.lowerBound, low) && Self.close(interval.upperBound, high))
    }

    @Test(arguments: [
        // intervals → the ranks each could hold
        ([0.7...0.9, 0.6...0.8, 0.1...0.3], [1...2, 1...2, 3...3]),
        ([0.5...0.6, 0.1...0.2], [1...1, 2...2]),
        ([0.1...0.9, 0.5...0.6, 0.0...0.05], [1...2, 1...2, 3...3]),
        ([0.2...0.4], [1...1]),
    ])
    func ranksAreOnlyAsSharpAsTheIntervals(_ intervals: [ClosedRange<Double>], _ ranks: [ClosedRange<Int>]) {
        #expect(SurveyStatistics.rankRanges(intervals) == ranks)
    }

    @Test func cesHasStudentsTIntervalWithNMinusOneDegreesOfFreedom() throws {
        // 5, 6, 7: mean 6, s = 1, se = 1/√3, t(0.975; 2) = 4.302653.
        let estimate = try #require(SurveyStatistics.ces(mean: 6, meanOfSquares: 110.0 / 3, n: 3))
        #expect(Self.close(estimate.value, 6))
        #expect(Self.close(estimate.interval?.lowerBound, 3.515862) && Self.close(estimate.interval?.upperBound, 8.484138))
        // One response: a mean, but no interval. All alike: an interval of width zero.
        let single = try #require(SurveyStatistics.ces(mean: 4, meanOfSquares: 16, n: 1))
        #expect(single.value == 4 && single.interval == nil && single.margin == nil)
        #expect(SurveyStatistics.ces(mean: 4, meanOfSquares: 16, n: 5)?.margin == 0)
    }

    @Test(arguments: [(1.0, 1.0, 1.0), (4, 4, 4), (4.5, 6.25, 3.24), (10, 50, 2)])
    func kishsEffectiveSampleSize(_ sum: Double, _ squares: Double, _ effective: Double) {
        #expect(Self.close(SurveyStatistics.effectiveN(sum: sum, squares: squares), effective))
    }

    @Test(arguments: [
        (1.0, 12.706204736), (2, 4.302652730), (5, 2.570581836), (10, 2.228138852),
        (29, 2.045229642), (100, 1.983971519),
    ])
    func studentsTQuantiles(_ degreesOfFreedom: Double, _ quantile: Double) {
        #expect(Self.close(SurveyStatistics.studentT(quantile: 0.975, degreesOfFreedom: degreesOfFreedom), quantile, 1e-7))
        #expect(Self.close(SurveyStatistics.studentT(quantile: 0.025, degreesOfFreedom: degreesOfFreedom), -quantile, 1e-7))
    }

    @Test(arguments: [
        (30.0, 2.0, 36.0, 2.0, 0.033895, true),  // z = 6/√8 = 2.121
        (30.0, 3.0, 34.0, 3.0, 0.345779, false),  // z = 4/√18 = 0.943
        (30.0, 3.0, 20.0, 3.0, 0.018422, true),  // falls are significant too: z = −2.357
    ])
    func aChangeIsATwoSampleZTestWithItsP(
        _ before: Double, _ seBefore: Double, _ after: Double, _ seAfter: Double,
        _ p: Double, _ significant: Bool
    ) {
        let change = SurveyStatistics.change(
            from: SurveyEstimate(value: before, standardError: seBefore),
            to: SurveyEstimate(value: after, standardError: seAfter))
        #expect(change.delta == after - before)
        #expect(Self.close(change.p, p, 1e-5))
        #expect(change.isSignificant == significant)
    }

    @Test func noSpreadMeansNoTest() {
        let change = SurveyStatistics.change(
            from: SurveyEstimate(value: 100, standardError: 0),
            to: SurveyEstimate(value: 100, standardError: 0))
        #expect(change.z == nil && change.p == nil && !change.isSignificant)
    }

    @Test(arguments: [
        ([0.01, 0.04, 0.03, 0.005], [true, true, true, true]),
        ([0.01, 0.02, 0.03, 0.5], [true, true, true, false]),
        // Raw p < 0.05 would call three of these; over the family of four only the first holds.
        ([0.01, 0.04, 0.045, 0.6], [true, false, false, false]),
        // Ties: the first 0.02 alone misses its rank's bar (1 × 0.05/3), the second meets its
        // own (2 × 0.05/3), and tied p-values are decided alike.
        ([0.02, 0.9, 0.02], [true, false, true]),
        ([0.03, 0.03, 0.03, 0.2], [true, true, true, false]),
        ([0.06], [false]),
        ([], []),
    ])
    func benjaminiHochbergControlsTheFalseDiscoveryRate(_ pValues: [Double], _ expected: [Bool]) {
        #expect(SurveyStatistics.benjaminiHochberg(pValues, q: 0.05) == expected)
    }

    /// Pearson's r of `xs` and `ys` through ``SurveyStatistics/correlation(n:x:y:xx:yy:xy:)``.
    static func correlation(_ xs: [Double], _ ys: [Double]) -> SurveyStatistics.Correlation? {
        let squaresX: Double = xs.map { $0 * $0 }.reduce(0, +)
        let squaresY: Double = ys.map { $0 * $0 }.reduce(0, +)
        let products: Double = zip(xs, ys).map { $0 * $1 }.reduce(0, +)
        return SurveyStatistics.correlation(
            n: xs.count, x: xs.reduce(0, +), y: ys.reduce(0, +),
            xx: squaresX, yy: squaresY, xy: products)
    }

    @Test func pearsonsRWithTheFisherZInterval() throws {
        // (1, 2), (2, 4), (3, 5), (4, 4), (5, 6): r = 0.852803; z ± 1.96/√2.
        let xs = [1.0, 2, 3, 4, 5]
        let ys = [2.0, 4, 5, 4, 6]
        let correlation = try #require(Self.correlation(xs, ys))
        #expect(Self.close(correlation.r, 0.852803) && Self.close(correlation.low, -0.118996) && Self.close(correlation.high, 0.990111))
        #expect(!correlation.isSignificant)  // five pairs: the interval spans 0
        // Three pairs, or no spread on one side, give no correlation.
        #expect(SurveyStatistics.correlation(n: 3, x: 6, y: 11, xx: 14, yy: 45, xy: 25) == nil)
        #expect(SurveyStatistics.correlation(n: 4, x: 8, y: 10, xx: 16, yy: 30, xy: 20) == nil)  // x always 2
    }

    @Test func aTrendIsAWeightedLeastSquaresSlope() throws {
        // Weights 1, 1, ¼, ¼: slope 0.876404, se 0.670402 (the residuals are within sampling
        // noise, so the scale stays 1), p 0.321200 from t with 2 df (scipy) — no clear trend.
        let loose = try #require(SurveyStatistics.trend([(0, 0, 1), (1, 1, 1), (2, 1, 2), (3, 3, 2)]))
        #expect(Self.close(loose.slope, 0.876404) && Self.close(loose.standardError, 0.670402))
        #expect(Self.close(loose.p, 0.321200) && loose.direction == .none)
        // 10, 20, 30 with se 1: slope 10, se √½, p 0.044941 with 1 df.
        let steep = try #require(SurveyStatistics.trend([(0, 10, 1), (1, 20, 1), (2, 30, 1)]))
        #expect(Self.close(steep.slope, 10) && Self.close(steep.standardError, 0.5.squareRoot()) && Self.close(steep.p, 0.044941))
        #expect(steep.direction == .rising)
        #expect(SurveyStatistics.trend([(0, 30, 1), (1, 20, 1), (2, 10, 1)])?.direction == .falling)
    }

    /// Quarters that swing ±3 points around a level with se 1 were "rising" (p 0.001): the
    /// slope's error assumed sampling was the only movement. The residual scale (7.77 here)
    /// widens it: se 0.666394, p 0.311437 (scipy, t with 4 df).
    @Test func aTrendAllowsForSwingsBeyondSamplingNoise() throws {
        let swings = try #require(SurveyStatistics.trend([(0, 10, 1), (1, 14, 1), (2, 9, 1), (3, 15, 1), (4, 11, 1), (5, 16, 1)]))
        #expect(Self.close(swings.slope, 0.771429) && Self.close(swings.standardError, 0.666394) && Self.close(swings.p, 0.311437))
        #expect(swings.direction == .none)
        // A missing period widens the window the page names.
        let gap = try #require(SurveyStatistics.trend([(0, 10, 1), (1, 20, 1), (3, 40, 1)]))
        #expect(gap.periods == 3 && gap.span == 4 && gap.window == "over 3 of the last 4 periods")
        // Two points, or points without spread, are no trend.
        #expect(SurveyStatistics.trend([(0, 10, 1), (1, 20, 1)]) == nil)
        #expect(SurveyStatistics.trend([(0, 10, 0), (1, 20, 0), (2, 30, 0)]) == nil)
    }

    /// One NPS answer: 1 promoter, −1 detractor, 0 passive, drawn with the given shares.
    private static func answer(promoters: Double, detractors: Double, _ random: inout SeededGenerator) -> Int {
        let u = Double.random(in: 0..<1, using: &random)
        return u < promoters ? 1 : u < promoters + detractors ? -1 : 0
    }

    /// The 95% intervals cover the truth about 95% of the time (the bar: 93%), in
    /// seeded samples: NPS's adjusted Wald, and a theme's impact with the share's error in it.
    /// The impact's old error, which held the share fixed, covered 50–86% in these cases.
    @Test(arguments: [
        // n, share mentioning, promoters and detractors among them, then among the others.
        (500, 0.2, 0.1, 0.6, 0.45, 0.2),
        (1_000, 0.05, 0.0, 0.9, 0.5, 0.2),
    ])
    func intervalsCoverTheTruthInSimulation(
        _ n: Int, _ share: Double, _ promotersWith: Double, _ detractorsWith: Double, _ promotersOthers: Double, _ detractorsOthers: Double
    ) throws {
        var random = SeededGenerator(state: 27)
        let trueOthers = 100 * (promotersOthers - detractorsOthers)
        let trueAll = share * 100 * (promotersWith - detractorsWith) + (1 - share) * trueOthers
        let trueImpact = trueAll - trueOthers
        let samples = 1_000
        var npsCovered = 0
        var impactCovered = 0
        for _ in 0..<samples {
            var with = (n: 0.0, promoters: 0.0, detractors: 0.0)
            var others = (n: 0.0, promoters: 0.0, detractors: 0.0)
            for _ in 0..<n {
                let mentions = Double.random(in: 0..<1, using: &random) < share
                let score =
                    mentions
                    ? Self.answer(promoters: promotersWith, detractors: detractorsWith, &random)
                    : Self.answer(promoters: promotersOthers, detractors: detractorsOthers, &random)
                if mentions {
                    with.n += 1
                    with.promoters += score == 1 ? 1 : 0
                    with.detractors += score == -1 ? 1 : 0
                } else {
                    others.n += 1
                    others.promoters += score == 1 ? 1 : 0
                    others.detractors += score == -1 ? 1 : 0
                }
            }
            let all = try #require(
                SurveyStatistics.nps(promoters: with.promoters + others.promoters, detractors: with.detractors + others.detractors, n: Double(n)))
            if try #require(all.interval).contains(trueAll) { npsCovered += 1 }
            guard let withEstimate = SurveyStatistics.nps(promoters: with.promoters, detractors: with.detractors, n: with.n),
                let othersEstimate = SurveyStatistics.nps(promoters: others.promoters, detractors: others.detractors, n: others.n)
            else { continue }
            let error = try #require(
                SurveyStatistics.impactStandardError(with: withEstimate, without: othersEstimate, share: with.n / Double(n), n: Double(n)))
            if abs(all.value - othersEstimate.value - trueImpact) <= SurveyStatistics.z95 * error { impactCovered += 1 }
        }
        #expect(Double(npsCovered) / Double(samples) >= 0.93)
        #expect(Double(impactCovered) / Double(samples) >= 0.93)
    }
}
