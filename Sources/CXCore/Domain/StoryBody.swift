import Foundation
import Markdown

/// A story's markdown as its pages use it: the HTML, and what cards, feeds and the link
/// check read without it (the links, the summary, the pictures). A story taken from the build
/// cache leaves its HTML in the cache's file until its own page renders, so a rebuild reads
/// the HTML of the stories whose pages it renders, not of every story.
public struct StoryBody: Sendable {
    /// A picture the HTML shows, as its `<img>` gives it: the source and the words for it,
    /// unescaped.
    public struct Picture: Sendable, Equatable {
        public var source: String
        public var alt: String
    }

    /// Where the HTML is.
    enum Text: Sendable {
        case inMemory(String)
        case cached(CachedText)
    }

    public let links: [RenderedMarkdown.Link]
    /// The first paragraph as plain text, shortened for excerpts.
    public let summary: String
    /// The pictures of the HTML, in its order.
    public let pictures: [Picture]
    let text: Text

    public init(_ rendered: RenderedMarkdown) {
        self.init(links: rendered.links, summary: rendered.summary, pictures: Self.pictures(in: rendered.html), text: .inMemory(rendered.html))
    }

    init(links: [RenderedMarkdown.Link], summary: String, pictures: [Picture], text: Text) {
        self.links = links
        self.summary = summary
        self.pictures = pictures
        self.text = text
    }

    /// The HTML; throws ``CachedText/Unreadable`` when the build cache's file no longer holds it.
    public func html() throws -> String {
        switch text {
        case .inMemory(let html): html
        case .cached(let cached): try cached.read()
        }
    }

    /// The pictures of `html` as cmark-gfm writes them (`<img src="…" alt="…"`), with its
    /// escapes undone (the template escapes again).
    static func pictures(in html: String) -> [Picture] {
        // Most stories have no picture: a byte search says so before any string is searched.
        guard html.withCString({ strstr($0, "<img src=\"") }) != nil else { return [] }
        var pictures: [Picture] = []
        var rest = Substring(html)
        while let tag = rest.range(of: "<img src=\"") {
            rest = rest[tag.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let source = String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
            // cmark-gfm escapes these four in an attribute.
            let alt = (rest[end...].prefix { $0 != ">" }.firstMatch(of: /alt="([^"]*)"/).map { String($0.1) } ?? "")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
            pictures.append(Picture(source: source, alt: alt))
        }
        return pictures
    }
}
