import Foundation
import Testing

@testable import CXCore

/// Input that once crashed, hung, flooded the terminal or reached the output (issue #12),
/// where a fixture file cannot hold it: too large, a named pipe, a name too long.
/// Each case took a minute or more, or hung, before its fix; what bounds it now is asserted
/// (one error, the rows read, the bytes kept), not a time limit (Swift Testing's does not run
/// under `faketime`, which CI runs the suite under).
struct HostileInputTests {
    @Test(arguments: [
        ("javascript:alert(1)//", "must be an absolute http:// or https:// address, such as https://cx.example.com/"),
        ("data:text/html,x", "must be an absolute http:// or https:// address, such as https://cx.example.com/"),
        ("//evil.com/", "must be an absolute http:// or https:// address, such as https://cx.example.com/"),
        ("https://a b.com/", "cannot contain ' ': write the address as a browser shows it, percent-encoded"),
        ("https://cx.example.com/\"><script>", "cannot contain '\\\"': write the address as a browser shows it, percent-encoded"),
        ("https:///path", "must name a host, as in https://cx.example.com/"),
        ("https://user:pw@cx.example.com/", "must name a host, as in https://cx.example.com/"),
        ("https://cx.example.com/?a=1", "cannot carry a query or fragment: give the folder the site is served from"),
    ])
    func aBaseURLThatIsNotAWebAddressIsALocatedError(_ url: String, _ problem: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write("cxsite.yaml", config + "base_url: '\(url)'\n")
        let errors = site.buildErrors()
        #expect(errors.map(\.message) == ["'base_url' \(problem)"])
        #expect(errors.first?.location?.line == config.split(separator: "\n").count + 1)
    }

    @Test(arguments: ["https://cx.example.com/", "http://localhost:8080/briefings/", "https://cx.example.com/a%20b/"])
    func aWebAddressIsAccepted(_ url: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write("cxsite.yaml", config + "base_url: '\(url)'\n")
        try site.build()
        #expect(try site.page("feed.xml").contains(url))
    }

