import CXCore
import Foundation
import Testing

/// Bad content gives `path:line:column: error: message` with the source line and a caret,
/// every error of a build at once, and no output.
struct DiagnosticsTests {
    struct BadFile: CustomTestStringConvertible, Sendable {
        let label: String
        let path: String
        let text: String
        /// The first line of each expected diagnostic, in order.
        let expected: [String]
        var testDescription: String { label }
    }

    static let badFiles: [BadFile] = [
        BadFile(label: "no front matter", path: "content/stories/a.md", text: "Just text\n",
                expected: ["content/stories/a.md:1:1: error: missing front matter: a story starts with a '---' line, then YAML fields such as 'title:', then '---'"]),
        BadFile(label: "unterminated front matter", path: "content/stories/a.md", text: "---\ntitle: A\n",
                expected: ["content/stories/a.md:1:1: error: the front matter opened on line 1 is never closed: add a '---' line after its fields"]),
        BadFile(label: "invalid YAML", path: "content/stories/a.md", text: "---\ntitle: A\ndate: [2026-01-01\n---\n",
                expected: ["content/stories/a.md:4:1: error: invalid YAML: while parsing a flow sequence: did not find expected ',' or ']'"]),
        BadFile(label: "missing required fields", path: "content/stories/a.md", text: "---\ntitle: A\n---\nBody\n",
                expected: ["content/stories/a.md:2:1: error: missing required field 'date'",
                           "content/stories/a.md:2:1: error: missing required field 'outcome'"]),
        BadFile(label: "impossible date", path: "content/stories/a.md", text: "---\ntitle: A\ndate: 2026-02-30\noutcome: success\n---\n",
                expected: ["content/stories/a.md:3:7: error: 'date': 2026-02-30 does not exist in the calendar"]),
        BadFile(label: "unknown outcome", path: "content/stories/a.md", text: "---\ntitle: A\ndate: 2026-02-03\noutcome: meh\n---\n",
                expected: ["content/stories/a.md:4:10: error: unknown outcome 'meh': expected 'success' or 'failure'"]),
        BadFile(label: "unknown touchpoint", path: "content/stories/a.md",
                text: "---\ntitle: A\ndate: 2026-02-03\noutcome: success\ntouchpoints: [website, shop]\n---\n",
                expected: ["content/stories/a.md:5:24: error: unknown touchpoint 'shop': the journey in cxsite.yaml has website, installation, billing"]),
        BadFile(label: "wrong type", path: "content/stories/a.md", text: "---\ntitle: [A, B]\ndate: 2026-02-03\noutcome: success\nscore: eleven\n---\n",
                expected: ["content/stories/a.md:2:8: error: 'title' must be text, not a list",
                           "content/stories/a.md:5:8: error: 'score' must be a whole number from 0 to 10"]),
        BadFile(label: "score out of range", path: "content/stories/a.md", text: "---\ntitle: A\ndate: 2026-02-03\noutcome: success\nscore: 11\n---\n",
                expected: ["content/stories/a.md:5:8: error: 'score' is 11, out of range: expected 0 to 10"]),
        BadFile(label: "briefing names a missing story", path: "content/briefings/b.md",
                text: "---\ntitle: B\ndate: 2026-10-01\nperiod: 2026-Q3\nstories:\n  - fast-install\n  - no-such-story\n---\n",
                expected: ["content/briefings/b.md:7:5: error: unknown story 'no-such-story': there is no content/stories/no-such-story.md"]),
        BadFile(label: "briefing period of the wrong kind", path: "content/briefings/b.md",
                text: "---\ntitle: B\ndate: 2026-10-01\nperiod: 2026-09\n---\n",
                expected: ["content/briefings/b.md:4:9: error: 'period': 2026-09 is a month but cxsite.yaml groups by quarter"]),
        BadFile(label: "CSV row with too many fields", path: "content/metrics/bad.csv",
                text: "period,metric,value\n2026-Q3,nps,12,extra\n",
                expected: ["content/metrics/bad.csv:2:16: error: this row has 4 fields but the header has 3"]),
        BadFile(label: "CSV broken quote", path: "content/metrics/bad.csv",
                text: "period,metric,value\n2026-Q3,\"nps,12\n",
                expected: ["content/metrics/bad.csv:2:9: error: a quoted field is never closed: add the closing quote"]),
        BadFile(label: "CSV unknown metric and bad value", path: "content/metrics/bad.csv",
                text: "period,metric,value\n2026-Q3,happiness,high\n",
                expected: ["content/metrics/bad.csv:2:9: error: unknown metric 'happiness': cxsite.yaml knows nps, csat, ces, retention; declare it under 'metrics'",
                           "content/metrics/bad.csv:2:19: error: the value 'high' is not a number"]),
        BadFile(label: "template syntax error", path: "templates/story.mustache",
                text: "{{<layout}}\n{{$content}}\n<h1>{{title}</h1>\n{{/content}}\n{{/layout}}\n",
                expected: ["templates/story.mustache:3:5: error: unclosed tag: no '}}' after '{{'"]),
        BadFile(label: "template with an unknown parent", path: "templates/story.mustache",
                text: "{{<layuot}}{{/layuot}}\n",
                expected: ["templates/story.mustache:1:1: error: unknown parent 'layuot': no template 'layuot.mustache'"]),
        BadFile(label: "empty config", path: "cxsite.yaml", text: "\n",
                expected: ["cxsite.yaml: error: cxsite.yaml is empty: it needs at least a title and a journey"]),
    ]

