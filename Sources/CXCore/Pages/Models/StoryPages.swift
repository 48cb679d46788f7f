import Mustache

/// The stories index, newest first, a page of ``Routes/storiesPerPage`` at a time.
struct StoriesPage: PageModel {
    static let template = "stories"
    let stories: [EncodedCard]
    /// "19 stories, newest first: 12 failures and 7 successes", of all stories.
    let summaryText: String
    /// Of all stories, not only this page's.
    let count: Count
    let failureCount: Int
    let successCount: Int
    let touchpoints: [TouchpointCount]
    /// Nil when every story fits on one page.
    let pagination: Pagination?

    struct TouchpointCount: Encodable, Sendable {
        let name: String
        let href: String
        let count: Count
    }
}

/// Where a page of a list stands among the list's pages, and the links to the others.
struct Pagination: Encodable, Sendable {
    let current: Int
    let pageCount: Int
    /// The first and last item's place on this page, from 1.
    let first: Int
    let last: Int
    let previousHref: String?
    let nextHref: String?
    /// The words on the links to the pages before and after: "Newer", "Older".
    let previousLabel: String
    let nextLabel: String
    /// The first and last page, this page and ``neighbours`` either side of it: a pager of a
    /// thousand pages is as short as one of ten.
    let pages: [PageLink]

    /// How many pages either side of this one the pager links.
    static let neighbours = 2

    struct PageLink: Encodable, Sendable {
        let number: Int
        let href: String
        let current: Bool
        /// Pages between this one and the link before it are left out.
        let followsGap: Bool
    }

    /// Page `number` of `pageCount`, showing `shown` (positions from 0) of the list; nil when
    /// the list fits on one page. `href` links to a page by its number.
    init?(
        page number: Int, of pageCount: Int, showing shown: Range<Int>, previous: String = "Previous",
        next: String = "Next", href: (Int) -> String
    ) {
        guard pageCount > 1 else { return nil }
        current = number
        self.pageCount = pageCount
        first = shown.lowerBound + 1
        last = shown.upperBound
        previousHref = number > 1 ? href(number - 1) : nil
        nextHref = number < pageCount ? href(number + 1) : nil
        previousLabel = previous
        nextLabel = next
        pages = Self.linked(from: number, of: pageCount).reduce(into: []) { links, linked in
            let followsGap = links.last.map { linked - $0.number > 1 } ?? false
            links.append(PageLink(number: linked, href: href(linked), current: linked == number, followsGap: followsGap))
        }
    }

    /// The numbers of the pages linked from page `number` of `pageCount`, in order. A gap of
    /// one page shows that page: its number takes no more room than the gap's mark.
    static func linked(from number: Int, of pageCount: Int) -> [Int] {
        var lower = max(1, number - neighbours)
        var upper = min(pageCount, number + neighbours)
        if lower <= 3 { lower = 1 }  // a gap would hide page 2 alone, or nothing
        if upper >= pageCount - 2 { upper = pageCount }
        return (lower > 1 ? [1] : []) + Array(lower...upper) + (upper < pageCount ? [pageCount] : [])
    }
}

struct StoryPage: PageModel {
    static let template = "story"
    let story: MustacheMerged<EncodedCard, StoryDetails>

    /// What a story's own page shows beyond its card.
    struct StoryDetails: Encodable, Sendable {
        /// The story's markdown, as HTML.
        let html: String
        let actions: [Action]
        let hasActions: Bool
        let lastChange: LastChange?
        /// How the customer's quote reads, when not neutral.
        let quoteTone: String?
        /// "Left on 25 September 2026", or "Left" without a date.
        let leftText: String?
        let themes: [NamedLink]
        let journeys: [NamedLink]
        /// "expected to close by 31 March 2027: …", for a loop meant to run long.
        let expectedText: String?
    }

    struct Action: Encodable, Sendable {
        let what: String
        let owner: String?
        /// The due date as text, or `""`.
        let due: String
        let done: Bool
    }

    struct LastChange: Encodable, Sendable {
        let dateText: String
        let date: String
        let author: String
    }
}
