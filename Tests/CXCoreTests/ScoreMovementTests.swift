import Foundation
import TestSupport
import Testing

@testable import CXCore

/// Why the score moved: a headline change split into contributions that add up to it, rising
/// themes, benchmarks and a page per segment.
struct ScoreMovementTests {
    /// One group of responses in a quarter: how many promoters, passives and detractors, their
    /// segment and what they wrote.
    struct Group {
        var promoters: Int
        var passives: Int
        var detractors: Int
        var segment: String
        var comment: String
    }

    static let themes = """
        themes:
          - id: premium-rises
            name: Premium rises
            match: [premium went up]
          - id: paperwork
            name: Claims paperwork
            match: [paperwork]

        """

    /// A site whose Q2 and Q3 2026 relationship NPS answers are `groups`.
    static func site(q2: [Group], q3: [Group], minimumN: Int = 10) throws -> TestSite {
        let site = try TestSite(fixture: "basic")
        try site.write("content/themes.yaml", themes)
        var csv = "date,metric,score,segment,comment\n"
        for (date, groups) in [("2026-05-01", q2), ("2026-08-01", q3)] {
            for group in groups {
                let scores =
                    Array(repeating: 10, count: group.promoters) + Array(repeating: 8, count: group.passives)
                    + Array(repeating: 2, count: group.detractors)
                for score in scores { csv += "\(date),nps,\(score),\(group.segment),\(group.comment)\n" }
            }
        }
        try site.write("content/responses/r.csv", csv)
        try site.append("cxsite.yaml", "min_n: \(minimumN)\n")
        return site
    }

    /// Premium rises go from 20 to 60 of 200 answers, all detractors, paperwork stays at 40
    /// (10 promoters, 20 detractors), the rest (business) shrinks from 140 to 100 at +40.
    static let premiumRiseQ2 = [
        Group(promoters: 0, passives: 0, detractors: 20, segment: "home", comment: "The premium went up again"),
        Group(promoters: 10, passives: 10, detractors: 20, segment: "home", comment: "Too much paperwork"),
        Group(promoters: 70, passives: 56, detractors: 14, segment: "business", comment: ""),
    ]
    static let premiumRiseQ3 = [
        Group(promoters: 0, passives: 0, detractors: 60, segment: "home", comment: "The premium went up again"),
        Group(promoters: 10, passives: 10, detractors: 20, segment: "home", comment: "Too much paperwork"),
        Group(promoters: 50, passives: 40, detractors: 10, segment: "business", comment: ""),
    ]

