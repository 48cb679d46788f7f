import CXCore
import Foundation
import Testing

/// The perception gap, the journey map, closed loops, and the warnings that go with them.
struct JourneyGapLoopTests {
    @Test func theGapPageSortsStatementsByTheLargestGapAndMarksAnswersOfOneGroup() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let gap = try site.page("gap/index.html")
        let superior = try #require(gap.range(of: "<th scope=\"row\">We deliver a superior customer experience</th>"))
        let bills = try #require(gap.range(of: "<th scope=\"row\">Our bills are clear</th>"))
        #expect(superior.lowerBound < bills.lowerBound)  // 72 points before 30
        #expect(gap.contains("80% <span class=\"muted\">(n&nbsp;=&nbsp;10)</span>"))
        // The gap from counts has Newcombe's interval (8 of 10 against 8 of 100); from shares alone
        // it says what is missing; ten leaders are fewer than min_n.
        #expect(gap.contains("<strong>72 points</strong><br><span class=\"muted\">95% interval 40 to 87 points</span>"))
        #expect(
            gap.contains(
                "<strong>30 points</strong><br><span class=\"muted\">no n given for leadership or customers: the gap&#39;s uncertainty is unknown</span>"
            ))
        #expect(gap.contains("Fewer than 30 answered in leadership (n\u{00A0}=\u{00A0}10)"))
        #expect(gap.contains("<svg class=\"chart gap wide\"") && gap.contains("<svg class=\"chart gap narrow\""))
        // "Friendly support" is said by all three groups (case aside); "Price" by customers only.
        #expect(gap.contains(#"<li>Friendly support <span class="tone">· reads strongly positive</span></li>"#))
        #expect(gap.contains("<mark class=\"only\">Price</mark>"))
        #expect(gap.contains("<mark class=\"only\">Fast installation</mark>"))
        // The trend: March 65 points, September 72.
        #expect(gap.contains("<td>65 points</td><td>72 points ↑</td>"))
    }

    @Test func everyBriefingShowsTheNewestRoundsHeadlineRightAfterItsStories() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let q3 = try site.page("briefings/q3.html")
        let stories = try #require(q3.range(of: "data-section=\"stories\""))
        let gap = try #require(q3.range(of: "data-section=\"gap\""))
        let scores = try #require(q3.range(of: "data-section=\"scores\""))
        #expect(stories.lowerBound < gap.lowerBound && gap.lowerBound < scores.lowerBound)
        #expect(q3.contains("The perception gap: 72 percentage points"))
        #expect(q3.contains(": leadership 80% (n\u{00A0}=\u{00A0}10), staff 41%, customers 8% (n\u{00A0}=\u{00A0}100) ("))
        #expect(q3.contains("; the gap's 95% interval 40 to 87 points."))
        // The headline statement as one row of the gap chart: a marker per group on one line.
        let chart = try #require(q3.firstMatch(of: /<svg class="chart gap wide"[\s\S]*?<\/svg>/)).output
        #expect(chart.contains("dot-leadership") && chart.contains("dot-staff") && chart.contains("dot-customers"))
        #expect(chart.matches(of: /class="gap-line"/).count == 1 && chart.contains(">72 points</text>"))
        // The Q2 briefing (July) sees the March round only.
        #expect(try site.page("briefings/q2.html").contains("The perception gap: 65 percentage points"))
    }

    @Test func openLoopsAreListedOldestFirstWithTheirAge() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/stories/older-open.md",
            """
            ---
            title: Older open loop
            date: 2026-06-01
            outcome: failure
            owner: Dee (Support)
            status: open
            touchpoints: [billing]
            ---
            Still open.
            """)
        try SiteBuilder.build(BuildOptions(source: site.folder, clock: .pinned(at: 1_791_072_000)))  // 2026-10-04
        let briefing = try site.page("briefings/q3.html")  // dated 2026-10-05
        let older = try #require(briefing.range(of: "Older open loop</a> — <strong>126 days</strong>"))
        let newer = try #require(briefing.range(of: "Billed twice &lt;for&gt; one month</a> — <strong>46 days</strong>"))
        #expect(older.lowerBound < newer.lowerBound)
        let loops = try site.page("loops/index.html")
        #expect(loops.contains("Ages as of 4 October 2026"))
        #expect(loops.contains("<td>125 days</td>"))
        #expect(loops.contains("<h3>Dee (Support)</h3>"))
    }

    @Test func theJourneyDrawsFailuresAcrossTheStepsTheyTouched() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/stories/across.md",
            """
            ---
            title: Across the journey
            date: 2026-07-01
            outcome: failure
            touchpoints: [billing, website]
            ---
            Booking error, then a bill.
            """)
        try site.build()
        let journey = try site.page("journeys/customer-journey.html")
        let row = try #require(journey.components(separatedBy: "<tr>").last { $0.contains("Across the journey") })
        #expect(
            row.components(separatedBy: "<td class=\"cell-").dropFirst().map { String($0.prefix { $0 != "\"" }) }
                == ["first", "between", "last"])
    }

    @Test func warningsForBriefingsLoopsAndRounds() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/briefings/early.md", "---\ntitle: Early\ndate: 2026-04-20\nperiod: 2026-Q2\nstories: [old-failure]\n---\n")
        try site.write("content/briefings/none.md", "---\ntitle: Too early\ndate: 2026-01-05\nperiod: 2026-Q1\n---\n")
        try site.write(
            "content/perception/broken.yaml", "title: Half\ndate: 2026-09-01\nratings:\n  - statement: X\n    leadership: 50\n    customers: 10\n")
        let summary = try SiteBuilder.build(BuildOptions(source: site.folder, clock: .pinned(at: 1_791_072_000)))
        // The whole list, so a warning that appears where none should fails as surely as one
        // that goes missing (Q3's stories are in its period; the round has no answers to check).
        let warnings = summary.warnings.map { String($0.description.split(separator: "\n")[0]) }.sorted()
        #expect(
            warnings == [
                "content/briefings/none.md:1:1: warning: 'Too early' has no failure story: no failure is dated on or before 2026-01-05; the failure is the point",
                "content/briefings/q2.md:5:10: warning: 'Q2 review' names no failure story, so the newest failure is shown: name one in 'stories'",
                "content/perception/broken.yaml:4:5: warning: this rating has no staff: the gap needs all three groups",
                "content/stories/double-bill.md:11:9: warning: the loop on 'Billed twice <for> one month' has been open for 45 days (more than 30): close it, say what is left, or give 'expected_close' with a reason",
            ])
    }

    @Test func aBriefingWhoseStoriesPredateItsPeriodIsFlagged() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/briefings/q4.md", "---\ntitle: Q4 review\ndate: 2026-12-20\nperiod: 2026-Q4\n---\n")
        let summary = try site.build()
        #expect(
            summary.warnings.contains { $0.message == "every story of 'Q4 review' is older than its period 2026-Q4: is there nothing newer to tell?" }
        )
    }

    @Test(arguments: [
        (
            "title: X\ndate: 2026-09-01\nratings:\n  - statement: S\n    leadership: 120\n    staff: 1\n    customers: 1\n",
            "content/perception/bad.yaml:5:17: error: 'leadership' is 120%: a share who agree is from 0 to 100"
        ),
        (
            "title: X\ndate: 2026-09-01\nratings:\n  - statement: S\n    leadership: {agree: 12, total: 10}\n    staff: 1\n    customers: 1\n",
            "content/perception/bad.yaml:5:17: error: 'leadership': 12 agree out of 10 is more than everyone"
        ),
        ("title: X\ndate: 2026-13-01\nratings: []\n", "content/perception/bad.yaml:2:7: error: 'date': 2026-13-01 does not exist in the calendar"),
        (
            "title: X\ndate: 2026-09-01\n",
            "content/perception/bad.yaml:1:1: error: missing required field 'ratings': the statements and the share of each group who agree"
        ),
    ])
    func badPerceptionRoundsGiveLocatedErrors(_ yaml: String, _ expected: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/perception/bad.yaml", yaml)
        let errors = site.buildErrors().filter(\.isError).map { String($0.description.split(separator: "\n")[0]) }
        #expect(errors == [expected])
    }
}
