import Foundation
import Markdown
import Testing

@testable import CXCore

/// The touchpoint inventory, several journeys through it, NPS at three levels, and the
/// customers who joined and left.
struct JourneyLevelTests {
    /// The basic fixture's config in the new form: three touchpoints and two journeys that
    /// share billing, and the snapshot metrics that count customers.
    static let config = """
        title: Acme Fibre — CX briefing
        period: quarter
        touchpoints:
          - id: website
            name: Website
            channel: web
            owner: Digital
            interactions: [order, pay a bill]
          - id: installation
            name: Installation
          - id: billing
            name: Billing
        journeys:
          - id: joining
            name: Joining
            steps: [website, installation, billing]
          - id: paying
            name: Paying
            steps: [website, billing]
        metrics:
          - id: retention
            name: Customer retention
            unit: percent
          - id: gained
            name: Customers who joined
          - id: lost
            name: Customers who left
            higher_is_better: false
          - id: base
            name: Customers
        customers:
          gained: gained
          lost: lost
          base: base

        """

    private func site(config: String = config) throws -> TestSite {
        let site = try TestSite(fixture: "basic")
        try site.write("cxsite.yaml", config)
        return site
    }

    private func errors(_ site: TestSite) -> [String] {
        site.buildErrors().filter(\.isError).map { "\($0.location!.path):\($0.location!.line):\($0.location!.column): \($0.message)" }
    }

