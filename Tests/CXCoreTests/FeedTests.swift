import CXCore
import ChildProcess
import Foundation
import Testing

/// feed.xml, sitemap.xml, 404.html and the last change of each story from git.
struct FeedTests {
    @Test func theAtomFeedListsStoriesNewestFirstWithRelativeLinks() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let feed = try site.page("feed.xml")
        #expect(feed.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"))
        let titles = feed.components(separatedBy: "<title>").dropFirst(2).map { $0.prefix { $0 != "<" } }
        #expect(titles == ["Billed twice &lt;for&gt; one month", "Installed in a day", "Router lost in the post"])
        #expect(feed.contains("<link href=\"stories/double-bill.html\"/>"))
        #expect(feed.contains("<updated>2026-08-20T00:00:00Z</updated>"))
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("sitemap.xml").path))
    }

    @Test func aBaseURLGivesAbsoluteFeedLinksAndASitemap() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write("cxsite.yaml", config + "base_url: https://cx.example.com/briefing\n")
        try site.build()
        let feed = try site.page("feed.xml")
        #expect(feed.contains("<link rel=\"self\" href=\"https://cx.example.com/briefing/feed.xml\"/>"))
        #expect(feed.contains("<id>https://cx.example.com/briefing/stories/fast-install.html</id>"))
        let sitemap = try site.page("sitemap.xml")
        #expect(sitemap.contains("<url><loc>https://cx.example.com/briefing/index.html</loc></url>"))
        #expect(sitemap.contains("<url><loc>https://cx.example.com/briefing/stories/double-bill.html</loc></url>"))
        #expect(!sitemap.contains("404.html"))
        #expect(try site.page("404.html").contains("href=\"https://cx.example.com/briefing/stories/index.html\""))
    }

    @Test func theNotFoundPageLinksFromTheServerRootWithoutABaseURL() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let page = try site.page("404.html")
        #expect(page.contains("<h1>This page is not here</h1>"))
        #expect(page.contains("<link rel=\"stylesheet\" href=\"/assets/style.css\">"))
    }

    @Test func storiesShowTheirLastChangeFromGit() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        func git(_ arguments: String...) throws {
            _ = try ChildProcess(
                "git", ["-C", site.folder.path] + arguments,
                environment: [
                    "GIT_AUTHOR_DATE": "2026-09-03T10:00:00Z", "GIT_COMMITTER_DATE": "2026-09-03T10:00:00Z",
                    "HOME": site.folder.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
                ]
            ).wait()
        }
        try git("init", "-q")
        try git("add", ".")
        try git("-c", "user.name=Dana Okafor", "-c", "user.email=dana@example.com", "commit", "-q", "-m", "Stories")
        try site.build()
        #expect(
            try site.page("stories/fast-install.html").contains(
                "Last edited by Dana Okafor, <time datetime=\"2026-09-03\">3 September 2026</time>."))
        try SiteBuilder.build(
            {
                var options = BuildOptions(source: site.folder, clock: .test)
                options.useGit = false
                return options
            }())
        #expect(!(try site.page("stories/fast-install.html").contains("Last edited")))
    }
}
