import Foundation
import Testing

/// `cxsite build` run as a user would.
struct BuildCommandTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CXCoreTests/Fixtures/sites/basic")

    private func copyOfFixture() throws -> Scratch {
        let scratch = try Scratch()
        try FileManager.default.removeItem(at: scratch.folder)
        try FileManager.default.copyItem(at: Self.fixture, to: scratch.folder)
        return scratch
    }

    @Test func buildsAndPrintsAOneLineSummary() throws {
        let site = try copyOfFixture()
        defer { site.cleanUp() }
        let output = site.path("out")
        let result = try CXSiteBinary.run(["build", "--source", site.folder.path, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Built 3 stories and 2 briefings into 20 pages in "))
        #expect(result.stdout.hasSuffix(" s, with 2 warnings → \(output)\n"))  // a briefing naming no failure, an old loop
        #expect(FileManager.default.fileExists(atPath: output + "/index.html"))
    }

    /// A file name holding escape sequences (a clipboard write, a title change, colours, a
    /// carriage return) is printed with each control character replaced, in errors,
    /// warnings and the summary alike.
    @Test func noByteOfAFileNameReachesTheTerminalAsAControl() throws {
        let site = try copyOfFixture()
        defer { site.cleanUp() }
        let name = "evil\u{1B}]52;c;aGVsbG8=\u{07}\u{1B}]0;owned\u{07}\u{1B}[31m\r"
        try site.write("content/stories/\(name).md", "---\ntitle: Bad\ndate: 2026-01-02\noutcome: late\n---\n")
        try site.write("static/\(name).xhtml", "<html/>")  // left out, with a warning naming it
        let output = site.path("out\u{1B}[2J")
        let failed = try CXSiteBinary.run(["build", "--source", site.folder.path, "--output", output])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("evil\u{FFFD}]52;c;aGVsbG8=\u{FFFD}"), "\(failed.stderr)")
        try FileManager.default.removeItem(atPath: site.path("content/stories/\(name).md"))
        let built = try CXSiteBinary.run(["build", "--source", site.folder.path, "--output", output])
        #expect(built.status == 0, "\(built.stderr.debugDescription)")
        #expect(built.stderr.contains("owned\u{FFFD}\u{FFFD}[31m\u{FFFD}.xhtml"), "\(built.stderr.debugDescription)")
        for text in [failed.stdout, failed.stderr, built.stdout, built.stderr] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(text.debugDescription)")
        }
    }

    @Test func aStagingCopyTakesItsAddressFromBaseURLAndTheSummaryCountsWarnings() throws {
        let site = try copyOfFixture()
        defer { site.cleanUp() }
        try site.write("content/stories/stale.md", "---\ntitle: Stale\ndate: 2026-01-02\noutcome: failure\nstatus: open\n---\n")
        let output = site.path("staging")
        let result = try CXSiteBinary.run([
            "build", "--source", site.folder.path, "--output", output,
            "--base-url", "https://staging.example.com/cx/",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(" s, with 3 warnings → \(output)"), "\(result.stdout)")  // and the new stale loop
        let notFound = try String(contentsOfFile: output + "/404.html", encoding: .utf8)
        #expect(notFound.contains(#"href="https://staging.example.com/cx/index.html""#))
        #expect(try String(contentsOfFile: output + "/sitemap.xml", encoding: .utf8).contains("<loc>https://staging.example.com/cx/index.html</loc>"))
        let refused = try CXSiteBinary.run(["build", "--source", site.folder.path, "--base-url", "ftp://example.com/"])
        #expect(refused.status == 64 && refused.stderr.contains("--base-url must be an absolute http:// or https:// address"))
    }

    @Test func theOutputDefaultsToPublicInTheSource() throws {
        let site = try copyOfFixture()
        defer { site.cleanUp() }
        let result = try CXSiteBinary.run(["build"], in: site.folder)
        #expect(result.status == 0)
        #expect(FileManager.default.fileExists(atPath: site.path("public/index.html")))
    }

    @Test func badContentPrintsEveryErrorExitsOneAndKeepsTheOldSite() throws {
        let site = try copyOfFixture()
        defer { site.cleanUp() }
        #expect(try CXSiteBinary.run(["build", "--source", site.folder.path]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: site.path("public/index.html")))
        try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-02-30\noutcome: success\n---\n")
        try site.write("content/stories/b.md", "---\ntitle: B\ndate: 2026-02-03\noutcome: won\n---\n")
        let result = try CXSiteBinary.run(["build", "--source", site.folder.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr.contains("content/stories/a.md:3:7: error: 'date': 2026-02-30 does not exist in the calendar\ndate: 2026-02-30\n      ^\n"))
        #expect(result.stderr.contains("content/stories/b.md:4:10: error: unknown outcome 'won'"))
        #expect(result.stderr.contains("build failed with 2 errors"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: site.path("public/index.html"))) == before)
    }

    @Test func draftsFlagIncludesDrafts() throws {
        let site = try copyOfFixture()
        defer { site.cleanUp() }
        let result = try CXSiteBinary.run(["build", "--source", site.folder.path, "--drafts"])
        #expect(result.stdout.hasPrefix("Built 4 stories"))
    }

    @Test(arguments: [["build", "--help"], ["render", "--help"]])
    func helpDocumentsEveryOption(_ arguments: [String]) throws {
        let result = try CXSiteBinary.run(arguments)
        #expect(result.status == 0)
        let expected = arguments[0] == "build" ? ["--source", "--output", "--drafts"] : ["--data", "--partials", "<template>"]
        for option in expected {
            #expect(result.stdout.contains(option))
        }
    }
}