    static func changes(of site: TestSite) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        return try #require((json as? [String: Any])?["changes"] as? [[String: Any]])
    }

    static func contribution(_ changes: [[String: Any]], by: String, _ id: String, segment: String? = nil) -> Double? {
        changes.first {
            $0["period"] as? String == "2026-Q3" && $0["metric"] as? String == "nps" && $0["by"] as? String == by
                && $0["id"] as? String == id && ($0["segment"] as? String) == segment
        }.map { ResponseTests.number($0["contribution"]) }
    }

    /// Q2: premium rises 20 of 200 (all detractors, −100), paperwork 40 (10/10/20, −25), the
    /// rest 140 (70/56/14, +40): NPS +13. Q3: premium rises 60, paperwork the same 40 at the
    /// same −25, the rest 100 at +40: NPS −15, a change of −28.
    ///
    /// By theme, w′(v′ − V₀) − w(v − V₀) with V₀ = 13: premium rises 0.3 × −113 − 0.1 × −113 =
    /// −22.6; paperwork 0.2 × −38 − 0.2 × −38 = 0, as its share and value did not move; the
    /// rest 0.5 × 27 − 0.7 × 27 = −5.4. −22.6 + 0 − 5.4 = −28.
    @Test func aChangeSplitsIntoContributionsThatAddUpAndASteadyThemeIsNotBlamed() throws {
        let site = try Self.site(
            q2: Self.premiumRiseQ2, q3: Self.premiumRiseQ3)
        defer { site.cleanUp() }
        try site.build()
        let changes = try Self.changes(of: site)
        #expect(try #require(Self.contribution(changes, by: "theme", "premium-rises")).isClose(to: -22.6))
        #expect(try #require(Self.contribution(changes, by: "theme", "paperwork")).isClose(to: 0))
        #expect(try #require(Self.contribution(changes, by: "theme", "other")).isClose(to: -5.4))
        // By segment: home 60 of 200 at −50 to 100 of 200 at −70; business 140 at +40 to 100 at +40.
        // home: 0.5 × (−70 − 13) − 0.3 × (−50 − 13) = −22.6; business: 0.5 × 27 − 0.7 × 27 = −5.4.
        #expect(try #require(Self.contribution(changes, by: "segment", "home")).isClose(to: -22.6))
        #expect(try #require(Self.contribution(changes, by: "segment", "business")).isClose(to: -5.4))
        #expect(Self.contribution(changes, by: "segment", "other") == nil)  // every response has a segment
        // Each split adds up to the headline's change, and each part has its interval around it.
        for by in ["theme", "segment"] {
            let parts = changes.filter { $0["by"] as? String == by && $0["segment"] is NSNull && $0["metric"] as? String == "nps" }
            #expect(parts.map { ResponseTests.number($0["contribution"]) }.reduce(0, +).isClose(to: -28), "\(by)")
            for part in parts {
                let (low, value, high) = (
                    ResponseTests.number(part["low"]), ResponseTests.number(part["contribution"]), ResponseTests.number(part["high"])
                )
                #expect(low <= value && value <= high, "\(part)")
            }
        }
        // Within the home segment (−50 to −70), by theme: premium rises 0.6 × (−100 + 50) − ⅓ × (−100 + 50) = −13⅓,
        // paperwork 0.4 × (−25 + 50) − ⅔ × (−25 + 50) = −6⅔: −20 in all.
        #expect(try #require(Self.contribution(changes, by: "theme", "premium-rises", segment: "home")).isClose(to: -40.0 / 3))
        #expect(try #require(Self.contribution(changes, by: "theme", "paperwork", segment: "home")).isClose(to: -20.0 / 3))
        // The scorecard opens its scores with the biggest parts, in one sentence.
        let scorecard = try site.page("scorecard/index.html")
        #expect(scorecard.contains("NPS fell 28.0 points since Q2 2026"), "\(scorecard)")
        #expect(scorecard.contains("Premium rises −22.6 (more customers mention it)"))
    }

    /// Groups too small to show are folded into "other", which still adds up.
    @Test func aGroupBelowTheMinimumIsPartOfOther() throws {
        let site = try Self.site(
            q2: [
                Group(promoters: 0, passives: 0, detractors: 5, segment: "home", comment: "Too much paperwork"),
                Group(promoters: 60, passives: 20, detractors: 15, segment: "home", comment: ""),
            ],
            q3: [
                Group(promoters: 0, passives: 0, detractors: 8, segment: "home", comment: "Too much paperwork"),
                Group(promoters: 50, passives: 30, detractors: 12, segment: "home", comment: ""),
            ], minimumN: 10)
        defer { site.cleanUp() }
        try site.build()
        let changes = try Self.changes(of: site)
        // Paperwork has 5 mentions in Q2, below min_n 10: no theme is shown, so no theme split.
        #expect(!changes.contains { $0["by"] as? String == "theme" })
        // One segment and nothing else: a split into one part says nothing, and is left out.
        #expect(!changes.contains { $0["by"] as? String == "segment" })
    }
}

