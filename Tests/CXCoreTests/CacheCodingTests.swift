import Foundation
import Markdown
import Mustache
import Testing

@testable import CXCore

/// The build cache's format, derived from the cached types (``CacheCoding``).
struct CacheCodingTests {
    /// A story with every field set to a value other than its default, so that a field a
    /// record forgot comes back different.
    static let story = Story(
        slug: "late-refund", title: "A refund — three weeks late", date: Day(year: 2026, month: 9, day: 30)!, outcome: .failure,
        customer: "Ana Kovač", segment: "small-business", touchpoints: ["billing", "support"], journeys: ["pay"], score: 2,
        quote: "Nobody called back.", tags: ["refund"],
        themes: [Story.ThemeReference(id: "slow", location: SourceLocation(path: "content/stories/late-refund.md", line: 8, column: 10))],
        owner: "Billing", status: .open, loop: .tactical,
        actions: [Story.Action(what: "Call her", owner: "Sam", due: Day(year: 2026, month: 10, day: 7), done: true)],
        draft: true, left: true, leftDate: Day(year: 2026, month: 10, day: 2),
        expectedClose: Story.ExpectedClose(date: Day(year: 2027, month: 1, day: 31)!, reason: "a new billing system"),
        image: Story.ImageReference(path: "letter.png", location: SourceLocation(path: "content/stories/late-refund.md", line: 7, column: 8)),
        dateLocation: SourceLocation(path: "content/stories/late-refund.md", line: 3, column: 7),
        statusLocation: SourceLocation(path: "content/stories/late-refund.md", line: 9, column: 9),
        body: StoryBody(
            RenderedMarkdown(
                html: "<p>Late.</p>\n<p><img src=\"x.png?a=1&amp;b=2\" alt=\"&quot;Late&quot; &lt;3\" /></p>\n",
                links: [.init(destination: "x.html", isImage: true, line: 2, column: 4)], summary: "Late.")),
        bodyLine: 14, path: "content/stories/late-refund.md", sourceHash: 42)

