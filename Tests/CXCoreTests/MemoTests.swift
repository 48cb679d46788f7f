import Testing

@testable import CXCore

/// Work done once a key and kept: Student's t quantiles, stories' cards.
struct MemoTests {
    @Test func aQuantileIsBisectedOnceAndKept() {
        let degreesOfFreedom = 123.25  // a weighted sample's, asked for by no other test
        let first = SurveyStatistics.studentT(quantile: 0.975, degreesOfFreedom: degreesOfFreedom)
        #expect(first == SurveyStatistics.bisectedStudentT(quantile: 0.975, degreesOfFreedom: degreesOfFreedom))
        let kept = SurveyStatistics.tQuantiles.value(for: .init(quantile: 0.975, degreesOfFreedom: degreesOfFreedom)) { -1 }
        #expect(kept == first)
    }

    @Test func aMemoMakesEachValueOnceUpToItsLimit() {
        let memo = Memo<Int, Int>(limit: 2)
        var made: [Int] = []
        for key in [1, 2, 1, 3, 3, 2] {
            #expect(
                memo.value(for: key) {
                    made.append(key)
                    return key * 10
                } == key * 10)
        }
        #expect(made == [1, 2, 3, 3])  // 3 came past the limit: made each time, not kept
    }
}