extension ScoreMovementTests {
    /// The delta method's intervals cover each part's true contribution about 95% of the time:
    /// a theme that grows from 10% to 30% of the answers (its people 90% detractors), a steady
    /// one, and the rest, sampled 400 times at 600 answers a quarter (the theme always above `min_n`).
    @Test func contributionIntervalsCoverTheTruthInSimulation() {
        // (share, promoters, detractors) of each group, in Q2 and Q3.
        let q2 = [(0.1, 0.05, 0.9), (0.2, 0.3, 0.4), (0.7, 0.5, 0.15)]
        let q3 = [(0.3, 0.05, 0.9), (0.2, 0.3, 0.4), (0.5, 0.5, 0.15)]
        let base = q2.reduce(0) { $0 + $1.0 * 100 * ($1.1 - $1.2) }
        let truth = zip(q2, q3).map { old, new in new.0 * (100 * (new.1 - new.2) - base) - old.0 * (100 * (old.1 - old.2) - base) }
        let splitter = ChangeSplitter(
            responses: ResponseAggregates(),
            config: SiteConfig(title: "T", period: .quarter, touchpoints: [], metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil))
        var random = SeededGenerator(state: 29)
        func sample(_ groups: [(Double, Double, Double)], n: Int) -> ChangeSplitter.Side {
            var totals = Array(repeating: ResponseTotals(), count: groups.count)
            var everyone = ResponseTotals()
            for _ in 0..<n {
                var pick = Double.random(in: 0..<1, using: &random)
                let group =
                    groups.indices.first { index in
                        pick -= groups[index].0
                        return pick < 0
                    } ?? groups.count - 1
                let roll = Double.random(in: 0..<1, using: &random)
                let score = roll < groups[group].1 ? 10 : roll < groups[group].1 + groups[group].2 ? 2 : 8
                totals[group].add(score, metric: .nps)
                everyone.add(score, metric: .nps)
            }
            let estimate = everyone.estimate(.nps)!
            return ChangeSplitter.Side(
                value: estimate.value, standardError: estimate.standardError, effectiveN: Double(n), designEffect: 1,
                groups: Dictionary(uniqueKeysWithValues: totals.enumerated().map { (index, totals) in (index == 2 ? nil : "\(index)", totals) }))
        }
        var covered = [0, 0, 0]
        let runs = 400
        for _ in 0..<runs {
            let parts = splitter.contributions(
                .nps, period: Period(ordinal: 0, kind: .quarter), segment: nil, by: .theme, before: sample(q2, n: 600), after: sample(q3, n: 600))
            for (index, id) in ["0", "1", nil].enumerated() {
                if let interval = parts.first(where: { $0.id == id })?.interval, interval.contains(truth[index]) { covered[index] += 1 }
            }
        }
        for count in covered {
            let coverage = Double(count) / Double(runs)
            #expect(coverage >= 0.92 && coverage <= 0.99, "\(covered)")
        }
    }
}

/// Rising themes: a share of the comments that rose against its baseline by more than chance.
extension ScoreMovementTests {
    static let quarters = (0..<8).map {
        Period(ordinal: Period(containing: Day(year: 2025, month: 1, day: 15)!, kind: .quarter).ordinal + $0, kind: .quarter)
    }

    /// Binomial draws of `share` of `comments` comments, each period.
    static func series(_ shares: [Double], comments: Int, theme: String, _ random: inout SeededGenerator) -> RisingTopic.Series {
        var counts: [Period: (mentions: Int, comments: Int)] = [:]
        for (period, share) in zip(quarters, shares) {
            counts[period] = ((0..<comments).filter { _ in Double.random(in: 0..<1, using: &random) < share }.count, comments)
        }
        return RisingTopic.Series(theme: theme, counts: counts)
    }

    /// A theme at 2% of 800 comments a quarter for six quarters, then 6%: flagged rising in the
    /// seventh, among nine steady themes that are not.
    @Test func aPlantedRiseIsFlaggedAndSteadyThemesAreNot() {
        var random = SeededGenerator(state: 3)
        let planted = Self.series(Array(repeating: 0.02, count: 6) + [0.06], comments: 800, theme: "premium-rises", &random)
        let steady = (0..<9).map { Self.series(Array(repeating: 0.05, count: 7), comments: 800, theme: "steady-\($0)", &random) }
        let tested = RisingTopic.test([planted] + steady, in: Self.quarters[6])
        #expect(tested.filter(\.isRising).map(\.theme) == ["premium-rises"])
        let rise = tested.first { $0.theme == "premium-rises" }!
        #expect(rise.baselinePeriods == 6 && rise.baselineComments == 4_800 && rise.comments == 800)
    }

