import TestSupport
import Testing

/// The measure the linear-time tests rely on: it must tell linear work from quadratic work,
/// however busy the machine, and a retry must never turn quadratic work into a pass.
@Suite struct LinearCostTests {
    /// Sums over a list, `pairs` times each element: with `pairs == 1` linear in the list,
    /// with `pairs == count` quadratic.
    private static func sum(_ values: [Int], pairs: Int) -> Int {
        var total = 0
        for value in values {
            for other in values.prefix(pairs) { total &+= value &* other }
        }
        return total
    }

    @Test func linearWorkIsUnderTheBound() {
        let linear: ([Int]) -> Void = { _ = LinearCostTests.sum($0, pairs: 8) }
        let growth = LinearCost.growth(from: 20_000, input: { Array(0..<$0) }, linear)
        #expect(growth < LinearCost.bound)
    }

    @Test func quadraticWorkIsOverTheBoundEveryTime() {
        let quadratic: ([Int]) -> Void = { _ = LinearCostTests.sum($0, pairs: $0.count) }
        let growth = LinearCost.growth(from: 300, input: { Array(0..<$0) }, quadratic)
        #expect(growth > LinearCost.bound)
    }
}
