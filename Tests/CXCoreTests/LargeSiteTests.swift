import Foundation
import Testing

@testable import CXCore

/// A site too large for one list: the stories index and a touchpoint's stories in pages, the
/// journey map with the newest stories of each step.
struct LargeSiteTests {
    /// 205 more stories than the basic fixture's four, all at the billing step, half failures.
    private func largeSite() throws -> TestSite {
        let site = try TestSite(fixture: "basic")
        for number in 1...205 {
            let day = 1 + number % 28
            let month = 1 + number % 9
            try site.write(
                "content/stories/bulk-\(number).md",
                """
                ---
                title: "Bulk \(number)"
                date: 2026-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)
                outcome: \(number % 2 == 0 ? "failure" : "success")
                touchpoints: [billing, installation]
                ---
                Story \(number).

                """)
        }
        return site
    }

    @Test func theStoriesIndexIsPagedAHundredAtATimeWithEveryPageLinked() throws {
        let site = try largeSite()
        defer { site.cleanUp() }
        try site.build()
        let pages = ["stories/index.html", "stories/pages/2.html", "stories/pages/3.html"]
        let cards = try pages.map { try site.page($0).components(separatedBy: "class=\"story-card").count - 1 }
        #expect(cards == [100, 100, 8])  // 205 and the fixture's 3 published stories
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("stories/pages/4.html").path))
        let second = try site.page("stories/pages/2.html")
        #expect(second.contains("Stories 101–200 of 208, newest first."))
        #expect(second.contains(#"<a href="../../stories/index.html" rel="prev">Newer</a>"#))
        #expect(second.contains(#"<a href="../../stories/pages/3.html" rel="next">Older</a>"#))
        #expect(second.contains(#"<span aria-current="page">2</span>"#))
        try expectEveryLinkLeadsToAFile(of: site, from: pages)
    }

    @Test func aTouchpointsStoriesArePagedFailuresFirstWithEveryPageLinked() throws {
        let site = try largeSite()
        defer { site.cleanUp() }
        try site.build()
        let pages = ["touchpoints/billing.html", "touchpoints/billing/2.html", "touchpoints/billing/3.html"]
        let cards = try pages.map { try site.page($0).components(separatedBy: "class=\"story-card").count - 1 }
        let total = cards.reduce(0, +)
        #expect(cards[0] == 100 && cards[1] == 100 && total > 205)
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("touchpoints/billing/4.html").path))
        // Failures first: page 1 holds only failures (102 of the bulk stories fail at billing).
        #expect(!(try site.page(pages[0])).contains(#"data-outcome="success""#))
        #expect((try site.page(pages[2])).contains(#"data-outcome="success""#))
        let second = try site.page(pages[1])
        #expect(second.contains("Stories 101–200 of \(total), failures first, newest first."))
        #expect(second.contains(#"<a href="../../touchpoints/billing.html" rel="prev">Previous</a>"#))
        #expect(second.contains(#"<a href="../../touchpoints/billing/3.html" rel="next">Next</a>"#))
        #expect(second.contains(#"<span aria-current="page">2</span>"#))
        // A touchpoint whose stories fit on one page has no pager.
        #expect(!(try site.page("touchpoints/website.html")).contains("class=\"pager\""))
        try expectEveryLinkLeadsToAFile(of: site, from: pages)
    }

    /// The pager linked every page: a list of a thousand pages wrote a thousand links on each
    /// of them, a million in all, and the build grew with the square of the stories.
    @Test(arguments: [
        (1, 2, [1, 2]),
        (3, 3, [1, 2, 3]),
        (1, 9, [1, 2, 3, 9]),
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),  // a gap would hide one page: the page is shown
        (6, 9, [1, 4, 5, 6, 7, 8, 9]),
        (500, 1000, [1, 498, 499, 500, 501, 502, 1000]),
        (1000, 1000, [1, 998, 999, 1000]),
    ])
    func thePagerLinksTheEndsAndTheNeighboursOfThisPage(page: Int, of pageCount: Int, linked: [Int]) throws {
        let pagination = try #require(Pagination(page: page, of: pageCount, showing: 0..<1) { "\($0).html" })
        #expect(pagination.pages.map(\.number) == linked)
        #expect(pagination.pages.filter(\.current).map(\.number) == [page])
        let gaps = zip(linked, linked.dropFirst()).filter { $1 - $0 > 1 }.map(\.1)
        #expect(pagination.pages.filter(\.followsGap).map(\.number) == gaps)
    }

    @Test func aPagerLeavesOutTheFarPagesWithAMarkWhereTheyWere() throws {
        let site = try largeSite()
        defer { site.cleanUp() }
        for number in 1...1_000 {
            try site.write("content/stories/more-\(number).md", "---\ntitle: \"More \(number)\"\ndate: 2026-05-01\noutcome: failure\n---\n")
        }
        try site.build()
        let pager = try site.page("stories/pages/7.html").components(separatedBy: "<nav class=\"pager\"")[1]
        let numbers = pager.matches(of: /<li>(?:<a href="[^"]+">|<span aria-current="page">)(\d+)</).map { Int($0.1)! }
        #expect(numbers == [1, 5, 6, 7, 8, 9, 13])
        #expect(pager.components(separatedBy: #"<li class="pager-gap">…</li>"#).count - 1 == 2)
        try expectEveryLinkLeadsToAFile(of: site, from: ["stories/pages/7.html"])
    }

    /// Every `.html` link of each of `pages` leads to a file of the output.
    private func expectEveryLinkLeadsToAFile(of site: TestSite, from pages: [String]) throws {
        for page in pages {
            let folder = (page as NSString).deletingLastPathComponent
            for href in try site.page(page).matches(of: /href="([^"#]+\.html)"/).map({ String($0.1) }) {
                let target = ((folder as NSString).appendingPathComponent(href) as NSString).standardizingPath
                #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent(target).path), "\(page) → \(href)")
            }
        }
    }

    @Test func theJourneyShowsEachStepsNewestStoriesAndSaysHowManyMore() throws {
        let site = try largeSite()
        defer { site.cleanUp() }
        try site.build()
        let journey = try site.page("journeys/customer-journey.html")
        let steps = journey.components(separatedBy: "<li class=\"step\">").dropFirst()
        let billing = try #require(steps.first { $0.contains(">Billing</a></h3>") })
        #expect(billing.components(separatedBy: "<li class=\"story-").count - 1 == JourneyPage.storiesPerStep)
        let billingPages = ["touchpoints/billing.html", "touchpoints/billing/2.html", "touchpoints/billing/3.html"]
        let billingStories = try billingPages.map { try site.page($0).components(separatedBy: "class=\"story-card").count - 1 }
            .reduce(0, +)
        #expect(billing.contains("\(billingStories - JourneyPage.storiesPerStep) more on the Billing page"))
        // 102 failures cross billing and installation: the newest 50 are drawn, the rest counted.
        #expect(journey.components(separatedBy: "<tr>").count - 2 == JourneyPage.compoundingShown)
        #expect(journey.contains("older failures that crossed the journey are on their touchpoints' pages."))
    }
}
