import Foundation
import TestSupport
import Testing

@testable import CXCore

/// Single stages called on strings, without a site on disk: a story file, a CSV table, a
/// front matter. The whole-site tests build fixtures; these say what one step makes of one input.
struct StageTests {
    private let config = SiteConfig(
        title: "T", period: .quarter, touchpoints: [Touchpoint(id: "billing", name: "Billing"), Touchpoint(id: "support", name: "Support")],
        metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil)

    /// A heading with nothing under it warns, once, at its line (the body starting at line 10).
    @Test(arguments: [
        ("## A\n\n## B\ntext\n", ["10: A"]),
        ("## A\n### Sub\ntext\n", []),  // a subsection is content
        ("## A\n```\n## code, not a heading\n```\n", []),
        ("## A\r\n\r\n## B\r\nx\r\n", ["10: A"]),
        ("text\n# Last", ["11: Last"]),
        ("#NoSpace\n## Đã xong  \n", ["11: Đã xong"]),
        ("", []),
    ])
    func anEmptySectionWarnsAtItsHeading(_ body: String, _ expected: [String]) {
        let file = SourceFile(path: "content/stories/s.md", text: body)
        let warnings = ContentValidator.emptySections(in: (body, 10), of: file)
        #expect(
            warnings.map { "\($0.location?.line ?? 0): " + $0.message }
                == expected.map { line in
                    let (number, title) = (line.prefix { $0 != ":" }, line.drop { $0 != ":" }.dropFirst(2))
                    return "\(number): the section '\(title)' is empty: write it, or remove the heading"
                })
    }

    @Test func aStoryIsReadFromItsText() throws {
        var validator = ContentValidator(config: config)
        let file = SourceFile(
            path: "content/stories/billed-twice.md",
            text: "---\ntitle: Billed twice\ndate: 2026-10-14\noutcome: failure\ntouchpoints: [billing, support]\nscore: 3\n---\nThe *second* bill.\n"
        )
        let parsed = validator.parseStory(file)
        let story = try #require(parsed)
        #expect(validator.diagnostics.isEmpty)
        #expect(story.slug == "billed-twice" && story.title == "Billed twice" && story.outcome == .failure)
        #expect(story.date == Day(year: 2026, month: 10, day: 14) && story.touchpoints == ["billing", "support"] && story.score == 3)
        #expect(try story.body.html() == "<p>The <em>second</em> bill.</p>\n")
        #expect(story.bodyLine == 8)
    }

    @Test(arguments: [
        ("outcome: maybe", "content/stories/s.md:4:10: error: unknown outcome 'maybe'"),
        ("touchpoints: [web]", "content/stories/s.md:5:15: error: unknown touchpoint 'web'"),
    ])
    func aBadFieldOfAStoryIsAnErrorAtItsPlace(_ line: String, _ expected: String) {
        var validator = ContentValidator(config: config)
        let fields = ["title: S", "date: 2026-10-14", "outcome: success", "touchpoints: [billing]"].map {
            $0.hasPrefix(line.split(separator: ":")[0] + ":") ? line : $0
        }
        let file = SourceFile(path: "content/stories/s.md", text: "---\n" + fields.joined(separator: "\n") + "\n---\nBody.\n")
        _ = validator.parseStory(file)
        #expect(validator.diagnostics.filter(\.isError).map { String($0.description.prefix(expected.count)) } == [expected])
    }

    /// 100,000 bad items in one list took 294 s and printed 300,000 lines: each was an error
    /// of its own, each quoting its line found by a scan of the file. One error a list now, at
    /// its first bad item, counting the rest; the cost grows as the list.
    @Test(arguments: [
        ("touchpoints", "unknown touchpoints 'bad0', 'bad1', 'bad2' and 1997 more: cxsite.yaml has billing, support"),
        ("journeys", "unknown journeys 'bad0', 'bad1', 'bad2' and 1997 more: cxsite.yaml has customer-journey"),
    ])
    func aListOfThousandsOfUnknownIDsIsOneError(_ field: String, _ message: String) throws {
        let story: (Int) -> SourceFile = { count in
            let items = (0..<count).map { "bad\($0)" }.joined(separator: ", ")
            return SourceFile(
                path: "content/stories/s.md", text: "---\ntitle: S\ndate: 2026-10-14\noutcome: success\n\(field): [\(items)]\n---\nBody.\n")
        }
        var validator = ContentValidator(config: config)
        _ = validator.parseStory(story(2_000))
        #expect(validator.diagnostics.map(\.message) == [message])
        #expect(validator.diagnostics.first?.location == SourceLocation(path: "content/stories/s.md", line: 5, column: field.count + 4))
        let growth = LinearCost.growth(from: 2_000, input: story) { file in
            var validator = ContentValidator(config: config)
            _ = validator.parseStory(file)
        }
        #expect(growth < LinearCost.bound)
    }

    @Test func aListOfThousandsOfItemsThatAreNotTextIsOneError() {
        var validator = ContentValidator(config: config)
        let items = Array(repeating: "[x]", count: 500).joined(separator: ", ")
        _ = validator.parseStory(
            SourceFile(path: "content/stories/s.md", text: "---\ntitle: S\ndate: 2026-10-14\noutcome: success\ntags: [\(items)]\n---\nBody.\n"))
        #expect(validator.diagnostics.map(\.message) == ["each item of 'tags' must be text (499 more items of it are wrong too)"])
    }

    @Test func aCSVTableIsReadFieldByFieldWithPositions() throws {
        var reader = CSVReader(Array("date,comment\n2026-10-14,\"Slow, then \"\"fine\"\"\"\r\n".utf8))
        var records: [[String]] = []
        var positions: [[Int]] = []
        while try reader.next() {
            records.append((0..<reader.record.count).map(reader.record.string))
            positions.append(
                [reader.record.line] + (0..<reader.record.count).flatMap { [reader.record.position($0).line, reader.record.position($0).column] })
        }
        #expect(records == [["date", "comment"], ["2026-10-14", "Slow, then \"fine\""]])
        #expect(positions == [[1, 1, 1, 1, 6], [2, 2, 1, 2, 12]])
    }

    /// Random tables of fields with accents, emoji, tabs, control characters, delimiters,
    /// quotes and line breaks, written as CSV and read back: each field's text, and its place
    /// counted in characters of the raw text, as a person reading the file counts them.
    @Test func aCSVFieldIsReadAtTheLineAndColumnItsCharactersSay() throws {
        var random = SeededGenerator(state: 31)
        let pieces = ["a", "Zz", "é", "😀", "\t", " ", ",", "\"", "\n", "\r\n", "\u{7}", "’s"]
        for _ in 0..<200 {
            var text = ""
            var expected: [[(text: String, line: Int, column: Int)]] = []
            var line = 1
            var column = 1
            func write(_ raw: String) {
                for scalar in raw.unicodeScalars {
                    text.unicodeScalars.append(scalar)
                    if scalar == "\n" {
                        line += 1
                        column = 1
                    } else {
                        column += 1
                    }
                }
            }
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                var row: [(text: String, line: Int, column: Int)] = []
                let width = Int.random(in: 2...5, using: &random)
                for index in 0..<width {
                    let field = (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
                    row.append((field, line, column))
                    let quoted = field.unicodeScalars.contains { ",\"\n\r".unicodeScalars.contains($0) } || Bool.random(using: &random)
                    write(quoted ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field)
                    write(index < width - 1 ? "," : Bool.random(using: &random) ? "\r\n" : "\n")
                }
                expected.append(row)
            }
            var reader = CSVReader(Array(text.utf8))
            for row in expected {
                #expect(try reader.next(), "\(text.debugDescription)")
                let record = reader.record
                #expect(record.count == row.count)
                for (index, field) in row.enumerated() where index < record.count {
                    #expect(record.string(index) == field.text, "\(text.debugDescription)")
                    #expect(record.position(index) == (field.line, field.column), "\(field.text.debugDescription) in \(text.debugDescription)")
                }
                #expect((record.textProblem() != nil) == row.contains { $0.text.contains("\u{7}") })
            }
            #expect(try !reader.next())
        }
    }

    /// A file longer than the reader's chunk, whose rows cross its edges (a CR at one chunk's
    /// end, its LF at the next's; quoted and plain rows; text outside ASCII), reads as the
    /// same text held in memory: the same fields at the same places.
    @Test func aCSVFileReadInChunksReadsAsItsTextInMemory() throws {
        var random = SeededGenerator(state: 5)
        let cells = ["plain", "Café crème", "\"quoted, with a comma\"", "\"two\nlines\"", "", "x\ty", "2026-10-14", "😀"]
        var text = "date,comment,score\r\n"
        func addRows(upTo length: Int) {
            while text.utf8.count < length {
                text += (0..<3).map { _ in cells.randomElement(using: &random)! }.joined(separator: ",")
                text += Bool.random(using: &random) ? "\r\n" : "\n"
            }
        }
        addRows(upTo: 1_040_000)
        // The first chunk (1 MiB) ends with a row's CR; the next starts with its LF.
        text += "pad," + String(repeating: "x", count: (1 << 20) - 1 - text.utf8.count - "pad,,0".count) + ",0\r\n"
        addRows(upTo: 2_200_000)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("chunks-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var fromFile = try #require(CSVReader(path: url.path))
        var inMemory = CSVReader(Array(text.utf8))
        var rows = 0
        while try inMemory.next() {
            #expect(try fromFile.next())
            let (a, b) = (inMemory.record, fromFile.record)
            #expect(a.strings == b.strings && a.line == b.line, "row \(rows)")
            #expect((0..<a.count).allSatisfy { a.position($0) == b.position($0) }, "row \(rows)")
            rows += 1
        }
        #expect(try !fromFile.next())
        #expect(rows > 50_000)
    }

    /// A kept comment is trimmed from its bytes as Foundation trims text, with or without
    /// white space and line breaks of other scripts around it.
    @Test(arguments: [
        "", "  ", "Fine", " Fine ", "\tFine\t", "\nFine\r\n", "\u{A0}Fine\u{A0}", "Fine\u{2003}", "\u{85}Fine", "é", " é ",
        "Two words", "\u{3000}全角\u{3000}", "\u{7F}",
    ])
    func aCommentIsTrimmedFromItsBytesAsFoundationTrimsIt(text: String) {
        let trimmed = Array(text.utf8).withUnsafeBufferPointer { RowBytes.trimmedText($0) }
        #expect(trimmed == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func aFrontMatterSplitsIntoItsYAMLAndItsBody() throws {
        let file = SourceFile(path: "content/stories/s.md", text: "---\ntitle: S\n---\nBody\n")
        let parts = try FrontMatter.split(file, what: "a story").get()
        #expect(parts.yaml == "title: S" && parts.body == "Body\n" && parts.bodyLine == 4)
    }

    /// A story saved with Windows line ends ("\r\n", one Character to Swift) was "missing
    /// front matter": its lines were looked for as the Character "\n", which CRLF never is.
    @Test func aStorySavedWithCRLFLineEndsIsReadAsWithLF() throws {
        let text = "---\ntitle: Billed twice\ndate: 2026-10-14\noutcome: failure\ntouchpoints: [billing]\n---\nThe *second* bill.\n"
        let parts = try FrontMatter.split(
            SourceFile(path: "content/stories/s.md", text: text.replacingOccurrences(of: "\n", with: "\r\n")),
            what: "a story"
        ).get()
        #expect(parts.yaml == "title: Billed twice\r\ndate: 2026-10-14\r\noutcome: failure\r\ntouchpoints: [billing]\r" && parts.bodyLine == 7)
        var validator = ContentValidator(config: config)
        let parsed = validator.parseStory(SourceFile(path: "content/stories/s.md", text: text.replacingOccurrences(of: "\n", with: "\r\n")))
        let story = try #require(parsed)
        #expect(validator.diagnostics.isEmpty)
        #expect(
            try story.title == "Billed twice" && story.touchpoints == ["billing"] && story.body.html().hasPrefix("<p>The <em>second</em> bill.</p>"))
    }

    /// The story's fields are written once, in `Story.Field`: the parser, `cxsite new` and the
    /// README's example all follow it, in its order.
    @Test func theStoryFieldsAreTheOnesTheReadmeAndNewWrite() throws {
        let fields = Story.Field.allCases.map(\.rawValue)
        let readme = try String(contentsOf: TestSite.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try #require(
            readme.components(separatedBy: "### Stories").dropFirst().first?.components(separatedBy: "---\n").dropFirst().first)
        let keys = example.split(separator: "\n").compactMap { line -> String? in
            guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" ") else { return nil }
            return String(line[..<colon])
        }
        #expect(keys == fields)
        let scaffold = Authoring.story(
            title: "T", date: try #require(Day(year: 2026, month: 10, day: 14)), outcome: .failure, touchpoints: ["billing"])
        let written = scaffold.split(separator: "\n").compactMap { line in line.split(separator: ":").first.map(String.init) }
        // A scaffold leaves out what few stories need: the draft flag, a card picture, a long loop's date.
        #expect(written.filter(fields.contains) == fields.filter { !["draft", "image", "expected_close"].contains($0) })
        var validator = ContentValidator(config: config)
        let story = validator.parseStory(SourceFile(path: "content/stories/t.md", text: scaffold))
        #expect(story?.status == .open && validator.diagnostics.filter(\.isError).isEmpty)
    }
}
