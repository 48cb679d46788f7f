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
    let pages: [PageLink]

    struct PageLink: Encodable, Sendable {
        let number: Int
        let href: String
        let current: Bool
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
        pages = (1...pageCount).map { PageLink(number: $0, href: href($0), current: $0 == number) }
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
