import CXCore
import Foundation
import Testing

/// Whole fixture sites built into temporary folders, checked as a reader sees them.
struct BuildTests {
    @Test func buildsEveryPage() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let summary = try site.build()
        #expect(summary.stories == 3)  // the draft stays out
        #expect(summary.briefings == 2)
        let files = try site.outputFiles().keys.sorted()
        #expect(
            files == [
                ".cxsite-output", "404.html", "analysis/index.html", "assets/style.css", "briefings/index.html", "briefings/q2.html",
                "briefings/q3.html",
                "feed.xml", "gap/index.html", "index.html", "journeys/customer-journey.html", "journeys/index.html", "loops/index.html",
                "scorecard.json", "scorecard/index.html", "stories/double-bill.html", "stories/fast-install.html",
                "stories/index.html", "stories/old-failure.html", "themes/index.html", "touchpoints/billing.html", "touchpoints/index.html",
                "touchpoints/installation.html", "touchpoints/website.html",
            ])
        #expect(summary.pages == files.count - 4)  // the marker, the stylesheet, scorecard.json and feed.xml are not pages
    }

    @Test func theHomePageIsTheNewestBriefingWithStoriesBeforeScores() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let home = try site.page("index.html")
        #expect(home.contains("<h1>Q3 review</h1>"))
        let stories = try #require(home.range(of: "<section data-section=\"stories\""))
        let scores = try #require(home.range(of: "<section data-section=\"scores\""))
        #expect(stories.lowerBound < scores.lowerBound)
        let storySection = home[stories.lowerBound..<scores.lowerBound]
        // No `stories:` in the briefing: the newest success and failure on or before its date.
        #expect(storySection.contains("data-outcome=\"success\""))
        #expect(storySection.contains("data-outcome=\"failure\""))
        #expect(storySection.contains("Installed in a day"))
        #expect(storySection.contains("Billed twice &lt;for&gt; one month"))
        #expect(!storySection.contains("Draft story"))
    }

    @Test func aBriefingThatNamesNoFailureStillShowsOne() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let q2 = try site.page("briefings/q2.html")
        // Dated 2026-07-05: the only failure before it is the router story.
        #expect(q2.contains("data-outcome=\"failure\""))
        #expect(q2.contains("Router lost in the post"))
        #expect(!q2.contains("Billed twice"))
    }

    @Test func draftsAppearOnlyWhenAskedFor() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let summary = try site.build(drafts: true)
        #expect(summary.stories == 4)
        #expect(try site.page("stories/index.html").contains("Draft story"))
    }

    @Test func contentIsEscapedAndRawHTMLIsOmitted() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let story = try site.page("stories/double-bill.html")
        #expect(story.contains("Billed twice &lt;for&gt; one month"))
        #expect(story.contains("I paid twice &amp; waited three weeks."))
        #expect(!story.contains("<script"))
        #expect(!story.contains("javascript:"))
        #expect(story.contains("<table>"))  // GFM tables are on
    }

    @Test func everyInternalLinkIsRelativeAndNamesAFile() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let files = try site.outputFiles()
        // 404.html is served at any address, so its links start at the server root instead.
        for (path, data) in files where path.hasSuffix(".html") && path != "404.html" {
            let html = String(decoding: data, as: UTF8.self)
            // An emptied href is a neutralised dangerous link; it points at the page itself.
            for link in Self.links(in: html) where !link.isEmpty && !link.hasPrefix("#") && !link.contains("://") {
                #expect(!link.hasPrefix("/"), "\(path): \(link) is absolute")
                let resolved = URL(fileURLWithPath: "/" + path).deletingLastPathComponent()
                    .appendingPathComponent(link).standardized.path
                #expect(files[String(resolved.dropFirst())] != nil, "\(path): \(link) points at no file")
            }
        }
    }

    @Test func aFailedBuildLeavesThePreviousOutputUntouched() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let before = try site.outputFiles()
        try site.write("content/stories/broken.md", "---\ntitle: Broken\ndate: 2026-02-30\noutcome: maybe\n---\n")
        let errors = site.buildErrors()
        #expect(errors.count == 2)
        #expect(try site.outputFiles() == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.folder.path).filter { $0.hasPrefix(".public.cxsite-") }
        #expect(leftovers.isEmpty)
    }

    @Test func aSecondBuildReplacesTheOutputAndLeavesNoScratchFolders() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        try site.remove("content/stories/old-failure.md")
        try site.build()
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("stories/double-bill.html").path))
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("stories/old-failure.html").path))
        let names = try FileManager.default.contentsOfDirectory(atPath: site.folder.path)
        #expect(!names.contains { $0.hasPrefix(".public.cxsite-") })
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let first = try site.outputFiles()
        try site.build()
        #expect(try site.outputFiles() == first)
    }

    @Test func aSiteTemplateOverridesTheBuiltInOne() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("templates/partials/metric-card.mustache", "<p class=\"custom\">{{name}}={{valueText}}</p>\n")
        try site.build()
        let home = try site.page("index.html")
        #expect(home.contains("<p class=\"custom\">Net Promoter Score=+31.0</p>"))
        #expect(home.contains("<section data-section=\"stories\""))  // the rest is still built in
    }

    @Test func fileNamesWithSpacesAndNonASCIILettersWork() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/café story.md", "---\ntitle: Café\ndate: 2026-09-02\noutcome: success\n---\nGood.\n")
        try site.build()
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("stories/café story.html").path))
        #expect(try site.page("stories/index.html").contains("href=\"../stories/caf%C3%A9%20story.html\""))
    }

    @Test func scoresShowValueChangeAndTarget() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let scorecard = try site.page("scorecard/index.html")
        #expect(scorecard.contains("+31"))
        #expect(scorecard.contains("+11"))  // since Q2
        #expect(scorecard.contains("Target +30.0: met"))
        #expect(scorecard.contains("Target 92.0%: met"))
        let billing = try site.page("touchpoints/billing.html")
        #expect(billing.contains("−5") || billing.contains("-5"))
        #expect(billing.contains("Billed twice"))
    }

    static func links(in html: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap {
            $0.split(separator: "\"", omittingEmptySubsequences: false).first.map(String.init)
        }
        .map { $0.removingPercentEncoding ?? $0 }
    }

    /// A touchpoint id that a URL encodes is written under its own name and linked encoded,
    /// so a browser finds it (it was written under the encoded name, which no link reached).
    @Test func aTouchpointWithANonASCIIIdIsWrittenUnderItsNameAndLinkedEncoded() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.remove("content")
        try site.write("cxsite.yaml", "title: T\njourney:\n  - id: café\n    name: Café\n")
        try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-08-01\noutcome: success\ntouchpoints: [café]\n---\nA.\n")
        try site.build()
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("touchpoints/café.html").path))
        #expect(try site.page("journeys/customer-journey.html").contains("href=\"../touchpoints/caf%C3%A9.html\""))
    }
}

extension BuildTests {
    @Test func storiesFromTheFutureAreListedUpToTenThenCounted() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        for index in 0..<13 {
            try site.write(
                "content/stories/ahead-\(index).md", "---\ntitle: Ahead \(index)\ndate: 2099-01-\(10 + index)\noutcome: success\n---\nSoon.\n")
        }
        let warnings = try site.build().warnings.map(\.message).filter { $0.contains("after today") }
        #expect(warnings.count == 11)  // ten listed, one counting the rest
        #expect(warnings.last?.hasPrefix("3 more stories are dated after today") == true)
    }
}