    static let entry = BuildCache.StoryEntry(
        path: story.path, story: story,
        stamp: FileStamp(path: #filePath))

    /// Every stored property of a value, nested values included, as text.
    static func fields(_ value: Any) -> [String] {
        Mirror(reflecting: value).children.map { "\($0.label ?? ""): \(String(reflecting: $0.value))" }
    }

    /// A story entry comes back from the cache's files with every stored property as it went,
    /// its HTML read from the file's text region when asked for.
    @Test func aStoryComesBackAsItWent() throws {
        #expect(Self.entry.stamp != nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cache-coding-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var cache = BuildCache(key: 7)
        let other = "content/stories/other.md"
        cache.stories = [Self.entry.path: Self.entry, other: BuildCache.StoryEntry(path: other, story: Self.story, stamp: nil)]
        try cache.write(in: folder, previous: nil, reused: [])
        let read = try #require(BuildCache.read(in: folder, key: 7))
        #expect(read.stories.count == 2 && read.stories[other]?.stamp == nil)
        let entry = try #require(read.stories[Self.entry.path])
        #expect(entry.path == Self.entry.path && entry.stamp == Self.entry.stamp)
        #expect(Self.fields(entry.story).filter { !$0.hasPrefix("body:") } == Self.fields(Self.story).filter { !$0.hasPrefix("body:") })
        let body = entry.story.body
        #expect(body.links == Self.story.body.links && body.summary == "Late.")
        #expect(body.pictures == [StoryBody.Picture(source: "x.png?a=1&b=2", alt: "\"Late\" <3")])
        #expect(try body.html() == Self.story.body.html())
        #expect(try read.stories[other]?.story.body.html() == Self.story.body.html())
        #expect(BuildCache.read(in: folder, key: 8) == nil)
    }

    /// Records are written by hand: each writes as many fields as its type stores, so a
    /// property added to a type and not to its record fails here, not in a rebuild. A story's
    /// card hash is not written: its initialiser makes it from the source hash and the path.
    @Test(arguments: [
        (Self.fields(story).filter { !$0.hasPrefix("cardHash:") }, 27), (Self.fields(entry), 3), (Self.fields(story.body), 4),
        (Self.fields(story.body.pictures[0]), 2),
        (Self.fields(story.body.links[0]), 4),
        (Self.fields(story.actions[0]), 4), (Self.fields(story.themes[0]), 2), (Self.fields(story.expectedClose!), 2),
        (Self.fields(story.image!), 2), (Self.fields(story.date), 3), (Self.fields(story.dateLocation!), 3),
        (Self.fields(entry.stamp!), 4), (Self.fields(BuildCache.PageEntry(path: "a", modelHash: 1, outputHash: 2)), 3),
    ])
    func eachRecordWritesEveryStoredProperty(_ fields: [String], _ written: Int) {
        #expect(fields.count == written, "\(fields)")
    }

    @Test func pageEntriesComeBackAsTheyWent() throws {
        let pages = [BuildCache.PageEntry(path: "stories/a/index.html", modelHash: 7, outputHash: .max)]
        let decoded = try CacheCoding.decode(records: BuildCache.PageEntry.self, from: CacheCoding.encode(records: pages))
        #expect(decoded.map(\.path) == pages.map(\.path) && decoded.map(\.modelHash) == [7] && decoded.map(\.outputHash) == [.max])
    }

    /// Survey responses' totals, with the respondent links the key drivers need (narrow
    /// integers) and the theme totals: a build with responses saves its cache.
    @Test func responseTotalsWithLinksAndThemesComeBackAsTheyWent() throws {
        var aggregates = ResponseAggregates()
        let key = ResponseAggregates.Key(metric: .nps, period: Period(year: 2026, index: 3, kind: .quarter), group: .touchpoint("billing"))
        var totals = ResponseTotals()
        totals.add(
            3, metric: .nps, weight: 1.5,
            comment: ResponseComment(
                date: Day(year: 2026, month: 8, day: 1)!, score: 3,
                text: "Charged twice", segment: nil, touchpoint: "billing"))
        aggregates.totals[key] = totals
        aggregates.themeTotals[.init(theme: "unexpected-charges", key: key)] = totals
        aggregates.links = [
            ResponseLink(respondent: .max, period: Int32.min, touchpoint: -1, metric: .csat, score: -128),
            ResponseLink(respondent: 7, period: 8_106, touchpoint: Int16.max, metric: .nps, score: 10),
        ]
        aggregates.newest = Day(year: 2026, month: 8, day: 1)
        var phrases = PhraseCounts()
        for (comment, detractor) in [("Charged twice for the router", true), ("Great engineer, charged fairly", false), ("charged twice", true)] {
            var text = comment
            text.withUTF8 { phrases.add(comment: $0, detractor: detractor) }
        }
        #expect(phrases.phraseCount > 3)
        aggregates.phrases[key.period] = phrases
        let decoded = try CacheCoding.decode(ResponseAggregates.self, from: CacheCoding.encode(aggregates))
        #expect(decoded.phrases == aggregates.phrases)
        #expect(decoded.totals == aggregates.totals && decoded.themeTotals == aggregates.themeTotals)
        #expect(decoded.links == aggregates.links && decoded.newest == aggregates.newest)
    }

    struct Old: Codable, Equatable {
        var title: String
        var score: Int?
    }
    struct Renamed: Codable, Equatable {
        var headline: String
        var score: Int?
    }
    struct Added: Codable, Equatable {
        var title: String
        var score: Int?
        var owner: String
    }

    /// A type whose members changed reads an old file as damaged, never as wrong values.
    @Test func aFileOfAnotherShapeIsRefused() throws {
        let bytes = try CacheCoding.encode(Old(title: "t", score: 3))
        #expect(try CacheCoding.decode(Old.self, from: bytes) == Old(title: "t", score: 3))
        #expect(throws: (any Error).self) { try CacheCoding.decode(Renamed.self, from: bytes) }
        #expect(throws: (any Error).self) { try CacheCoding.decode(Added.self, from: bytes) }
    }

    /// Lists of strings are read at once, not item by item: as they were written, in a
    /// member or nested, and a list cut short or with a count past the end is refused.
    @Test(arguments: [[], [""], ["billing", "", "ünïcode “quoted”", String(repeating: "x", count: 300)]])
    func listsOfStringsComeBackAsTheyWent(_ strings: [String]) throws {
        struct Holder: Codable, Equatable {
            var texts: [String]
            var nested: [[String]]
            var after: Int
        }
        let holder = Holder(texts: strings, nested: [strings, ["one"]], after: 7)
        let bytes = try CacheCoding.encode(holder)
        #expect(try CacheCoding.decode(Holder.self, from: bytes) == holder)
        #expect(try CacheCoding.decode([String].self, from: try CacheCoding.encode(strings)) == strings)
        let whole = try CacheCoding.encode(strings)
        if !strings.isEmpty {
            #expect(throws: (any Error).self) { try CacheCoding.decode([String].self, from: Array(whole.dropLast())) }
        }
        var counted = whole
        counted.replaceSubrange(counted.startIndex..<counted.startIndex + 8, with: withUnsafeBytes(of: Int64(1 << 40).littleEndian, Array.init))
        #expect(throws: (any Error).self) { try CacheCoding.decode([String].self, from: counted) }
    }

    @Test func damagedBytesAreRefused() throws {
        let bytes = CacheCoding.encode(records: [Self.entry])
        for cut in [0, 1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) { try CacheCoding.decode(records: BuildCache.StoryEntry.self, from: Array(bytes.prefix(cut))) }
        }
        #expect(throws: (any Error).self) { try CacheCoding.decode(records: BuildCache.StoryEntry.self, from: bytes + [0]) }
        // A day that is not in the calendar, or an outcome that is none, is refused, not made up.
        struct Fake: Encodable { var year = 2026, month = 2, day = 30 }
        #expect(throws: (any Error).self) { try CacheCoding.decode(Day.self, from: try CacheCoding.encode(Fake())) }
        let output = CacheCoding.Output()
        for number in [1, 2026, 2, 30] { output.int(number) }
        #expect(throws: (any Error).self) { try CacheCoding.decode(records: Day.self, from: output.bytes) }
        let outcome = CacheCoding.encode(records: [Self.entry]).replacing(Array("failure".utf8), with: Array("maybe!!".utf8))
        #expect(throws: (any Error).self) { try CacheCoding.decode(records: BuildCache.StoryEntry.self, from: outcome) }
    }

    struct Member<Number: Codable & Equatable>: Codable, Equatable { var number: Number }

    /// A number of a width the format does not hold is refused, as a member or in a list,
    /// writing and reading, with the widths it does hold named; the widths it holds go through.
    @Test(arguments: [
        (try? CacheCoding.encode(Member(number: Float(1.5))), try? CacheCoding.encode([UInt32(7)])),
        (try? CacheCoding.encode(Member(number: UInt8(1))), try? CacheCoding.encode([Float16(2)])),
    ])
    func numbersOfOtherWidthsAreRefused(_ member: [UInt8]?, _ list: [UInt8]?) throws {
        #expect(member == nil && list == nil)
        let written = try CacheCoding.encode(Member(number: Int32(9)))
        #expect(try CacheCoding.decode(Member<Int32>.self, from: written) == Member(number: 9))
        #expect(try CacheCoding.decode([Double].self, from: try CacheCoding.encode([2.5])) == [2.5])
        for refused in [
            { _ = try CacheCoding.decode(Member<Float>.self, from: written) },
            { _ = try CacheCoding.decode([UInt32].self, from: try CacheCoding.encode([Int8(1)])) },
        ] as [() throws -> Void] {
            #expect { try refused() } throws: { "\($0)".contains("use Int, Int32, Int16, Int8, UInt64 or Double") }
        }
    }
}

/// The hash that decides whether a page renders again (``ModelHashing``).
struct ModelHashingTests {
    struct Item: Encodable, Sendable { var k: Int? }
    struct Outer: Encodable, Sendable {
        var list: [Item]
        var k: Int?
    }

