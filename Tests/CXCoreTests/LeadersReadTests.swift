import Foundation
import Testing

@testable import CXCore

/// The briefing as a leader reads it (#30): the author's point and the decisions straight
/// after the stories, on the printed handout as `handout:` orders it.
struct LeadersReadTests {
    @Test(arguments: [
        (
            "<p>Point.</p>\n<h3>Agenda</h3>\n<ol><li>a</li></ol>\n<h3>Decisions needed</h3>\n<ul><li>d</li></ul>\n<h3>Actions</h3>\n<p>x</p>\n",
            "<p>Point.</p>\n", "Decisions needed", "<ul><li>d</li></ul>\n", "<h3>Agenda</h3>\n<ol><li>a</li></ol>\n<h3>Actions</h3>\n<p>x</p>\n"
        ),
        ("<p>Only a note.</p>\n", "<p>Only a note.</p>\n", "", "", ""),
        ("<h3 id=\"d\">Two decisions</h3>\n<p>d</p>\n", "", "Two decisions", "<p>d</p>\n", ""),
        ("<h3>Agenda</h3>\n<p>a</p>\n", "", "", "", "<h3>Agenda</h3>\n<p>a</p>\n"),
        // A heading over two lines, or closed at another level, names no section.
        ("<h2>Our\ndecisions</h2>\n<p>d</p>\n", "", "", "", "<h2>Our\ndecisions</h2>\n<p>d</p>\n"),
        ("<h2>Decisions</h3>\n<p>d</p>\n", "", "", "", "<h2>Decisions</h3>\n<p>d</p>\n"),
        // Only levels 2 to 6 open a section; the first section naming decisions is the one.
        (
            "<p>a</p><h1>Decisions</h1><header>x</header>\n<h6 class=\"x\">DECISION é</h6><p>d</p><h2>More decisions</h2>\n",
            "<p>a</p><h1>Decisions</h1><header>x</header>\n", "DECISION é", "<p>d</p>", "<h2>More decisions</h2>\n"
        ),
    ])
    func notesSplitIntoThePointTheDecisionsAndTheRest(html: String, lead: String, heading: String, decisions: String, rest: String) {
        let split = PageBuilder.splitNotes(html)
        #expect(split.lead == lead && split.decisionsHeading == heading && split.decisions == decisions && split.rest == rest)
    }