    @Test func theOldJourneyListIsTheInventoryAndOneJourneyThroughIt() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let index = try site.page("journeys/index.html")
        #expect(index.contains(#"<a href="../journeys/customer-journey.html">Customer journey</a>"#))
        let inventory = try site.page("touchpoints/index.html")
        #expect(["Website", "Installation", "Billing"].allSatisfy { inventory.contains(">\($0)</a></th>") })
        #expect(inventory.contains("no owner"))
    }

    @Test func theInventorySaysWhoOwnsEachTouchpointWhatHappensThereAndItsJourneys() throws {
        let site = try site()
        defer { site.cleanUp() }
        try site.build()
        let inventory = try site.page("touchpoints/index.html")
        let website = try #require(inventory.components(separatedBy: "<tr>").first { $0.contains(">Website</a></th>") })
        #expect(website.contains("web<br>owned by Digital"))
        #expect(website.contains("<li>order</li><li>pay a bill</li>"))
        #expect(website.contains(#"<li><a href="../journeys/joining.html">Joining</a></li><li><a href="../journeys/paying.html">Paying</a></li>"#))
        let billing = try site.page("touchpoints/billing.html")
        #expect(billing.contains(#"Step 3 of <a href="../journeys/joining.html">Joining</a>"#))
        #expect(billing.contains(#"Step 2 of <a href="../journeys/paying.html">Paying</a>"#))
    }

    @Test(arguments: [
        (
            "journeys:\n  - id: moving\n    name: Moving\n    steps: [website, shop]\n",
            "cxsite.yaml:22:22: unknown touchpoint 'shop' in journey 'moving': the touchpoints are website, installation, billing"
        ),
        ("journeys:\n  - id: joining\n    name: Again\n    steps: [website]\n", "cxsite.yaml:20:5: journey 'joining' is listed twice"),
        (
            "journeys:\n  - id: moving\n    name: Moving\n    steps: [billing, billing]\n",
            "cxsite.yaml:22:22: touchpoint 'billing' is a step of journey 'moving' twice"
        ),
        ("journeys:\n  - id: moving\n    name: Moving\n", "cxsite.yaml:20:5: journey 'moving' has no 'steps': list its touchpoints in order"),
        (
            "journey:\n  - id: website\n    name: Website\n",
            "cxsite.yaml:4:3: give the touchpoints either as 'journey' (one journey) or as 'touchpoints' and 'journeys', not both"
        ),
    ])
    func badJourneysAreLocatedErrors(_ extra: String, _ expected: String) throws {
        // Appended journeys join the list above; an appended `journey:` clashes with `touchpoints:`.
        let config =
            extra.hasPrefix("journeys:")
            ? Self.config.replacingOccurrences(of: "metrics:\n", with: extra.replacingOccurrences(of: "journeys:\n", with: "") + "metrics:\n")
            : Self.config + extra
        let site = try site(config: config)
        defer { site.cleanUp() }
        #expect(errors(site) == [expected])
    }

    @Test(arguments: [
        ("gained: joined", "cxsite.yaml:32:11: 'gained' names 'joined', which is not a snapshot metric of 'metrics' (retention, gained, lost, base)"),
        ("gained: nps", "cxsite.yaml:32:11: 'gained' names 'nps', which is not a snapshot metric of 'metrics' (retention, gained, lost, base)"),
        ("base: base", "cxsite.yaml:32:3: missing required field 'gained'"),
    ])
    func theCustomerCountsMustBeSnapshotMetrics(_ line: String, _ expected: String) throws {
        let site = try site(config: Self.config.replacingOccurrences(of: "  gained: gained\n", with: line == "base: base" ? "" : "  \(line)\n"))
        defer { site.cleanUp() }
        #expect(errors(site) == [expected])
    }

    @Test func eachResponseCountsAtItsLevel() throws {
        let site = try site()
        defer { site.cleanUp() }
        var csv = "date,metric,score,touchpoint,journey\n"
        for _ in 0..<3 { csv += "2026-08-01,nps,10,,\n" }  // the relationship
        for _ in 0..<2 { csv += "2026-08-01,nps,0,,paying\n" }  // the journey
        csv += "2026-08-01,nps,9,billing,paying\n2026-08-01,nps,5,website,\n"  // transactional, with or without a journey
        csv += "2026-08-01,csat,5,billing,\n"
        try site.write("content/responses/r.csv", csv)
        try site.remove("content/metrics/snapshots.csv")
        try site.build()
        let json = try #require(JSONSerialization.jsonObject(with: Data(site.page("scorecard.json").utf8)) as? [String: Any])
        let rows = try #require(json["metrics"] as? [[String: Any]]).filter { $0["metric"] as? String == "nps" }
        func row(_ level: String, journey: String? = nil, touchpoint: String? = nil) -> [String: Any]? {
            rows.first { $0["level"] as? String == level && $0["journey"] as? String == journey && $0["touchpoint"] as? String == touchpoint }
        }
        #expect(row("all")?["n"] as? Int == 7)
        #expect(row("relationship")?["n"] as? Int == 3 && ResponseTests.number(row("relationship")?["value"]) == 100)
        #expect(row("journey", journey: "paying")?["n"] as? Int == 2 && ResponseTests.number(row("journey", journey: "paying")?["value"]) == -100)
        #expect(row("transactional")?["n"] as? Int == 2)
        #expect(row("transactional", touchpoint: "billing")?["n"] as? Int == 1)
        #expect(row("journey", journey: "joining") == nil)
        // CSAT has a single level, which is everyone: no level rows repeat it.
        let csat = try #require(json["metrics"] as? [[String: Any]]).filter { $0["metric"] as? String == "csat" }
        #expect(csat.map { $0["level"] as? String } == ["all", "transactional"])
        #expect(try site.page("scorecard/index.html").contains("Net Promoter Score at three levels"))
    }

    /// The relationship NPS falls from +50 to −50 while the transactional rises from −50 to
    /// +50: pooled, nothing moved.
    private func levelsMovingApart(_ site: TestSite) throws {
        var csv = "date,metric,score,touchpoint\n"
        for (date, relationship, transactional) in [("2026-05-01", 30, 10), ("2026-08-01", 10, 30)] {
            for index in 0..<40 { csv += "\(date),nps,\(index < relationship ? 10 : 0),\n" }
            for index in 0..<40 { csv += "\(date),nps,\(index < transactional ? 10 : 0),billing\n" }
        }
        try site.write("content/responses/r.csv", csv)
        try site.remove("content/metrics/snapshots.csv")
    }

    /// The value of the first metric card after `heading`.
    private static func value(after heading: String, in page: String) -> Substring? {
        guard let card = page.range(of: heading), let value = page[card.upperBound...].range(of: "<p class=\"value\">") else { return nil }
        return page[value.upperBound...].prefix { $0 != " " && $0 != "<" }
    }

    @Test func theHeadlineIsTheRelationshipWhereASiteAsksAtSeveralLevels() throws {
        let site = try site(config: Self.config.replacingOccurrences(of: "metrics:\n", with: "metrics:\n  - id: nps\n    target: 30\n"))
        defer { site.cleanUp() }
        try levelsMovingApart(site)
        try site.build()
        let scorecard = try site.page("scorecard/index.html")
        #expect(scorecard.contains(#"<h3>Net Promoter Score <span class="level">· relationship level</span></h3>"#))
        #expect(Self.value(after: "relationship level</span></h3>", in: scorecard) == "−50.0")
        #expect(Self.value(after: "relationship level</span></h3>", in: try site.page("briefings/q3.html")) == "−50.0")
        // The pooled figure is in scorecard.json, labelled; the target goes with the headline.
        let json = try #require(JSONSerialization.jsonObject(with: Data(site.page("scorecard.json").utf8)) as? [String: Any])
        let rows = try #require(json["metrics"] as? [[String: Any]]).filter {
            $0["metric"] as? String == "nps" && $0["period"] as? String == "2026-Q3"
        }
        let pooled = try #require(rows.first { $0["level"] as? String == "all" && $0["segment"] is NSNull })
        let relationship = try #require(rows.first { $0["level"] as? String == "relationship" })
        #expect(ResponseTests.number(pooled["value"]) == 0 && pooled["headline"] as? Bool == false && pooled["target"] == nil)
        #expect(ResponseTests.number(relationship["value"]) == -50 && relationship["headline"] as? Bool == true)
        #expect(ResponseTests.number(relationship["target"]) == 30)
    }

    @Test func headlineLevelAllShowsThePooledFigure() throws {
        let site = try site(config: Self.config.replacingOccurrences(of: "period: quarter\n", with: "period: quarter\nheadline_level: all\n"))
        defer { site.cleanUp() }
        try levelsMovingApart(site)
        try site.build()
        let scorecard = try site.page("scorecard/index.html")
        #expect(Self.value(after: "<h3>Net Promoter Score</h3>", in: scorecard) == "0.0")
        #expect(!scorecard.contains("relationship level</span></h3>"))
    }

    @Test func aResponseNamesAJourneyOfTheConfigAndATouchpointOnIt() throws {
        let site = try site()
        defer { site.cleanUp() }
        try site.write(
            "content/responses/r.csv", "date,metric,score,touchpoint,journey\n2026-08-01,nps,10,,moving\n2026-08-01,nps,10,installation,paying\n")
        #expect(
            errors(site) == [
                "content/responses/r.csv:2:20: unknown journey 'moving': cxsite.yaml has joining, paying",
                "content/responses/r.csv:3:32: touchpoint 'installation' is not a step of journey 'paying': its steps are website, billing",
            ])
    }

    @Test func aStoryBelongsToTheJourneysItNamesOrElseToThoseHoldingAllItsTouchpoints() throws {
        let touchpoints = ["website", "installation", "billing"].map { Touchpoint(id: $0, name: $0) }
        let config = SiteConfig(
            title: "T", period: .quarter, touchpoints: touchpoints,
            journeys: [
                Journey(id: "joining", name: "Joining", steps: ["website", "installation", "billing"]),
                Journey(id: "paying", name: "Paying", steps: ["website", "billing"]),
            ])
        func story(_ touchpoints: [String], names journeys: [String] = []) -> Story {
            Story(
                slug: "s", title: "S", date: Day(year: 2026, month: 8, day: 1)!, outcome: .failure, customer: nil, segment: nil,
                touchpoints: touchpoints, journeys: journeys, score: nil, quote: nil, tags: [], owner: nil, status: nil, loop: nil,
                actions: [], draft: false, statusLocation: nil, body: StoryBody(RenderedMarkdown(html: "", links: [], summary: "")),
                bodyLine: 1, path: "content/stories/s.md", sourceHash: 0)
        }
        #expect(Site.journeys(of: story(["website", "billing"]), in: config).map(\.id) == ["joining", "paying"])
        #expect(Site.journeys(of: story(["installation"]), in: config).map(\.id) == ["joining"])
        #expect(Site.journeys(of: story(["installation"], names: ["paying"]), in: config).map(\.id) == ["paying"])
        #expect(Site.journeys(of: story([]), in: config).isEmpty)
    }

    @Test func aStoryNamingAnUnknownJourneyOrLeavingOnASuccessIsALocatedError() throws {
        let site = try site()
        defer { site.cleanUp() }
        try site.write("content/stories/gone.md", "---\ntitle: Gone\ndate: 2026-08-01\noutcome: success\njourneys: [moving]\nleft: true\n---\n")
        #expect(
            errors(site) == [
                "content/stories/gone.md:5:12: unknown journey 'moving': cxsite.yaml has joining, paying",
                "content/stories/gone.md:6:7: a customer who left is a failure story: set 'outcome: failure', or remove 'left'",
            ])
    }

    @Test func theJourneyPageDrawsItsStepsAndSaysWhereMostFailuresStart() throws {
        let site = try site()
        defer { site.cleanUp() }
        for (slug, touchpoints) in [("a", "[installation, billing]"), ("b", "[installation]"), ("c", "[website, billing]")] {
            try site.write(
                "content/stories/\(slug).md",
                "---\ntitle: Story \(slug)\ndate: 2026-08-0\(slug == "a" ? 1 : 2)\noutcome: failure\ntouchpoints: \(touchpoints)\n---\n")
        }
        try site.build()
        let joining = try site.page("journeys/joining.html")
        // The fixture's own failures start at installation (double-bill) and billing (old-failure).
        #expect(joining.contains(#"Most failures on this journey start at <a href="../touchpoints/installation.html">Installation</a>: 3 of 5."#))
        #expect(joining.contains("<th scope=\"col\">Website</th><th scope=\"col\">Installation</th><th scope=\"col\">Billing</th>"))
        let paying = try site.page("journeys/paying.html")
        #expect(!paying.contains("Story b") && paying.contains("Story c"))
        #expect(try site.page("journeys/index.html").contains(#"<a href="../journeys/paying.html">Paying</a>"#))
    }

    @Test func aBriefingSaysHowManyJoinedAndLeftAndShowsThePeopleWhoLeft() throws {
        let site = try site()
        defer { site.cleanUp() }
        try site.append(
            "content/metrics/snapshots.csv",
            """
            2026-Q2,gained,1000,,,,
            2026-Q2,lost,1200,,,,
            2026-Q2,base,40000,,,,
            2026-Q3,gained,1500,,,,
            2026-Q3,lost,800,,,,
            2026-Q3,base,39800,,,,

            """)
        try site.write("content/stories/gone.md", "---\ntitle: Gone for good\ndate: 2026-06-20\noutcome: failure\nleft: 2026-07-03\n---\n")
        try site.write("content/stories/earlier.md", "---\ntitle: Left in spring\ndate: 2026-05-01\noutcome: failure\nleft: true\n---\n")
        try site.build()
        let q3 = try site.page("briefings/q3.html")
        #expect(q3.contains(#"1,500 joined, 800 left: <span class="change-better">+700</span> in Q3 2026"#))
        #expect(q3.contains("the customers who left were 2.0% of the 39,800 customers at the start of the period"))
        #expect(q3.contains("Gone for good") && !q3.contains("Left in spring"))
        #expect(q3.contains("<tr><th scope=\"row\">Q2 2026</th><td>1,000</td><td>1,200</td><td>−200</td><td>3.0%</td></tr>"))
        // The counts have their own section: no cards for them among the numbers.
        #expect(!q3.contains("<h3>Customers who joined</h3>") && q3.contains("<h3>Customer retention</h3>"))
        let q2 = try site.page("briefings/q2.html")
        #expect(q2.contains("Left in spring") && q2.contains("<span class=\"change-worse\">−200</span>"))
        // Growth hides loss only where there is growth.
        #expect(q3.contains("Growth hides loss: the customers who left") && !q2.contains("Growth hides loss"))
        let json = try site.page("scorecard.json")
        #expect(
            json.contains(
                #"{"period": "2026-Q3", "gained": 1500, "lost": 800, "net": 700, "base": 39800, "lost_share": 2.0100502512562812, "revenue_lost": null}"#
            ))
    }
}