    @Test func theSameModelHashesTheSameAndAnyChangeHashesOtherwise() throws {
        let model = Outer(list: [Item(k: 1)], k: 1)
        let hash = try #require(ModelHashing.hash(model))
        #expect(ModelHashing.hash(Outer(list: [Item(k: 1)], k: 1)) == hash)
        let others: [Outer] = [
            Outer(list: [Item(k: 1)], k: 2), Outer(list: [Item(k: 1)], k: nil), Outer(list: [Item(k: nil)], k: 1),
            Outer(list: [], k: 1), Outer(list: [Item(k: 1), Item(k: 1)], k: 1),
        ]
        #expect(Set(others.compactMap(ModelHashing.hash)).count == others.count)
        #expect(!others.compactMap(ModelHashing.hash).contains(hash))
    }

    /// Page models hold Int and Double: a model holding any other number is not hashed (its
    /// page always renders), whether the number is a member, in a list or the whole model.
    @Test func otherNumbersMakeAModelUnhashable() {
        struct Holder<Value: Encodable>: Encodable { var member: Value }
        func hashes(_ value: some Encodable) -> [UInt64?] {
            [ModelHashing.hash(value), ModelHashing.hash(Holder(member: value)), ModelHashing.hash([value])]
        }
        let others: [[UInt64?]] = [
            hashes(Int8(1)), hashes(Int16(1)), hashes(Int32(1)), hashes(Int64(1)), hashes(UInt(1)), hashes(UInt8(1)),
            hashes(UInt16(1)), hashes(UInt32(1)), hashes(UInt64(1)), hashes(Float(1)),
        ]
        #expect(others.allSatisfy { $0 == [nil, nil, nil] })
        #expect(hashes(1).allSatisfy { $0 != nil } && hashes(1.5).allSatisfy { $0 != nil })
    }

    /// A part encoded once hashes as it is, and its hash changes with it.
    @Test func preparedPartsHashByTheirContent() throws {
        struct Page: Encodable, Sendable {
            var card: Prepared<Item>
            var cards: [Prepared<Item>]
        }
        let one = try Page(card: Prepared(Item(k: 1)), cards: [Prepared(Item(k: 2))])
        #expect(ModelHashing.hash(one) == ModelHashing.hash(try Page(card: Prepared(Item(k: 1)), cards: [Prepared(Item(k: 2))])))
        #expect(ModelHashing.hash(one) != ModelHashing.hash(try Page(card: Prepared(Item(k: 1)), cards: [Prepared(Item(k: 3))])))
        // Encoded into template data, a prepared part is the object it was made from.
        let data = try MustacheValue(encoding: one)
        #expect(data["card"]?["k"]?.interpolatedText == "1")
    }
}
