import CXCore
import Foundation
import Testing

/// Bad content gives `path:line:column: error: message` with the source line and a caret,
/// every error of a build at once, and no output.
struct DiagnosticsTests {
    /// A guessed mapping quotes the export's column names, which may be 64 KiB each or hold
    /// control characters: each line printed is clipped and scrubbed like a message.
    @Test func attachedLinesAreClippedAndScrubbed() {
        var diagnostic = Diagnostic(.error, "this looks like an export", at: .file("content/responses/x.csv"))
        diagnostic.attachment = ["    date: " + String(repeating: "Q", count: 10_000) + "\u{1B}[2J"]
        let printed = diagnostic.description.split(separator: "\n")
        #expect(printed.count == 2 && printed[1].count < 700)
        #expect(!diagnostic.description.contains("\u{1B}"))
    }

    @Test func errorsShowTheSourceLineAndACaret() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-02-03\noutcome: sucess\n---\n")
        let error = try #require(site.buildErrors().first)
        #expect(
            error.description == """
                content/stories/a.md:4:10: error: unknown outcome 'sucess': expected 'success' or 'failure'
                outcome: sucess
                         ^
                """)
    }

    @Test func everyErrorOfTheBuildIsReportedAtOnce() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-13-01\noutcome: success\n---\n")
        try site.write("content/stories/b.md", "no front matter\n")
        try site.write("content/metrics/m.csv", "period,metric,value\n2026-Q9,nps,1\n")
        try site.write("templates/home.mustache", "{{#x}}")
        let paths = site.buildErrors().filter(\.isError).compactMap { $0.location?.path }
        #expect(Set(paths) == ["content/stories/a.md", "content/stories/b.md", "content/metrics/m.csv", "templates/home.mustache"])
    }

    @Test func unknownFieldsAreWarningsThatSuggestTheRightName() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-02-03\noutcome: success\ncustmer: Dee\n---\n")
        let summary = try site.build()
        #expect(
            summary.warnings.filter { $0.location?.path == "content/stories/a.md" }
                .map { String($0.description.split(separator: "\n")[0]) } == [
                    "content/stories/a.md:5:1: warning: unknown field 'custmer' is ignored (did you mean 'customer'?)"
                ])
    }

    @Test func aHugeStoryIsRefusedWithAClearMessage() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let url = site.folder.appendingPathComponent("content/stories/huge.md")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 50 * 1_048_576)  // 50 MiB, sparse
        try handle.close()
        let error = try #require(site.buildErrors().first)
        #expect(
            error.description
                == "content/stories/huge.md: error: the file is 50.0 MiB, more than the 1 MiB cxsite reads of such a file: split it (responses in content/responses/ are streamed and have no limit)"
        )
    }

    /// The caret of a broken link sits under its `[` after non-ASCII text too.
    @Test func aBrokenLinkAfterNonASCIITextIsPointedAtExactly() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/accents.md", "---\ntitle: Accents\ndate: 2026-08-01\noutcome: success\n---\nCafé — señor [gone](gone.html)\n")
        let broken = try #require(
            SiteBuilder.check(BuildOptions(source: site.folder, clock: .test)).first { $0.location?.path == "content/stories/accents.md" })
        #expect(
            broken.description == """
                content/stories/accents.md:6:14: error: broken link 'gone.html': the site has no stories/gone.html
                Café — señor [gone](gone.html)
                             ^
                """)
    }
}
