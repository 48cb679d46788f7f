import CXCore
import Foundation
import Testing

/// The build cache in `SOURCE/.cxsite-cache/`: a build that uses it gives the same bytes and
/// the same warnings as a clean one, and a cache that is stale or damaged is ignored.
struct BuildCacheTests {
    private static let cacheFolder = ".cxsite-cache"

    private func cacheFiles(of site: TestSite) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: site.folder.appendingPathComponent(Self.cacheFolder).path)
    }

    private func edit(_ site: TestSite, _ relative: String, replacing old: String, with new: String) throws {
        let url = site.folder.appendingPathComponent(relative)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old), "\(relative) should contain \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func aCachedBuildMatchesACleanOneAfterEachKindOfChange() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        #expect(try !cacheFiles(of: site).isEmpty)
        // A story's text, a story added, removed, renamed, the config, a template: after each,
        // the cached build equals a build from scratch.
        let changes: [() throws -> Void] = [
            { try edit(site, "content/stories/fast-install.md", replacing: "Installed in a day", with: "Installed before noon") },
            {
                try site.write(
                    "content/stories/new-one.md",
                    "---\ntitle: New one\ndate: 2026-08-20\noutcome: failure\ntouchpoints: [billing]\n---\nIt *broke*.\n")
            },
            { try site.remove("content/stories/double-bill.md") },
            // A story renamed, its text the same: the lists that link to it must link anew.
            {
                try FileManager.default.moveItem(
                    at: site.folder.appendingPathComponent("content/stories/new-one.md"),
                    to: site.folder.appendingPathComponent("content/stories/renamed-one.md"))
            },
            { try edit(site, "cxsite.yaml", replacing: "title:", with: "title: Renamed —") },
            { try site.write("templates/partials/story-card.mustache", "<article>{{title}}</article>\n") },
        ]
        for change in changes {
            try site.build()  // the spare holds this site too, so any page whose inputs look unchanged could be kept
            try change()
            try site.build()
            #expect(try site.outputFiles() == site.cleanBuildFiles())
        }
        #expect(try site.page("stories/fast-install.html").contains("Installed before noon"))
        #expect(try site.page("stories/renamed-one.html").contains("<em>broke</em>"))
    }

    /// A shard is written again when a story of it was read again or is gone: the cache
    /// holds the site's stories and no others, however few changed.
    @Test func theCacheHoldsTheStoriesOfTheSiteAfterOneIsRemoved() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build(clock: .settled)
        func cached() throws -> String {
            try cacheFiles(of: site).filter { $0.hasPrefix("stories-") }.map {
                String(decoding: try Data(contentsOf: site.folder.appendingPathComponent(Self.cacheFolder + "/" + $0)), as: UTF8.self)
            }.joined()
        }
        #expect(try cached().contains("content/stories/double-bill.md"))
        try site.remove("content/stories/double-bill.md")
        let rebuilt = try site.build(clock: .settled)
        #expect(rebuilt.reuse.storiesParsed == 0)  // no story read again: the count tells the shard changed
        #expect(try !cached().contains("content/stories/double-bill.md"))
        #expect(try cached().contains("content/stories/fast-install.md"))
    }

    /// A story taken from the cache without its file being read still has its warnings
    /// quoted from the file, as a clean build quotes them.
    @Test func aStoryNotReadStillHasItsWarningsQuotedWhole() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/stale.md", "---\ntitle: Stale\ndate: 2026-01-05\noutcome: failure\nstatus: open\n---\nBody.\n")
        // Files written within two seconds of the clock are read and hashed every time (FileStamp.settled).
        let first = try site.build(clock: .settled)
        let second = try site.build(clock: .settled)
        #expect(second.reuse.storiesNotRead == second.reuse.storiesReused && second.reuse.storiesParsed == 0)
        #expect(first.warnings.contains { $0.message.contains("'Stale' has been open") && $0.sourceLine == "status: open" })
        #expect(second.warnings.map(\.description) == first.warnings.map(\.description))
    }

    /// More builds at once than the machine has cores, each from a task of the shared pool:
    /// a build saves its cache on a thread of its own, so none waits for a pool thread that
    /// the waiting builds hold (with the cache saved on a global queue, this hung under CI).
    @Test func buildsFromEveryThreadOfThePoolAtOnceEachFinish() async throws {
        let sites = try (0..<2 * ProcessInfo.processInfo.activeProcessorCount + 1).map { _ in try TestSite(fixture: "basic") }
        defer { for site in sites { site.cleanUp() } }
        let pages = try await withThrowingTaskGroup(of: Int.self) { group in
            for site in sites { group.addTask { try site.build().pages } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(pages.count == sites.count && Set(pages).count == 1 && pages[0] > 0)
    }

    @Test func aStoryWithAWarningIsParsedEveryTimeSoTheWarningStays() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/moody.md", "---\ntitle: Moody\ndate: 2026-08-03\noutcome: success\nmood: fine\n---\nBody.\n")
        let first = try site.build().warnings.map(\.description)
        let second = try site.build().warnings.map(\.description)
        #expect(first.contains { $0.contains("mood") })
        #expect(second == first)
    }

    @Test(arguments: ["garbage", "", "cxsite-build-cache 1\n\u{0}\u{1}"])
    func aDamagedCacheIsIgnored(_ damage: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        for name in try cacheFiles(of: site) {
            try site.write(Self.cacheFolder + "/" + name, damage)
        }
        try edit(site, "content/stories/fast-install.md", replacing: "Installed in a day", with: "Installed by noon")
        try site.build()
        #expect(try site.outputFiles() == site.cleanBuildFiles())
    }

    /// A story's HTML is read from the cache only when its page renders, so a file damaged
    /// where the HTML is still reads: the build that meets the damage is done again from the
    /// sources, and leaves a sound cache.
    @Test func aStoryTextDamagedInTheCacheIsParsedAgain() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build(clock: .settled)
        let shards = try cacheFiles(of: site).filter { $0.hasPrefix("stories-") }
        #expect(!shards.isEmpty)
        for name in shards {
            let handle = try FileHandle(forUpdating: site.folder.appendingPathComponent(Self.cacheFolder).appendingPathComponent(name))
            let end = try handle.seekToEnd()
            try handle.seek(toOffset: end - 3)  // the last story's HTML ends the file
            try handle.write(contentsOf: Data("?".utf8))
            try handle.close()
        }
        // A picture added to the site: every story page renders, from its cached HTML.
        try site.write("static/dot.png", StaticFileTests.png(1, 1))
        let rebuilt = try site.build(clock: .settled)
        #expect(rebuilt.reuse.storiesParsed == 4 && rebuilt.reuse.storiesReused == 0)
        #expect(try site.outputFiles() == site.cleanBuildFiles())
        let next = try site.build(clock: .settled)
        #expect(next.reuse.storiesReused == 4)
    }

    @Test func aTruncatedCacheIsIgnored() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        for name in try cacheFiles(of: site) {
            let url = site.folder.appendingPathComponent(Self.cacheFolder).appendingPathComponent(name)
            let bytes = try Data(contentsOf: url)
            try bytes.prefix(bytes.count / 2).write(to: url)
        }
        try site.build()
        #expect(try site.outputFiles() == site.cleanBuildFiles())
    }

    @Test func noCacheWritesNoCache() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var options = BuildOptions(source: site.folder, clock: .test)
        options.useCache = false
        try SiteBuilder.build(options)
        #expect(!FileManager.default.fileExists(atPath: site.folder.appendingPathComponent(Self.cacheFolder).path))
    }

    /// The cache is used, not only harmless: what a rebuild parses and renders, counted.
    @Test func aRebuildParsesAndRendersOnlyWhatChanged() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        // Files written within two seconds of the clock are read and hashed every time (FileStamp.settled).
        let first = try site.build(clock: .settled)
        #expect(first.reuse.storiesReused == 0)
        #expect(first.reuse.storiesParsed == 4)  // the draft too
        #expect(first.reuse.pagesKept == 0)
        #expect(first.reuse.pagesRendered == first.pages)
        try site.build(clock: .settled)  // the spare now holds the first build: its pages can be kept
        let unchanged = try site.build(clock: .settled)
        #expect(
            unchanged.reuse
                == BuildSummary.Reuse(
                    storiesParsed: 0, storiesReused: 4, storiesNotRead: 4, pagesRendered: 0,
                    pagesKept: first.pages))
        let story = site.folder.appendingPathComponent("content/stories/old-failure.md")
        try (try String(contentsOf: story, encoding: .utf8) + "\nOne more line.\n").write(to: story, atomically: true, encoding: .utf8)
        let changed = try site.build(clock: .settled)
        #expect(changed.reuse.storiesParsed == 1)
        #expect(changed.reuse.storiesReused == 3 && changed.reuse.storiesNotRead == 3)
        #expect(changed.reuse.pagesRendered >= 1 && changed.reuse.pagesRendered < first.pages)
        #expect(try site.outputFiles() == site.cleanBuildFiles())
    }
}