    /// Where no share moves, at most 5% of periods flag anything (the false discovery rate over
    /// each period's family), within the simulation's error: 200 periods of ten steady themes.
    @Test func steadySharesRarelyRaiseAFalseAlarm() {
        var random = SeededGenerator(state: 11)
        var alarms = 0
        for _ in 0..<200 {
            let themes = (0..<10).map { Self.series(Array(repeating: 0.01 + 0.01 * Double($0), count: 7), comments: 500, theme: "t\($0)", &random) }
            if RisingTopic.test(themes, in: Self.quarters[6]).contains(where: \.isRising) { alarms += 1 }
        }
        #expect(alarms <= 16, "\(alarms) of 200 periods")  // 5% of 200 is 10; 16 is 2 standard errors above
    }

    /// The share rising by the two-proportion test, by hand: 48 of 800 against 96 of 4,800
    /// gives a pooled share of 144/5,600 and z = (0.06 − 0.02) / √(p̂(1 − p̂)(1/800 + 1/4,800)).
    @Test func theShareRoseTestByHand() {
        let pooled = 144.0 / 5_600
        let z = 0.04 / (pooled * (1 - pooled) * (1.0 / 800 + 1.0 / 4_800)).squareRoot()
        #expect(SurveyStatistics.shareRoseP(48, of: 800, from: 96, of: 4_800).isClose(to: erfc(z / 2.0.squareRoot()) / 2, within: 1e-15))
        #expect(SurveyStatistics.shareRoseP(16, of: 800, from: 96, of: 4_800) > 0.4)  // the same share: no rise
    }

    /// The planted rise through a whole build: flagged on the themes page and in the briefing,
    /// and in `scorecard.json`.
    @Test func aRisingThemeShowsOnTheThemesPageAndInTheBriefing() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/themes.yaml", Self.themes)
        var csv = "date,metric,score,comment\n"
        for (date, premium) in [("2026-02-01", 4), ("2026-05-01", 4), ("2026-08-01", 30)] {
            for index in 0..<200 {
                let comment = index < premium ? "The premium went up again" : index % 2 == 0 ? "Fine" : ""
                csv += "\(date),nps,\(index < 60 ? 3 : 9),\(comment)\n"
            }
        }
        try site.write("content/responses/r.csv", csv)
        try site.append("cxsite.yaml", "min_n: 10\n")
        try site.build()
        #expect(try site.page("themes/index.html").contains("Rising: 26% of the comments (30), up from 4% in the 2 periods before"))
        #expect(try site.page("briefings/q3.html").contains(#"<a href="../themes/premium-rises.html">Premium rises</a>: 26% of the comments"#))
        #expect(!(try site.page("briefings/q2.html")).contains("Rising in"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        let rising = try #require((json as? [String: Any])?["rising"] as? [[String: Any]])
        #expect(
            rising.contains { $0["theme"] as? String == "premium-rises" && $0["period"] as? String == "2026-Q3" && $0["rising"] as? Bool == true })
    }
}

/// A page per segment: the unit against the company.
extension ScoreMovementTests {
    @Test func aSegmentsPageSetsItAgainstTheCompany() throws {
        let site = try Self.site(
            q2: Self.premiumRiseQ2, q3: Self.premiumRiseQ3)
        defer { site.cleanUp() }
        try site.write(
            "content/stories/premium-shock.md",
            "---\ntitle: A premium shock\ndate: 2026-08-02\noutcome: failure\nsegment: Home\nstatus: open\nowner: Pricing\n---\nThe renewal letter came.\n"
        )
        try site.build()
        let page = try site.page("segments/home.html")
        // Home −70 (100 answers) against everyone's −15; against the other 100 (+40) the gap is far beyond chance.
        let nps = MetricDefinition.builtIn[0]
        #expect(page.contains("<th scope=\"row\">Net Promoter Score</th><td>\(nps.format(-70)) "))
        #expect(page.contains("<td>\(nps.format(-15)) (−26.5 to −3.1)</td><td>−55.0 pts</td>"))
        #expect(page.contains("below the company, beyond chance"))
        // Its change split by theme, its themes, its story (a segment matched in any case) and its open loop.
        #expect(page.contains("NPS fell 20.0 points since Q2 2026: Premium rises −13.3"))
        #expect(page.contains(#"<a href="../themes/premium-rises.html">Premium rises</a> <span class="count">60 mentions</span>"#))
        #expect(page.contains("A premium shock"))
        #expect(page.contains("Open loops"))
        #expect(page.contains(#"Other segments: <a href="../segments/business.html">Business</a>"#))
        #expect(try site.page("scorecard/index.html").contains(#"<a href="../segments/home.html">Home</a>"#))
    }

