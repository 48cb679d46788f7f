import Foundation
import Mustache

/// The stories list and story pages, and a story as the cards of every list show it.
extension PageBuilder {
    func storiesPage(_ number: Int, of count: Int, root: String) throws -> StoriesPage {
        let shown = site.stories.onPage(number)
        return StoriesPage(
            stories: try shown.map { try storyCard($0, root: root) },
            summaryText: "\(NumberText.counted(site.stories.count, "story", "stories")), newest first: "
                + "\(NumberText.counted(site.failureCount, "failure", "failures")) and \(NumberText.counted(site.successCount, "success", "successes"))",
            count: Count(site.stories.count),
            failureCount: site.failureCount,
            successCount: site.successCount,
            touchpoints: site.config.touchpoints.map { touchpoint in
                StoriesPage.TouchpointCount(
                    name: touchpoint.name, href: root + Routes.touchpoint(touchpoint.id).href,
                    count: Count(site.stories(at: touchpoint).count))
            },
            pagination: Pagination(page: number, of: count, showing: shown.indices, previous: "Newer", next: "Older") {
                root + Routes.stories(page: $0).href
            })
    }

    func storyPage(_ story: Story, root: String) throws -> StoryPage {
        let change = site.history.lastChange(of: story.path)
        let details = StoryPage.StoryDetails(
            html: withImageSizes(try story.body.html(), on: story.route.path),
            actions: story.actions.map { action in
                StoryPage.Action(what: action.what, owner: action.owner, due: action.due?.longText ?? "", done: action.done)
            },
            hasActions: !story.actions.isEmpty,
            lastChange: change.map { StoryPage.LastChange(dateText: $0.date.longText, date: $0.date.description, author: $0.author) },
            quoteTone: story.quote.flatMap(site.tone),
            leftText: story.left ? (story.leftDate.map { "Left on \($0.longText)" } ?? "Left") : nil,
            themes: story.themes.compactMap { reference in
                site.themes.theme(reference.id).map { NamedLink(name: $0.name, href: root + Routes.theme($0.id).href) }
            },
            journeys: Site.journeys(of: story, in: site.config).map { NamedLink(name: $0.name, href: root + Routes.journey($0.id).href) },
            expectedText: story.status == .open ? story.expectedClose.map(Self.expectedText) : nil)
        return StoryPage(story: MustacheMerged(try storyCard(story, root: root), details))
    }

    /// `html` with each `<img>` whose picture the output holds given its width and height,
    /// so the page does not jump while it loads.
    func withImageSizes(_ html: String, on page: String) -> String {
        guard !site.images.isEmpty, html.contains("<img src=\"") else { return html }
        var result = ""
        var rest = Substring(html)
        while let tag = rest.range(of: "<img src=\"") {
            result += rest[..<tag.upperBound]
            rest = rest[tag.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let source = String(rest[..<end])
            result += source + "\""
            rest = rest[rest.index(after: end)...]
            let decoded = source.replacingOccurrences(of: "&amp;", with: "&")
            if let path = LinkChecker.resolve(decoded, from: page), let size = site.images[path] {
                result += " width=\"\(size.width)\" height=\"\(size.height)\""
            }
        }
        return result + rest
    }

    /// A story's card as seen from a page `root` away from the site root. Most cards are
    /// shown on a list's later pages (the stories index, a touchpoint's stories), two folders
    /// down: a card for there is built once and kept; one for elsewhere (its story's page, a
    /// list's first page) is built each time, so that memory holds one card a story.
    func storyCard(_ story: Story, root: String) throws -> EncodedCard {
        guard root == Self.laterListPagesRoot else { return try EncodedCard(cardModel(story, root: root)) }
        return try cards.value(for: story.path) { try EncodedCard(cardModel(story, root: root)) }
    }

    /// Where the pages of a list after its first are: the same for every list.
    static let laterListPagesRoot = Routes.root(of: Routes.stories(page: 2).path)

    func cardModel(_ story: Story, root: String) -> StoryCard {
        StoryCard(
            slug: story.slug,
            href: root + story.route.href,
            title: Typography.smarten(story.title),
            date: story.date.description,
            dateText: story.date.longText,
            outcome: story.outcome.rawValue,
            isFailure: story.outcome == .failure,
            outcomeLabel: story.outcome == .failure ? "Failure" : "Success",
            customer: story.customer,
            segment: story.segment.map(site.config.segmentName),
            score: story.score,
            scoreClass: story.score.map { NPSBand(score: $0).rawValue } ?? "",
            quote: story.quote.map(Typography.smarten),
            summary: story.body.summary,
            tags: story.tags,
            owner: story.owner,
            status: story.status?.rawValue,
            isOpen: story.status == .open,
            loop: story.loop?.rawValue,
            draft: story.draft,
            touchpoints: site.touchpoints(of: story).map {
                TouchpointLink(id: $0.id, name: $0.name, href: root + Routes.touchpoint($0.id).href)
            },
            hasTouchpoints: !story.touchpoints.isEmpty,
            crossesTouchpoints: story.touchpoints.count > 1,
            image: site.cardImage(of: story).map { image in
                StoryCard.CardImage(
                    src: root + Routes.copied(image.path).href, alt: image.alt, width: image.size.width, height: image.size.height)
            })
    }
}
