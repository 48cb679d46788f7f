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

    /// Colour means one thing (#30): a level is neutral whatever its sign, green and red mark
    /// a change better or worse, the accent a value clearly below target; a legend names them.
    @Test(arguments: [
        (Charts.Datum(label: "Installation", value: 21.6, interval: nil, text: "+21.6"), "bar-value", false),
        (Charts.Datum(label: "Billing", value: -5, interval: nil, text: "−5.0"), "bar-value", false),
        (Charts.Datum(label: "Support", value: 2, interval: nil, text: "+2.0", isChange: true), "bar-better", true),
        (Charts.Datum(label: "Support", value: -2, interval: nil, text: "−2.0", isChange: true), "bar-worse", true),
        (Charts.Datum(label: "Billing", value: 12, interval: nil, text: "+12", missesTarget: true), "bar-short", true),
    ])
    func aBarsColourSaysOneThingAndTheLegendNamesIt(datum: Charts.Datum, kind: String, hasLegend: Bool) {
        let svg = Charts.bars([datum], title: "t")
        #expect(svg.contains("class=\"bar \(kind)\" x=") && !svg.contains("bar-positive") && !svg.contains("bar-negative"))
        #expect(svg.contains("<g class=\"legend\"") == hasLegend)
        if hasLegend {
            let name = ["bar-better": "better", "bar-worse": "worse", "bar-short": "clearly below target ▼"][kind]!
            #expect(svg.contains(">\(name)</text>"))
        }
    }

    @Test func joinedAndLeftAreBackToBackWithTheNetAtTheEnd() {
        let svg = Charts.joinedAndLeft(
            [
                Charts.FlowRow(label: "Q2 2026", joined: 4000, left: 3500, joinedText: "4,000", leftText: "3,500", netText: "net +500"),
                Charts.FlowRow(label: "Q3 2026", joined: 4180, left: 3640, joinedText: "4,180", leftText: "3,640", netText: "net +540"),
            ], title: "Customers who joined and left")
        #expect(svg.contains("<svg class=\"chart flow wide\"") && svg.contains("<svg class=\"chart flow narrow\""))
        // Left to the left of the middle line, joined to its right, in the rows' order.
        let wide = String(svg[..<svg.range(of: "<svg class=\"chart flow narrow\"")!.lowerBound])
        let middle = 130.0 + 70 + 230
        let worse = wide.matches(of: /class="bar bar-worse" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)"/).map { (Double($0.1)!, Double($0.2)!) }
        let better = wide.matches(of: /class="bar bar-better" x="([0-9.]+)"/).map { Double($0.1)! }
        #expect(worse.count == 2 && worse.allSatisfy { abs($0.0 + $0.1 - middle) < 0.01 })
        #expect(better == [middle, middle])
        #expect(wide.contains(">net +540</text>") && wide.contains(">← left</text>") && wide.contains(">joined →</text>"))
        #expect(wide.range(of: ">Q2 2026<")!.lowerBound < wide.range(of: ">Q3 2026<")!.lowerBound)
        #expect(svg.contains("<desc>Q2 2026: 4,000 joined, 3,500 left, net +500; Q3 2026: 4,180 joined, 3,640 left, net +540</desc>"))
        #expect(svg.contains(">Q3 2026 · net +540</text>"))  // on a phone, the net goes with the period
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
