import Foundation
import Testing

@testable import CXCore

/// One formatter for every number a reader sees (#30): thousands grouped, the minus sign,
/// no `−0`, the same decimals for a metric everywhere.
struct NumberTextTests {
    @Test(arguments: [
        (4180.0, 0, false, "4,180"), (80_050, 0, false, "80,050"), (-10.14, 1, false, "−10.1"),
        (-0.04, 1, false, "0.0"), (-0.4, 0, false, "0"), (1_234_567.891, 2, false, "1,234,567.89"),
        (999.5, 0, false, "1,000"), (1.10, 2, true, "1.1"), (-2.0, 2, true, "−2"), (0.4, 2, false, "0.40"),
        (123, 0, false, "123"), (.nan, 1, false, "—"),
    ])
    func decimals(value: Double, decimals: Int, trimming: Bool, expected: String) {
        #expect(NumberText.decimal(value, decimals: decimals, trimming: trimming) == expected)
    }

    @Test(arguments: [(3.14, "+3.1"), (-3.14, "−3.1"), (0.04, "0.0"), (-0.04, "0.0"), (1500, "+1,500.0")])
    func signs(value: Double, expected: String) {
        #expect(NumberText.signed(value, decimals: 1) == expected)
    }

    @Test func coordinatesStayPlainForSVG() {
        #expect(NumberText.coordinate(-1234.56) == "-1234.6")
        #expect(NumberText.coordinate(-0.01) == "0")
        #expect(NumberText.coordinate(12.0) == "12")
    }

    /// Coordinates worked out in integers read exactly as C's `%.1f` rounds them, ties (0.25,
    /// 0.35, which is 0.34999… in binary) and values too large for the integers included.
    @Test(arguments: [0.0, 0.05, 0.25, 0.35, 1.45, 2.5, 999.95, 1e9, 3e12, -0.05, -0.25, -7.75, 0.1 + 0.2, 1 / 3.0])
    func coordinatesRoundAsPrintfDoes(_ value: Double) {
        let scale = value == 0 ? 1 : value
        let steps = (-2_000...2_000).map(Double.init)
        let values = [value, -value] + steps.map { $0 / 20 * scale } + steps.map { $0 * 0.012_345_678_9 * scale }
        for value in values {
            var printf = String(format: "%.1f", value)
            if printf.hasSuffix(".0") { printf.removeLast(2) }
            #expect(NumberText.coordinate(value) == (printf == "-0" ? "0" : printf), "\(value)")
        }
    }

    /// A metric reads with the same decimals on every page: NPS one, percentages one, CES two
    /// with its scale, unless `decimals:` says otherwise; its changes carry their unit.
    @Test func aMetricKeepsItsDecimalsAndItsChangesTheirUnit() {
        let builtIn = MetricDefinition.builtIn
        #expect(builtIn[0].format(17) == "+17.0" && builtIn[0].format(30.46) == "+30.5" && builtIn[0].format(-90) == "−90.0")
        #expect(builtIn[0].formatDelta(12) == "+12.0 pts" && builtIn[0].formatDelta(-0.01) == "0.0 pts")
        #expect(builtIn[1].format(1) == "1.0%" && builtIn[1].formatDelta(-6.8) == "−6.8 pts")
        #expect(builtIn[2].format(5) == "5.00" && builtIn[2].scaleText == "of 7" && builtIn[0].scaleText == nil)
        var count = MetricDefinition(id: "joined", name: "Joined", unit: .number, higherIsBetter: true, target: nil, isSurvey: false)
        #expect(count.format(4180) == "4,180" && count.formatDelta(540) == "+540")
        count.configuredDecimals = 1
        #expect(count.format(4180) == "4,180.0")
    }

    /// What a reader sees on every page of the sample site and of the basic fixture: no
    /// hyphen for a minus before a digit, and no number of four digits or more without its
    /// separator, years aside.
    @Test(arguments: [TestSite.BuiltSite.sample, .basic])
    func everyPageWritesNumbersAlike(site: TestSite.BuiltSite) throws {
        let built = try TestSite(built: site)
        defer { built.cleanUp() }
        let problems = try built.outputFiles().filter { $0.key.hasSuffix(".html") }.sorted { $0.key < $1.key }.flatMap { path, data in
            Self.numberProblems(in: String(decoding: data, as: UTF8.self)).map { "\(path): \($0)" }
        }
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }

    @Test func theCheckFindsHyphensAndUngroupedNumbers() {
        let problems = Self.numberProblems(
            in: "<td>-10.1</td><td>n&nbsp;=&nbsp;4180</td><p>Q3 2026, 4,180, id-2031, −3, −0.0 (within the noise), −0.04</p>")
        #expect(
            problems.count == 3 && problems[0].contains("-10.1") && problems[1].contains("4180") && problems[2].contains("−0.0 (within"),
            "\(problems)")
    }

    /// Hyphens for a minus before a digit, and numbers of four digits or more without their
    /// separator (years aside), in what a reader sees of `html`.
    static func numberProblems(in html: String) -> [String] {
        let text = visibleText(html)
        var problems: [String] = []
        for match in text.matches(of: /(?:^|[^\p{L}\p{N}_])-\d/) {
            problems.append("hyphen for a minus in “\(around(match.range, in: text))”")
        }
        for match in text.matches(of: /(?:^|[^\p{L}\p{N}_.,\-])(\d{4,})(?![\d\-])/) {
            if let year = Int(match.output.1), (1900...2100).contains(year) { continue }
            problems.append("no thousands separator in “\(around(match.range, in: text))”")
        }
        for match in text.matches(of: /[−+]0(?:\.0+)?(?![\d.])/) {
            problems.append("a signed zero in “\(around(match.range, in: text))”")
        }
        return problems
    }

    /// The text of a page as a reader sees it: tags, scripts and styles gone, entities read.
    static func visibleText(_ html: String) -> String {
        html.replacing(/<(script|style)[\s\S]*?<\/\1>/, with: " ").replacing(/<[^>]*>/, with: " ")
            .replacing("&nbsp;", with: "\u{00A0}").replacing("&amp;", with: "&").replacing("&#39;", with: "'")
    }

    private static func around(_ range: Range<String.Index>, in text: String) -> String {
        let start = text.index(range.lowerBound, offsetBy: -20, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(range.upperBound, offsetBy: 12, limitedBy: text.endIndex) ?? text.endIndex
        return String(text[start..<end]).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
