import Foundation
import Markdown
import Mustache
import Testing

@testable import CXCore

/// The build cache's format, derived from the cached types (``CacheCoding``).
struct CacheCodingTests {
    static let story = Story(
        slug: "late-refund", title: "A refund — three weeks late", date: Day(year: 2026, month: 9, day: 30)!, outcome: .failure,
        customer: "Ana Kovač", segment: nil, touchpoints: ["billing", "support"], score: 2, quote: "Nobody called back.",
        tags: [], owner: "Billing", status: .open, loop: .tactical,
        actions: [Story.Action(what: "Call her", owner: nil, due: Day(year: 2026, month: 10, day: 7), done: false)],
        draft: false, statusLocation: SourceLocation(path: "content/stories/late-refund.md", line: 9, column: 9),
        body: RenderedMarkdown(
            html: "<p>Late.</p>\n", links: [.init(destination: "x.html", isImage: false, line: 2, column: 4)],
            summary: "Late."),
        bodyLine: 14, path: "content/stories/late-refund.md", sourceHash: 42)

    @Test func aStoryComesBackAsItWent() throws {
        let bytes = try CacheCoding.encode([Self.story, Self.story])
        let decoded = try CacheCoding.decode([Story].self, from: bytes)
        #expect(decoded.count == 2)
        for story in decoded {
            #expect(try CacheCoding.encode(story) == CacheCoding.encode(Self.story))
            #expect(story.customer == "Ana Kovač" && story.segment == nil && story.actions.first?.due == Self.story.actions.first?.due)
            #expect(story.body == Self.story.body && story.statusLocation == Self.story.statusLocation)
        }
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
        let decoded = try CacheCoding.decode(ResponseAggregates.self, from: CacheCoding.encode(aggregates))
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

    @Test func damagedBytesAreRefused() throws {
        let bytes = try CacheCoding.encode(Self.story)
        for cut in [0, 1, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) { try CacheCoding.decode(Story.self, from: Array(bytes.prefix(cut))) }
        }
        #expect(throws: (any Error).self) { try CacheCoding.decode(Story.self, from: bytes + [0]) }
        // A day that is not in the calendar is refused, not made up.
        struct Fake: Encodable { var year = 2026, month = 2, day = 30 }
        #expect(throws: (any Error).self) { try CacheCoding.decode(Day.self, from: try CacheCoding.encode(Fake())) }
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