/// `serve`'s builds into memory reuse the previous one as the build cache does on disk.
struct InMemoryReuseTests {
    @Test func aRebuildIntoMemoryRendersOnlyWhatChangedAndMatchesAFreshOne() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let options = BuildOptions(source: site.folder, clock: .pinned(at: 1_790_000_000))
        let first = try SiteBuilder.renderInMemory(options)
        let unchanged = try SiteBuilder.renderInMemory(options, reusing: first)
        #expect(unchanged.files == first.files)
        #expect(unchanged.reuse.storiesParsed == 0 && unchanged.reuse.pagesRendered == 0)
        let story = "content/stories/fast-install.md"
        let text = try String(contentsOf: site.folder.appendingPathComponent(story), encoding: .utf8)
        try site.write(story, text.replacingOccurrences(of: "title: ", with: "title: Retold — "))
        let changed = try SiteBuilder.renderInMemory(options, reusing: unchanged)
        #expect(changed.files == (try SiteBuilder.renderInMemory(options)).files)
        #expect(changed.reuse.storiesParsed == 1)
        #expect(changed.reuse.pagesRendered > 0 && changed.reuse.pagesKept > 0)  // the other stories' pages
        #expect(String(decoding: changed.files["stories/fast-install.html"] ?? [], as: UTF8.self).contains("Retold"))
    }
}