    @Test(arguments: ["content/stories/pipe.md", "content/responses/pipe.csv", "templates/pipe.mustache"])
    func aNamedPipeIsRefusedInsteadOfWaitedOn(_ path: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try FileManager.default.createDirectory(
            at: site.folder.appendingPathComponent(path).deletingLastPathComponent(),
            withIntermediateDirectories: true)
        #expect(mkfifo(site.folder.appendingPathComponent(path).path, 0o644) == 0)
        #expect(
            site.buildErrors().map(\.description) == ["\(path): error: this is not a regular file (a named pipe): cxsite reads only regular files"])
    }

    @Test func aLinkToANamedPipeIsRefusedToo() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        #expect(mkfifo(site.folder.appendingPathComponent("pipe").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(
            atPath: site.folder.appendingPathComponent("content/stories/link.md").path,
            withDestinationPath: "../../pipe")
        #expect(
            site.buildErrors().map(\.description) == [
                "content/stories/link.md: error: this is not a regular file (a named pipe): cxsite reads only regular files"
            ])
    }

    @Test func aSlugTooLongForAFileNameIsALocatedErrorInCheckAndBuild() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let slug = String(repeating: "a", count: 251)
        try site.write("content/stories/\(slug).md", "---\ntitle: Long\ndate: 2026-08-01\noutcome: success\n---\nBody.\n")
        let expected =
            "content/stories/\(slug).md: error: the file name '\(slug)' cannot name a page: it is 251 bytes long, more than the 200 a page's file name can take"
        #expect(site.buildErrors().map(\.description) == [expected])
        #expect(SiteBuilder.check(BuildOptions(source: site.folder, clock: .test)).filter(\.isError).map(\.description) == [expected])
    }

    @Test func aTemplateNestedThousandsDeepGivesOneShortError() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("templates/deep.mustache", String(repeating: "{{#a}}", count: 4000) + String(repeating: "{{/a}}", count: 4000))
        let errors = site.buildErrors()
        #expect(errors.map(\.message) == ["sections nested more than 200 deep"])
        #expect(errors.map(\.description).joined().utf8.count < 400)
    }

    @Test(arguments: [true, false])
    func aHugeCSVFieldIsOneShortErrorReadInBoundedMemory(quoted: Bool) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        // An unclosed quote makes the rest of the file one field; a field without quotes can be as long.
        let field = (quoted ? "\"" : "") + String(repeating: "x", count: 4 << 20)
        try site.write("content/responses/huge.csv", "date,metric,score,comment\n2026-08-01,nps,9,\(field)\n2026-08-02,nps,8,ok\n")
        let errors = site.buildErrors()
        let message =
            quoted ? "a quoted field is never closed: add the closing quote" : "a field longer than 64 KiB: is a quote missing, or a file not CSV?"
        #expect(errors.map(\.message) == [message])
        #expect(errors.first?.location == SourceLocation(path: "content/responses/huge.csv", line: 2, column: 18))
        #expect(errors.map(\.description).joined().utf8.count < 400)
    }

    @Test func aLongSourceLineIsCutAroundTheCaret() {
        let line = String(repeating: "a", count: 5000) + "X" + String(repeating: "b", count: 5000)
        let diagnostic = Diagnostic(.error, "here", at: SourceLocation(path: "f", line: 1, column: 5001), sourceLine: line)
        let printed = diagnostic.description.split(separator: "\n")
        #expect(printed.count == 3)
        #expect(printed[1].count <= 102)
        let caret = printed[2].count - 1
        #expect(Array(printed[1])[caret] == "X", "the caret is under the character it points at")
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        let diagnostic = Diagnostic(
            .error, "unknown outcome '\u{1B}[2J'", at: SourceLocation(path: "f", line: 1, column: 10),
            sourceLine: "outcome: \u{1B}[2J")
        #expect(!diagnostic.description.unicodeScalars.contains("\u{1B}"))
    }

    @Test func aDuplicateKeyInTheConfigIsReportedWhereItIsGivenAgain() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write("cxsite.yaml", config + "title: Again\n")
        let errors = site.buildErrors()
        #expect(errors.map(\.message) == ["'title' is given twice: keep one"])
        #expect(errors.first?.location == SourceLocation(path: "cxsite.yaml", line: config.split(separator: "\n").count + 1, column: 1))
        #expect(errors.first?.notes.first?.location == SourceLocation(path: "cxsite.yaml", line: 1, column: 1))
    }

    /// Stories and briefings are held in memory whole: their total is bounded, and checked
    /// from the file sizes before anything is read (here, sparse files of 1 MiB each).
    @Test func storiesThatTogetherOutgrowMemoryAreRefusedBeforeReading() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        for index in 0..<260 {
            let url = site.folder.appendingPathComponent("content/stories/big-\(index).md")
            #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
            #expect(truncate(url.path, 1_048_576) == 0)
        }
        #expect(
            site.buildErrors().map(\.description) == [
                "content: error: the stories and briefings add up to 260 MiB, more than the 256 MiB a build holds in memory: split the site, or archive old stories"
            ])
    }

    /// 28,000 links to one missing page took 31 s, each warning scanning the file for its line.
    @Test func manyBrokenLinksAreOneDiagnosticPerDestination() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let body =
            String(repeating: "[x](missing.html) ", count: 28_000) + "\n\n"
            + (0..<30).map { "[x](gone-\($0).html)" }.joined(separator: " ")
        try site.write("content/stories/links.md", "---\ntitle: Links\ndate: 2026-08-01\noutcome: success\n---\n\(body)\n")
        let broken = SiteBuilder.check(BuildOptions(source: site.folder, clock: .test)).filter { $0.location?.path == "content/stories/links.md" }
        #expect(broken.count == 21)
        let messages = Set(broken.map(\.message))
        #expect(messages.contains("broken link 'missing.html': the site has no stories/missing.html (and 27999 more links to it in this file)"))
        #expect(messages.contains("11 more broken links in this file are not shown"))
    }

    @Test func aRowOfMillionsOfFieldsIsOneErrorInBoundedMemory() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/responses/wide.csv", "date,metric,score\n2026-08-01,nps," + String(repeating: ",", count: 2_000_000) + "\n2026-08-02,nps,9\n")
        let errors = site.buildErrors()
        #expect(errors.map(\.message) == ["a row of more than 1000 fields or 1024 KiB: is this file CSV?"])
        #expect(errors.first?.location == SourceLocation(path: "content/responses/wide.csv", line: 2, column: 1))
        #expect(errors.map(\.description).joined().utf8.count < 400)
    }

    /// Each snapshot error scanned the file for its line: 100,000 bad rows took minutes. An
    /// error's line is quoted only for the errors shown, and a mistake on every row is one
    /// error with its rows counted (it printed 20 errors, and the summary above them).
    @Test func aSnapshotFileOfBadRowsGivesOneErrorPerCause() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/metrics/bad.csv", "period,metric,value\n" + String(repeating: "2026-Q1,nope,1\n", count: 100_000))
        let errors = site.buildErrors().filter { $0.location?.path == "content/metrics/bad.csv" }
        #expect(
            errors.map(\.description) == [
                "content/metrics/bad.csv:2:9: error: unknown metric 'nope': cxsite.yaml knows nps, csat, ces, retention; declare it under 'metrics'\n"
                    + "2026-Q1,nope,1\n        ^\nnote: and 99,999 more rows with the same mistake"
            ])
    }

    /// A cache file that is a link (to a device) or a named pipe is never read: it would fill
    /// memory or wait for ever. The build goes on without it.
    @Test(arguments: ["link", "pipe"])
    func aCacheFileThatIsNotARegularFileIsIgnored(_ kind: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let pages = site.folder.appendingPathComponent(".cxsite-cache/pages").path
        try FileManager.default.removeItem(atPath: pages)
        if kind == "link" {
            try FileManager.default.createSymbolicLink(atPath: pages, withDestinationPath: "/dev/zero")
        } else {
            #expect(mkfifo(pages, 0o644) == 0)
        }
        try site.build()
        #expect(try site.outputFiles() == site.cleanBuildFiles())
    }

    /// Thousands of journeys: each journey's page links a bounded number of the others, so
    /// the output grows with the number of journeys, not its square (3,000 journeys of 50
    /// steps wrote 1.2 GB), and the site is warned.
    @Test func thousandsOfJourneysWriteOutputInProportion() throws {
        func outputBytes(journeys: Int) throws -> (bytes: Int, warnings: [String]) {
            let site = try TestSite(fixture: "basic")
            defer { site.cleanUp() }
            var config = "title: T\nperiod: quarter\ntouchpoints:\n"
            for step in 0..<5 { config += "  - id: t\(step)\n    name: Step \(step)\n" }
            config += "journeys:\n"
            for journey in 0..<journeys {
                config += "  - id: j\(journey)\n    name: Journey \(journey)\n    steps: [t0, t1, t2, t3, t4]\n"
            }
            try site.write("cxsite.yaml", config)
            try site.remove("content")
            try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-01-02\noutcome: success\ntouchpoints: [t0]\n---\nA.\n")
            let summary = try site.build()
            let bytes = TestSite.files(in: site.output).filter { $0.key.hasPrefix("journeys/") }.values.reduce(0) { $0 + $1.count }
            return (bytes, summary.warnings.map(\.message))
        }
        let small = try outputBytes(journeys: 150)
        let large = try outputBytes(journeys: 300)
        #expect(Double(large.bytes) / Double(small.bytes) < 2.2, "\(small.bytes) → \(large.bytes) bytes")
        #expect(large.warnings.contains { $0.hasPrefix("300 journeys: the journeys page lists every one") })
    }
}