    @Test func thePointFollowsTheStoriesOrLeadsWhenAskedAndTheHandoutFollowsItsOrder() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let body = "\nWe lost two customers to one booking bug.\n\n## Decisions needed\n\n- Fund the fix.\n\n## Agenda\n\n1. Stories\n"
        try site.write("content/briefings/q3.md", "---\ntitle: Q3 review\ndate: 2026-10-05\nperiod: 2026-Q3\n---\n" + body)
        try site.write(
            "content/briefings/q2.md",
            "---\ntitle: Q2 review\ndate: 2026-07-05\nperiod: 2026-Q2\nagenda: top\nhandout: [decisions, stories, scores]\n---\n" + body)
        try site.build()
        for (page, pointFirst) in [("briefings/q3.html", false), ("briefings/q2.html", true)] {
            let html = try site.page(page)
            let point = try #require(html.range(of: "data-section=\"point\""))
            let stories = try #require(html.range(of: "data-section=\"stories\""))
            let scores = try #require(html.range(of: "data-section=\"scores\""))
            #expect((point.lowerBound < stories.lowerBound) == pointFirst && point.lowerBound < scores.lowerBound, "\(page)")
            #expect(html.contains("<h3>Decisions needed</h3>") && html.contains("Fund the fix."))
            #expect(
                html.contains("<h2 id=\"notes-heading\">Agenda and notes</h2>")
                    && !html.contains("<h3>Agenda</h3>\n<ol>\n<li>Stories</li>\n</ol>\n\n  <div"))
        }
        let q2 = try site.page("briefings/q2.html")
        #expect(q2.contains("class=\"point prose handout-1\"") && q2.contains("data-section=\"stories\" class=\"handout-2\""))
        #expect(q2.contains("data-section=\"scores\" class=\"handout-3\"") && q2.contains("<div class=\"not-in-handout\">"))
        #expect(try site.page("briefings/q3.html").contains("class=\"point prose handout-2\""))
    }

    @Test func anUnknownHandoutPartIsAnErrorAtItsPlace() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/briefings/q3.md", "---\ntitle: Q3 review\ndate: 2026-10-05\nperiod: 2026-Q3\nhandout: [stories, charts]\n---\n")
        let errors = site.buildErrors().filter(\.isError)
        #expect(errors.count == 1)
        #expect(errors.first?.description.contains("q3.md:5:20: error: 'handout': unknown part 'charts'") == true, "\(errors)")
    }

    /// Leaders' pages speak plainly (#30): the statisticians' words, the commands and the
    /// sentiment scores live on the analysts' page, which the methods note links to.
    @Test func methodsAndCommandsLiveOnTheAnalystsPageNotTheLeaders() throws {
        let built = try TestSite(built: .sample)
        defer { built.cleanUp() }
        let pages = try built.outputFiles().filter { $0.key.hasSuffix(".html") }
        let jargon = ["Pearson", "log-odds", "cxsite theme add", "(n.s.)", "not significant", "VADER"]
        for (path, data) in pages where path != Routes.analysis.path {
            let html = String(decoding: data, as: UTF8.self)
            let visible = html.replacing(/<details class="how-we-calculate">[\s\S]*?<\/details>/, with: "")
            #expect(jargon.filter(visible.contains).isEmpty, "\(path): \(jargon.filter(visible.contains))")
            #expect(visible.firstMatch(of: /read[s]? [a-z ]*(positive|negative) \(/) == nil, "\(path) shows a sentiment score")
        }
        let analysis = try built.page(Routes.analysis.path)
        #expect(analysis.contains("Pearson") && analysis.contains("log-odds") && analysis.contains("<code>cxsite theme add "))
        let briefing = try built.page("briefings/2026-q3-review.html")
        #expect(briefing.contains("<summary>How we calculate</summary>") && briefing.contains("href=\"../analysis/index.html\""))
        let themes = try built.page(Routes.themes.path)
        #expect(themes.contains("that no theme names yet: <a href=\"../analysis/index.html\">"))
    }

    /// A briefing shows the five strongest drivers and sends the reader to the scorecard for
    /// the rest; each finding is in words.
    @Test func aBriefingShowsTheTopFiveDriversAndLinksToTheRest() throws {
        let built = try TestSite(built: .sample)
        defer { built.cleanUp() }
        let briefing = try built.page("briefings/2026-q3-review.html")
        let scorecard = try built.page(Routes.scorecard.path)
        func driverRows(_ html: String) throws -> Int {
            let start = try #require(html.range(of: "id=\"drivers-heading\""))
            let table = html[start.upperBound...]
            let body = try #require(table.range(of: "<tbody>")).upperBound
            let end = try #require(table.range(of: "</tbody>")).lowerBound
            return table[body..<end].matches(of: /<tr>/).count
        }
        #expect(try driverRows(briefing) == PageBuilder.briefingDrivers)
        #expect(try driverRows(scorecard) > PageBuilder.briefingDrivers)
        #expect(briefing.contains(/more touchpoint measures? and where to act, on the scorecard/))
        #expect(briefing.contains(">strong link</td>") || briefing.contains(">moderate link</td>"))
    }

    @Test(arguments: [
        (0.62, 0.4, 0.8, "strong link"), (0.35, 0.1, 0.5, "moderate link"), (0.12, 0.02, 0.2, "weak link"),
        (0.6, -0.1, 0.9, "no clear link"), (-0.55, -0.8, -0.3, "strong link, the opposite way"),
    ])
    func aCorrelationReadsInWords(r: Double, low: Double, high: Double, words: String) {
        #expect(PageBuilder.linkText(SurveyStatistics.Correlation(r: r, n: 100, low: low, high: high)) == words)
    }

    /// A leaver's story the briefing opens with is named in a line under "the people behind
    /// the number", not shown twice; the leavers' share says which base it divides by.
    @Test func anOpeningLeaverIsNamedNotRepeatedAndTheShareNamesItsBase() throws {
        let site = try TestSite(sample: ())
        defer { site.cleanUp() }
        try site.write(
            "content/briefings/2026-q3-review.md",
            "---\ntitle: Q3\ndate: 2026-10-07\nperiod: 2026-Q3\nstories: [school-network-upgrade-over-the-summer, cancellation-request-bounced-between-teams]\n---\n"
        )
        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write("cxsite.yaml", config.replacingOccurrences(of: "base_at: start", with: "base_at: end"))
        try site.build()
        let html = try site.page("briefings/2026-q3-review.html")
        let flow = try #require(html.range(of: "data-section=\"customers\""))
        let people = html[flow.lowerBound...]
        #expect(people.contains("Among them: <a href=\"../stories/cancellation-request-bounced-between-teams.html\">"))
        #expect(!people.contains("<h3><a href=\"../stories/cancellation-request-bounced-between-teams.html\">"))
        #expect(html.components(separatedBy: "<h3><a href=\"../stories/cancellation-request-bounced-between-teams.html\">").count == 2)
        #expect(html.contains("customers at the end of the period") && html.contains("divided by the customers counted at its end."))
    }

    @Test func anUnknownBaseMomentIsAnErrorAtItsPlace() throws {
        let site = try TestSite(sample: ())
        defer { site.cleanUp() }
        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write("cxsite.yaml", config.replacingOccurrences(of: "base_at: start", with: "base_at: middle"))
        let errors = site.buildErrors().map(\.description)
        #expect(
            errors.count == 1 && errors[0].contains("cxsite.yaml:") && errors[0].contains("unknown base_at 'middle': expected 'start' or 'end'"),
            "\(errors)")
    }

    /// A loop meant to run long says when it should close and why; the 30-day warning waits
    /// for that date and speaks once it has passed.
    @Test(arguments: [("2027-03-31", 0), ("2026-11-01", 1)])
    func aLongLoopWaitsForItsExpectedClose(date: String, warnings: Int) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let story = try String(contentsOf: site.folder.appendingPathComponent("content/stories/double-bill.md"), encoding: .utf8)
        try site.write(
            "content/stories/double-bill.md",
            story.replacingOccurrences(
                of: "loop: tactical\n", with: "loop: tactical\nexpected_close:\n  date: \(date)\n  reason: the billing system is replaced in March\n")
        )
        let summary = try site.build(clock: .pinned(at: 1_796_083_200))  // 2026-12-01, 103 days after the story
        let loopWarnings = summary.warnings.filter { $0.message.contains("the loop on") }
        #expect(loopWarnings.count == warnings, "\(summary.warnings.map(\.message))")
        if warnings == 1, loopWarnings.count == 1 {
            #expect(
                loopWarnings[0].message.contains(
                    "was expected to close by \(date) (the billing system is replaced in March) and is still open, 30 days later"))
        }
        let day = try Day.parse(date).get()
        let expected = "expected to close by \(day.longText): the billing system is replaced in March"
        #expect(try site.page("loops/index.html").contains(expected))
        #expect(try site.page("stories/double-bill.html").contains("<dt>Runs long</dt><dd>\(expected)</dd>"))
        #expect(try site.page("loops/index.html").contains("<tr class=\"stale\">") == (warnings == 1))
    }

    @Test func anExpectedCloseWithoutAReasonIsAnErrorAtItsPlace() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let story = try String(contentsOf: site.folder.appendingPathComponent("content/stories/double-bill.md"), encoding: .utf8)
        try site.write(
            "content/stories/double-bill.md",
            story.replacingOccurrences(of: "loop: tactical\n", with: "loop: tactical\nexpected_close:\n  date: 2027-03-31\n"))
        let errors = site.buildErrors().map(\.description)
        #expect(errors.count == 1 && errors[0].hasPrefix("content/stories/double-bill.md:14:3: error:") && errors[0].contains("reason"), "\(errors)")
    }

    /// A story's page shows every fact its front matter gives; its cards show its picture,
    /// named by `image:` or the first in its text, with its size; an `image:` that is not a
    /// picture beside the story is an error at its place.
    @Test func aStoryShowsItsFactsAndItsCardsItsPicture() throws {
        let built = try TestSite(built: .sample)
        defer { built.cleanUp() }
        let page = try built.page("stories/cancellation-request-bounced-between-teams.html")
        #expect(page.contains("<dt>The customer</dt><dd>Left on 25 September 2026</dd>"))
        #expect(page.contains("<dt>Journeys</dt><dd><a href=\"../journeys/"))
        #expect(page.contains("<dt>Themes</dt><dd><a href=\"../themes/"))
        let index = try built.page("stories/index.html")
        #expect(
            index.contains(
                /<img class="card-image" src="..\/stories\/cancellation-letter.png" alt="Ben’?'?s letter of 28 August[^"]*" width="\d+" height="\d+" loading="lazy">/
            ))
        let briefing = try built.page("briefings/2026-q3-review.html")
        #expect(briefing.contains("<img class=\"card-image\" src=\"../stories/cancellation-letter.png\""))

        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let story = try String(contentsOf: site.folder.appendingPathComponent("content/stories/double-bill.md"), encoding: .utf8)
        try site.write("content/stories/double-bill.md", story.replacingOccurrences(of: "score: 3\n", with: "score: 3\nimage: missing.png\n"))
        let errors = site.buildErrors().filter(\.isError).map(\.description)
        #expect(
            errors.count == 1 && errors[0].hasPrefix("content/stories/double-bill.md:9:8: error: image 'missing.png' is not a picture"), "\(errors)")
    }

    /// The built-in theme speaks of the site, not of our broadband sample (#30): an insurer's
    /// site, with its own touchpoints, journeys, themes, counts and gap, shows none of the
    /// sample's words on any page, and writes its numbers alike.
    @Test func anInsurersSiteShowsNoWordOfTheBroadbandSample() throws {
        let site = try TestSite(fixture: "insurer")
        defer { site.cleanUp() }
        try site.build()
        let pages = try site.outputFiles().filter { $0.key.hasSuffix(".html") }
        for kind in [
            "briefings/2026-q3-review.html", "journeys/making-a-claim.html", "touchpoints/claims.html", "themes/index.html", "gap/index.html",
        ] {
            #expect(pages[kind] != nil, "\(kind) is missing: the fixture should reach every kind of page")
        }
        let sampleWords =
            /(?i)\b(broadband|router|engineer|install\w*|wi-?fi|outage|northwind|4g|technician|fibre|fault|tariff|modem|billing|bill|direct debit|moving home|joining|leaving)\b/
        for (path, data) in pages {
            let text = NumberTextTests.visibleText(String(decoding: data, as: UTF8.self))
            let found = text.matches(of: sampleWords).map { String($0.output.0) }
            #expect(found.isEmpty, "\(path): \(Set(found).sorted())")
            #expect(NumberTextTests.numberProblems(in: String(decoding: data, as: UTF8.self)).isEmpty, "\(path)")
        }
        // The check finds the sample's words where they are.
        let sample = try TestSite(built: .sample)
        defer { sample.cleanUp() }
        #expect(NumberTextTests.visibleText(try sample.page("briefings/2026-q3-review.html")).contains(sampleWords))
    }

    /// Under each headline metric, what customers wrote from both sides of the score: a
    /// critical comment on the costliest theme, a top-score one on the theme adding most;
    /// with score, touchpoint and theme, never a respondent's id.
    @Test func aHeadlineMetricShowsVoicesFromBothSidesOfTheScore() throws {
        let built = try TestSite(built: .sample)
        defer { built.cleanUp() }
        let briefing = try built.page("briefings/2026-q3-review.html")
        let nps = try #require(briefing.firstMatch(of: /<article class="metric-card">\s*<h3>Net Promoter Score[\s\S]*?<\/article>/)).output
        let voices = nps.matches(
            of: /<li class="voice voice-(worse|better)"><q>[^<]+<\/q> <span class="meta">Score (\d+)[^<]* · on [^<]+<\/span><\/li>/)
        #expect(voices.map { String($0.output.1) } == ["worse", "better"], "\(nps)")
        #expect(
            voices.map { Int($0.output.2)! }.map { SurveyMetric.nps.isCritical($0) ? "worse" : SurveyMetric.nps.isTop($0) ? "better" : "" } == [
                "worse", "better",
            ])
        #expect(!briefing.contains(/R-\d{3,}/))  // the sample's respondent ids
    }

    /// A briefing's figures file is read as the site's other YAML is: each mistake at its
    /// place; figures of no briefing are a warning; the file is not "not read".
    @Test(arguments: [
        (
            "q3", "frozen: 2026-10-07\nfigures:\n  - id: nps\n    name: NPS\n",
            "content/briefings/q3.figures.yaml:3:5: error: missing required field 'shown'"
        ),
        ("q3", "frozen: someday\nfigures: []\n", "content/briefings/q3.figures.yaml:1:9: error:"),
        (
            "q3", "frozen: 2026-10-07\nfigures:\n  - {id: nps, name: NPS, shown: \"+1\"}\n  - {id: nps, name: NPS, shown: \"+2\"}\n",
            "content/briefings/q3.figures.yaml:4:10: error: figure 'nps' is listed twice"
        ),
        ("q9", "frozen: 2026-10-07\nfigures: []\n", "content/briefings/q9.figures.yaml: warning: these figures are of no briefing"),
    ])
    func aFiguresFileIsCheckedAtItsPlace(_ slug: String, _ text: String, _ expected: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/briefings/\(slug).figures.yaml", text)
        var diagnostics: [Diagnostic]
        do { diagnostics = try site.build().warnings } catch let list as DiagnosticList { diagnostics = list.diagnostics }
        let found = diagnostics.map(\.description).filter { $0.contains(".figures.yaml") }
        #expect(found.count == 1 && found[0].hasPrefix(expected), "\(found)")
    }

    /// A table whose rows have no n has no n column of dashes: the scorecard's retention
    /// (a snapshot without n) against NPS (counted from responses).
    @Test func aTableWithNoNHasNoNColumn() throws {
        let built = try TestSite(built: .sample)
        defer { built.cleanUp() }
        let scorecard = try built.page("scorecard/index.html")
        func headerOfHistory(_ id: String) throws -> String {
            let section = try #require(scorecard.range(of: "<section class=\"metric-detail\" aria-labelledby=\"metric-\(id)\">"))
            let rest = scorecard[section.upperBound...]
            let caption = try #require(rest.range(of: "by period</caption>"))
            let end = try #require(rest[caption.upperBound...].range(of: "</thead>"))
            return String(rest[caption.upperBound..<end.lowerBound])
        }
        #expect(try headerOfHistory("nps").contains("<th scope=\"col\">n</th>"))
        #expect(try !headerOfHistory("retention").contains("<th scope=\"col\">n</th>"))
        #expect(!scorecard.contains("not reported"))
    }
}