extension JourneyLevelTests {
    @Test func aTallyRowMayBeAJourneyOrALevelAndNothingElse() throws {
        let site = try site()
        defer { site.cleanUp() }
        try site.write(
            "content/tallies/t.csv",
            """
            period,metric,segment,touchpoint,journey,level,n,promoters,passives,detractors
            2026-Q3,nps,,,paying,,40,30,5,5
            2026-Q3,nps,,,,relationship,40,20,10,10
            2026-Q3,nps,,,,everyone,40,20,10,10
            2026-Q3,nps,,,moving,,40,20,10,10
            2026-Q3,nps,,billing,paying,,40,20,10,10

            """)
        #expect(
            errors(site) == [
                "content/tallies/t.csv:4:16: level 'everyone' must be relationship or transactional (a journey's row names its journey)",
                "content/tallies/t.csv:5:15: unknown journey 'moving': cxsite.yaml has joining, paying",
                "content/tallies/t.csv:6:22: a tally row is one group: give one of segment, touchpoint, journey and level (none for everyone)",
            ])
        try site.write("content/tallies/t.csv", "period,metric,journey,level,n,promoters,passives,detractors\n2026-Q3,nps,paying,,40,30,5,5\n")
        try site.build()
        #expect(try site.page("scorecard.json").contains(#""level": "journey", "journey": "paying", "n": 40, "n_eff": 40, "value": 62.5"#))
    }
}

