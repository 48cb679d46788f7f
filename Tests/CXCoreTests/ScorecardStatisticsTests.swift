import Foundation
import Testing

@testable import CXCore

/// The scorecard as an analyst reads it: groups too small to show, changes decided over their
/// family, the partial period, trends, and snapshot values given twice.
struct ScorecardStatisticsTests {
    /// NPS responses: `promoters` 10s, `detractors` 3s and the rest 8s, `n` in all.
    private func responses(
        _ date: String, promoters: Int, detractors: Int, n: Int, segment: String = "",
        touchpoint: String = "", comment: String = ""
    ) -> String {
        (0..<n).map { index in
            let score = index < promoters ? 10 : index < promoters + detractors ? 3 : 8
            return "\(date),nps,\(score),\(segment),\(touchpoint),\(score == 3 ? comment : "")\n"
        }.joined()
    }

    private static let header = "date,metric,score,segment,touchpoint,comment\n"

    private func rows(_ site: TestSite) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        return try #require((json as? [String: Any])?["metrics"] as? [[String: Any]])
    }

    private func row(_ rows: [[String: Any]], period: String, segment: String? = nil, touchpoint: String? = nil) throws -> [String: Any] {
        try #require(
            rows.first {
                $0["metric"] as? String == "nps" && $0["period"] as? String == period
                    && ($0["segment"] as? String) == segment && ($0["touchpoint"] as? String) == touchpoint
            })
    }

    @Test func aGroupBelowMinNShowsTooFewResponsesButKeepsItsNumbersInTheJSON() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/responses/r.csv",
            Self.header
                + responses("2026-08-01", promoters: 30, detractors: 10, n: 60, segment: "residential")
                + responses("2026-08-01", promoters: 5, detractors: 4, n: 12, touchpoint: "billing", comment: "Charged twice")
                + responses("2026-08-01", promoters: 1, detractors: 2, n: 3, touchpoint: "installation", comment: "Nobody came"))
        try site.append("cxsite.yaml", "headline_level: all\n")  // the overall card pools both levels
        try site.build()
        let rows = try rows(site)
        let billing = try row(rows, period: "2026-Q3", touchpoint: "billing")
        #expect(billing["suppressed"] as? Bool == true && billing["n"] as? Int == 12)
        #expect(ResponseTests.number(billing["value"]) == 100 * (5 - 4) / 12.0)  // the number stays in the JSON
        #expect(try row(rows, period: "2026-Q3")["suppressed"] as? Bool == false)  // 75 in all
        let scorecard = try site.page("scorecard/index.html")
        #expect(scorecard.contains("too few responses (n\u{00A0}=\u{00A0}12)"))
        #expect(scorecard.contains("too few responses (n\u{00A0}=\u{00A0}3)"))
        #expect(!scorecard.contains("+8.3"))  // billing's NPS, 100 × 1/12, appears nowhere
        // No bar for a group that is not shown: the touchpoint chart has the residential-only rows.
        #expect(!scorecard.contains(#"font-size="14" fill="currentColor">Billing</text>"#))
        // The overall card's comments (75 responses) show; min_n_comments hides a group's below 5.
        #expect(scorecard.contains("<p>Charged twice</p>"))
        try site.append("cxsite.yaml", "min_n: 5\nmin_n_comments: 80\n")
        try site.build()
        let strict = try site.page("scorecard/index.html")
        #expect(strict.contains("too few responses (n\u{00A0}=\u{00A0}3)") && !strict.contains("too few responses (n\u{00A0}=\u{00A0}12)"))
        #expect(!strict.contains("Charged twice") && !strict.contains("Nobody came"))
    }

    @Test(arguments: [
        // Segment "a" moves from 40 promoters to `promoters` of 100 while b, c and d stay put.
        // p = 0.0335: under 5% on its own, but not under 1 × 5%/5, the first of the family's bars
        // (the four segments and the overall value: one family a period).
        (63, 0.033502, false),
        // p = 0.0075: under the bar.
        (69, 0.007501, true),
    ])
    func aChangeIsSignificantOnlyOverItsPeriodsFamily(_ promoters: Int, _ p: Double, _ significant: Bool) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var csv = Self.header
        for segment in ["a", "b", "c", "d"] {
            csv += responses("2026-05-01", promoters: 40, detractors: 20, n: 100, segment: segment)
            csv += responses("2026-08-01", promoters: segment == "a" ? promoters : 40, detractors: 20, n: 100, segment: segment)
        }
        try site.write("content/responses/r.csv", csv)
        try site.build()
        let rows = try rows(site)
        let changed = try row(rows, period: "2026-Q3", segment: "a")
        #expect(abs(ResponseTests.number(changed["p"]) - p) < 0.00001)
        #expect(changed["significant"] as? Bool == significant)
        #expect(try row(rows, period: "2026-Q3", segment: "b")["significant"] as? Bool == false)
        // The overall value is in the same family (it was a family of its own, tested at plain
        // 5%, which put a false alarm on 10% of quarters): every test of the period is decided
        // by one Benjamini–Hochberg run.
        let tested = rows.filter { $0["period"] as? String == "2026-Q3" && $0["p"] is NSNumber }
        #expect(tested.count == 5)
        #expect(
            tested.map { $0["significant"] as? Bool }
                == SurveyStatistics.benjaminiHochberg(tested.map { ResponseTests.number($0["p"]) }).map { $0 })
        #expect(try site.page("scorecard/index.html").contains("Benjamini–Hochberg procedure at a 5% false discovery rate"))
    }

    @Test func thePeriodInProgressIsSoFarAndTheHeadlineShowsTheLastCompleteOne() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        // The fixture's newest date is 5 October 2026: Q4 2026 is in progress.
        try site.write(
            "content/responses/r.csv",
            Self.header
                + responses("2025-11-01", promoters: 15, detractors: 35, n: 100)
                + responses("2026-02-01", promoters: 30, detractors: 30, n: 100)
                + responses("2026-05-01", promoters: 45, detractors: 25, n: 100)
                + responses("2026-08-01", promoters: 60, detractors: 20, n: 100)
                + responses("2026-10-02", promoters: 20, detractors: 20, n: 40))
        try site.build()
        let rows = try rows(site)
        let q4 = try row(rows, period: "2026-Q4")
        #expect(q4["partial"] as? Bool == true && q4["delta"] is NSNull && q4["trend"] is NSNull)
        let q3 = try row(rows, period: "2026-Q3")
        #expect(q3["partial"] as? Bool == false && q3["trend"] as? String == "rising")
        let scorecard = try site.page("scorecard/index.html")
        // The headline card is Q3's (+40), as the Q3 briefing's; Q4 is in the history, marked.
        let headline = try #require(scorecard.components(separatedBy: "<article class=\"metric-card").dropFirst().first)
        #expect(headline.contains("<p class=\"value\">+40.0 ") && headline.contains("<p class=\"period\">Q3 2026 · n&nbsp;=&nbsp;100</p>"))
        #expect(headline.contains("Rising over the last 4 periods"))
        #expect(scorecard.contains("Q4 2026 to date (5 October)"))
        #expect(scorecard.contains(#"class="dot partial""#) && scorecard.contains(">to date</text>"))
        // A briefing shows its period as it closed: nothing of the quarter after it is drawn.
        let briefing = try site.page("briefings/q3.html")
        #expect(!briefing.contains("dot partial") && !briefing.contains("Q4 2026"))
        // A response newer than every story and briefing moves today.
        try site.append("content/responses/r.csv", responses("2026-10-20", promoters: 1, detractors: 0, n: 1))
        try site.build()
        #expect(try site.page("scorecard/index.html").contains("Q4 2026 to date (20 October)"))
    }

    @Test(arguments: [(3, false), (5, true)])
    func staffAnswersOfASmallRoundAreHidden(_ staff: Int, _ shown: Bool) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/perception/2026-10.yaml",
            """
            title: Team day, October 2026
            date: 2026-10-01
            ratings:
              - statement: We deliver a superior customer experience
                leadership: {agree: 8, total: 10}
                staff: {agree: 2, total: \(staff)}
                customers: {agree: 8, total: 100}
            answers:
              leadership: {do_well: [Fast installation], improve: [], competition: [], continue_start: []}
              staff: {do_well: [My manager ignores complaints], improve: [], competition: [], continue_start: []}
              customers: {do_well: [Friendly support], improve: [], competition: [], continue_start: []}

            """)
        try site.build()
        let gap = try site.page("gap/index.html")
        #expect(gap.contains("My manager ignores complaints") == shown)
        #expect(gap.contains("Not shown: fewer than 5 staff answered (n\u{00A0}=\u{00A0}\(staff)), too few to stay anonymous.") == !shown)
        #expect(gap.contains("Fast installation"))  // leadership's answers are not a staff survey
    }

    @Test func keyDriversPairEachPersonsTouchpointScoreWithTheirRelationshipNPS() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        // Person i gives NPS nps[i] and CSAT csat[i] at billing in Q3; person 0 answers billing
        // twice (their mean counts). Others add noise the pairing must leave out: an NPS with no
        // touchpoint answer, a CSAT with no NPS, the same ids in another quarter.
        let nps = [10, 9, 8, 3, 6, 10, 2, 7]
        let csat = [5, 5, 4, 2, 3, 4, 1, 3]
        var csv = "date,metric,score,respondent,touchpoint\n2026-08-02,csat,3,P0,billing\n"
        for (index, (promoter, satisfied)) in zip(nps, csat).enumerated() {
            csv += "2026-08-01,nps,\(promoter),P\(index),\n2026-08-01,csat,\(satisfied),P\(index),billing\n"
            csv += "2026-05-01,nps,\(10 - promoter),P\(index),\n"  // Q2: no touchpoint answers
        }
        csv += "2026-08-01,nps,10,LONE,\n2026-08-01,csat,1,NONPS,billing\n2026-05-01,csat,5,P1,billing\n"
        // An NPS given at billing is not the outcome for people who gave a relationship NPS;
        // for one who gave none (TX), it is.
        csv += "2026-08-01,nps,0,P1,billing\n2026-08-01,nps,0,P2,billing\n2026-08-01,nps,4,TX,billing\n2026-08-01,csat,2,TX,billing\n"
        try site.write("content/responses/r.csv", csv)
        try site.append("cxsite.yaml", "min_n: 8\n")
        try site.build()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        let drivers = try #require((json as? [String: Any])?["drivers"] as? [[String: Any]])
        #expect(drivers.count == 1)
        let driver = try #require(drivers.first)
        #expect(driver["period"] as? String == "2026-Q3" && driver["metric"] as? String == "csat" && driver["touchpoint"] as? String == "billing")
        #expect(driver["n"] as? Int == 9)
        var x = csat.map(Double.init)
        x[0] = 4  // P0's two billing answers, 5 and 3
        x.append(2)
        let y = nps.map(Double.init) + [4]
        let expected = try #require(StatisticsTests.correlation(x, y))
        #expect(abs(ResponseTests.number(driver["r"]) - expected.r) < 1e-12)
        #expect(abs(ResponseTests.number(driver["low"]) - expected.low) < 1e-12)
        #expect(driver["significant"] as? Bool == expected.isSignificant)
        let scorecard = try site.page("scorecard/index.html")
        #expect(scorecard.contains("What drives the score: Q3 2026"))
        #expect(scorecard.contains(#"<th scope="row"><a href="../touchpoints/billing.html">Billing</a></th><td data-label="Measure">CSAT</td>"#))
        // Below min_n linked people, no driver is shown.
        try site.write(
            "cxsite.yaml",
            try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "min_n: 8\n", with: "min_n: 10\n"))
        try site.build()
        #expect(!(try site.page("scorecard/index.html")).contains("What drives the score"))
    }

    /// Installation and billing go with NPS alike, so no ranking sets them apart; the website
    /// goes with it hardly at all. Installation scores lowest of the two: where to act first.
    @Test func driversShowTheRanksTheirIntervalsAllowAndWhereToAct() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var csv = "date,metric,score,respondent,touchpoint\n"
        for person in 0..<66 {
            let nps = person % 11
            let installation = Int((Double(nps) * 0.2).rounded()) + 1  // 1–3: low, and with NPS
            let billing = installation + 2  // 3–5: high, and with NPS
            let website = [1, 5, 3, 2, 4, 4][person % 6]  // nothing to do with NPS
            csv += "2026-08-01,nps,\(nps),P\(person),\n"
            for (touchpoint, score) in [("installation", installation), ("billing", billing), ("website", website)] {
                csv += "2026-08-01,csat,\(score),P\(person),\(touchpoint)\n"
            }
        }
        try site.write("content/responses/r.csv", csv)
        try site.remove("content/metrics/snapshots.csv")
        try site.build()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        let drivers = try #require((json as? [String: Any])?["drivers"] as? [[String: Any]])
        let ranks = Dictionary(
            uniqueKeysWithValues: drivers.map { ($0["touchpoint"] as? String ?? "", [$0["rank_best"] as? Int, $0["rank_worst"] as? Int]) })
        #expect(ranks == ["installation": [1, 2], "billing": [1, 2], "website": [3, 3]])
        let scorecard = try site.page("scorecard/index.html")
        #expect(
            scorecard.contains(
                #"<tr><td data-label="Rank">1–2</td><th scope="row"><a href="../touchpoints/installation.html">Installation</a></th><td data-label="Measure">CSAT</td><td data-label="Its score">0.0% "#
            ))
        #expect(scorecard.contains(#"<tr><td data-label="Rank">3</td><th scope="row"><a href="../touchpoints/website.html">Website</a></th>"#))
        #expect(scorecard.contains("Top left matters most and scores lowest: <strong>Installation</strong>."))
        #expect(scorecard.contains(#"<svg class="chart priorities wide""#) && scorecard.contains(#"<svg class="chart priorities narrow""#))
    }

    @Test func aSnapshotValueGivenTwiceIsAnErrorNamingBothLines() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.append("content/metrics/snapshots.csv", "2026-Q3,nps,35,480,,,\n")
        let errors = site.buildErrors().filter(\.isError)
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.message == "nps for 2026-Q3 is given twice: also at content/metrics/snapshots.csv:3; keep one")
        #expect(error.location?.path == "content/metrics/snapshots.csv" && error.location?.line != 3)
    }
}