    @Test(arguments: badFiles)
    func badContentGivesLocatedErrorsAndNoOutput(_ bad: BadFile) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(bad.path, bad.text)
        let errors = site.buildErrors().filter(\.isError)
        #expect(errors.map { String($0.description.split(separator: "\n")[0]) } == bad.expected)
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
    }

    @Test func errorsShowTheSourceLineAndACaret() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-02-03\noutcome: sucess\n---\n")
        let error = try #require(site.buildErrors().first)
        #expect(error.description == """
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

    @Test func duplicateSlugsAreRefused() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/Fast-Install.markdown", "---\ntitle: Again\ndate: 2026-01-02\noutcome: success\n---\n")
        let errors = site.buildErrors()
        #expect(errors.contains { $0.message.hasPrefix("duplicate story slug") })
    }

    @Test func invalidUTF8IsReportedWhereItStarts() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var bytes = Array("---\ntitle: Caf".utf8)
        bytes += [0xE9]  // Latin-1 é
        bytes += Array("\ndate: 2026-01-02\noutcome: success\n---\n".utf8)
        try Data(bytes).write(to: site.folder.appendingPathComponent("content/stories/latin1.md"))
        let error = try #require(site.buildErrors().first)
        #expect(String(error.description.split(separator: "\n")[0])
                == "content/stories/latin1.md:2:11: error: the file is not valid UTF-8 (byte 14 cannot be decoded); save it as UTF-8")
    }

    @Test func aMissingConfigSaysWhatIsWrong() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.remove("cxsite.yaml")
        let error = try #require(site.buildErrors().first)
        #expect(error.message.hasPrefix("no cxsite.yaml in"))
    }

    @Test func unknownFieldsAreWarningsThatSuggestTheRightName() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/a.md", "---\ntitle: A\ndate: 2026-02-03\noutcome: success\ncustmer: Dee\n---\n")
        let summary = try site.build()
        #expect(summary.warnings.filter { $0.location?.path == "content/stories/a.md" }
            .map { String($0.description.split(separator: "\n")[0]) } == [
            "content/stories/a.md:5:1: warning: unknown field 'custmer' is ignored (did you mean 'customer'?)",
        ])
    }

    @Test func aSymlinkOutOfTheSiteIsRefused() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("outside-\(UUID().uuidString).md")
        try "---\ntitle: X\ndate: 2026-01-01\noutcome: success\n---\nsecret\n".write(to: outside, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createSymbolicLink(at: site.folder.appendingPathComponent("content/stories/link.md"),
                                                   withDestinationURL: outside)
        let error = try #require(site.buildErrors().first)
        #expect(error.message.hasPrefix("refusing a symbolic link that points outside the site folder"))
    }
}