    @Test func segmentPagesHaveSafeUniqueNames() {
        let routes = Routes.segments(["Small Business", "small-business", "../etc", "index", "Été"])
        #expect(routes["Small Business"]?.path == "segments/small-business.html")
        #expect(routes["small-business"]?.path == "segments/small-business-2.html")
        #expect(routes["../etc"]?.path == "segments/etc.html")
        #expect(routes["index"]?.path == "segments/index-segment.html")
        #expect(routes["Été"]?.path == "segments/ete.html")
    }
}

/// Benchmarks: an industry or competitor figure beside the target, never taken for it.
extension ScoreMovementTests {
    @Test func aBenchmarkIsDrawnBesideTheTargetAndNamedWithItsSource() throws {
        let site = try Self.site(
            q2: [Group(promoters: 50, passives: 30, detractors: 20, segment: "home", comment: "")],
            q3: [Group(promoters: 60, passives: 20, detractors: 20, segment: "home", comment: "")])
        defer { site.cleanUp() }
        try site.addToMetrics(
            """
              - id: nps
                target: 50
                benchmark:
                  name: Rival Broadband
                  value: 44
                  source: Rival Broadband annual report
                  date: 2026-03-31

            """)
        try site.build()
        let scorecard = try site.page("scorecard/index.html")
        // NPS +40 ± 17.7 against 44: within the margin.
        #expect(
            scorecard.contains(
                #"Benchmark: Rival Broadband +44.0 <span class="muted">(Rival Broadband annual report, 31 March 2026)</span>: within the margin of error of it"#
            ))
        #expect(scorecard.contains("Target +50.0: on target (within the margin)"))  // 50 is inside 22.3 to 57.7
        let json = try String(contentsOf: site.output.appendingPathComponent("scorecard.json"), encoding: .utf8)
        #expect(
            json.contains(
                #"{"metric": "nps", "name": "Rival Broadband", "value": 44, "source": "Rival Broadband annual report", "date": "2026-03-31"}"#))
    }

    @Test func aBenchmarkWithoutItsSourceIsALocatedError() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.addToMetrics("  - id: nps\n    benchmark: {value: 40, date: 2026-03-31}\n")
        let errors = site.buildErrors().map(\.description)
        #expect(errors.contains { $0.contains("cxsite.yaml:") && $0.contains("source") }, "\(errors)")
    }

    /// Two lines on one chart, each labelled on its own row: a target and a benchmark near it
    /// never print over each other.
    @Test func theTargetAndABenchmarkEachHaveALabelRow() {
        let svg = Charts.bars(
            [Charts.Datum(label: "Billing", value: 30, interval: 25...35, text: "+30")], title: "NPS",
            references: [
                Charts.Reference(kind: .target, value: 30, label: "target +30"),
                Charts.Reference(kind: .benchmark, value: 31, label: "Industry average +31"),
            ])
        #expect(svg.contains(#"<text class="target-label" x="#) && svg.contains(#"y="16""#))
        #expect(svg.contains(#"<text class="benchmark-label""#) && svg.contains(#"y="36""#))
        #expect(svg.contains("target +30; Industry average +31"))
    }
}

extension TestSite {
    /// Adds `entries` at the head of the fixture's `metrics:` list.
    func addToMetrics(_ entries: String) throws {
        let config = try String(contentsOf: folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try write("cxsite.yaml", config.replacingOccurrences(of: "metrics:\n", with: "metrics:\n" + entries))
    }
}

extension Double {
    func isClose(to other: Double, within tolerance: Double = 1e-9) -> Bool { abs(self - other) <= tolerance }
}
