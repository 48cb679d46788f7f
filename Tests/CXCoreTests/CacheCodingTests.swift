@testable import CXCore
import Foundation
import Markdown
import Testing

/// The build cache's format, derived from the cached types (``CacheCoding``).
struct CacheCodingTests {
    static let story = Story(
        slug: "late-refund", title: "A refund — three weeks late", date: Day(year: 2026, month: 9, day: 30)!, outcome: .failure,
        customer: "Ana Kovač", segment: nil, touchpoints: ["billing", "support"], score: 2, quote: "Nobody called back.",
        tags: [], owner: "Billing", status: .open, loop: .tactical,
        actions: [Story.Action(what: "Call her", owner: nil, due: Day(year: 2026, month: 10, day: 7), done: false)],
        draft: false, statusLocation: SourceLocation(path: "content/stories/late-refund.md", line: 9, column: 9),
        body: RenderedMarkdown(html: "<p>Late.</p>\n", links: [.init(destination: "x.html", isImage: false, line: 2, column: 4)],
                               summary: "Late."),
        bodyLine: 14, path: "content/stories/late-refund.md")

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

    struct Old: Codable, Equatable { var title: String; var score: Int? }
    struct Renamed: Codable, Equatable { var headline: String; var score: Int? }
    struct Added: Codable, Equatable { var title: String; var score: Int?; var owner: String }

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
}
