import Testing

@testable import CXCore

/// The inline SVG charts: two layouts, the target, words beside colour, labelled ends.
struct ChartsTests {
    @Test func barsComeSideBySideAndStackedWithTheTargetAsALine() {
        let svg = Charts.bars(
            [
                Charts.Datum(label: "Billing", value: 12, interval: 4...20, text: "+12 ± 8", missesTarget: true),
                Charts.Datum(label: "Support", value: 35, interval: 30...40, text: "+35 ± 5"),
            ], title: "NPS by touchpoint", references: [Charts.Reference(kind: .target, value: 30, label: "target +30")])
        #expect(svg.components(separatedBy: "<svg class=\"chart bars ").count == 3)
        #expect(svg.contains("<svg class=\"chart bars wide\"") && svg.contains("<svg class=\"chart bars narrow\""))
        // The target is a line with its value; the bar short of it is set apart by class and by a mark.
        #expect(svg.components(separatedBy: "class=\"target\"").count == 3)
        #expect(svg.contains(">target +30</text>"))
        #expect(svg.contains("class=\"bar bar-short\"") && svg.contains(">+12 ± 8 ▼</text>"))
        #expect(svg.contains("<desc>Billing: +12 ± 8, short of the target; Support: +35 ± 5; target +30</desc>"))
        #expect(!svg.contains("width=\"610\""))  // no fixed size: the chart scales with its box
    }

    @Test func aSparklineIsLabelledWithItsFirstAndLastValues() {
        let svg = Charts.sparkline(
            [("Q1 2026", 18.0), ("Q2 2026", 20.0), ("Q3 2026", 31.0)].map {
                Charts.Datum(label: $0.0, value: $0.1, interval: nil, text: "+\(Int($0.1)) ± 3")
            }, title: "NPS")
        #expect(svg.contains("text-anchor=\"end\" font-size=\"16\" fill=\"currentColor\">+18</text>"))
        #expect(svg.contains("text-anchor=\"start\" font-size=\"16\" fill=\"currentColor\">+31</text>"))
        // A period in progress is no figure to read off: its end says "to date".
        let partial = Charts.sparkline(
            [
                Charts.Datum(label: "Q3", value: 30, interval: nil, text: "+30"),
                Charts.Datum(label: "Q4 to date", value: 33, interval: nil, text: "+33"),
            ],
            title: "NPS", lastIsPartial: true)
        #expect(partial.contains(">to date</text>") && !partial.contains(">+33</text>"))
    }

    @Test(arguments: [
        ("We deliver a superior customer experience", 20, ["We deliver a", "superior customer", "experience"]),
        ("Short", 20, ["Short"]),
        ("Unbreakablewordlongerthantheline here", 10, ["Unbreakablewordlongerthantheline", "here"]),
    ])
    func statementsWrapBetweenWords(_ text: String, _ length: Int, _ lines: [String]) {
        #expect(Charts.wrapped(text, at: length) == lines)
    }
}