extension JourneyLevelTests {
    /// A journey's NPS measured by another tool arrives as a snapshot row naming the journey,
    /// and shows on the journey's page; a row of two groups was once read as its touchpoint.
    @Test func aSnapshotRowMayBeAJourneyOrALevelAndOneGroupOnly() throws {
        let site = try site()
        defer { site.cleanUp() }
        try site.write(
            "content/metrics/journeys.csv",
            """
            period,metric,value,n,segment,touchpoint,journey,level
            2026-Q3,nps,41,220,,,paying,
            2026-Q3,nps,12,400,,,,relationship
            2026-Q3,retention,90,,residential,billing,,

            """)
        #expect(
            errors(site) == [
                "content/metrics/journeys.csv:4:35: a snapshot row is one group: give one of segment, touchpoint, journey and level (none for everyone)"
            ])
        try site.write(
            "content/metrics/journeys.csv",
            """
            period,metric,value,n,journey,level
            2026-Q3,nps,41,220,paying,
            2026-Q3,nps,12,400,,relationship

            """)
        try site.build()
        #expect(
            try site.page("journeys/paying.html").contains(
                #"<span class="value">+41.0</span> <span class="muted">NPS of the journey · Q3 2026 · n&nbsp;=&nbsp;220</span>"#))
        let export = try site.page("scorecard.json")
        #expect(export.contains(#""level": "journey", "journey": "paying", "n": 220, "n_eff": 220, "value": 41,"#))
        #expect(export.contains(#""level": "relationship", "journey": null, "n": 400, "n_eff": 400, "value": 12,"#))
    }

    @Test func aStorysTouchpointsShowInTheInventorysOrder() throws {
        let site = try site()
        defer { site.cleanUp() }
        try site.write("content/stories/back.md", "---\ntitle: Backwards\ndate: 2026-08-01\noutcome: failure\ntouchpoints: [billing, website]\n---\n")
        try site.build()
        let page = try site.page("stories/back.html")
        let website = try #require(page.range(of: ">Website</a>"))
        let billing = try #require(page.range(of: ">Billing</a>"))
        #expect(website.lowerBound < billing.lowerBound)
    }
}
