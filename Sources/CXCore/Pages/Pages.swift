import Foundation
import Mustache

/// One page to render: where it goes, the template that renders it, and its model with the
/// layout's frame, built only when it renders (a site's thousands of story pages are never
/// all held in memory at once).
struct Page: Sendable {
    let route: Route
    let template: String
    /// A hash of everything the page's model is made from besides what the build cache keys
    /// on (config, theme, options), when that is cheaper to know than the model: a story's
    /// page is made from the story's file and its last change in git. A page whose inputs
    /// hash as before is kept without its model being built.
    var inputs: UInt64?
    private let makeModel: @Sendable () throws -> any Encodable

    /// The output path relative to the output folder, always ending in a file name.
    var path: String { route.path }

    /// The page at `route`; `model` gives the model with the layout's frame.
    init<Model: PageModel>(_ route: Route, model: @escaping @Sendable () throws -> MustacheMerged<Model, PageFrame>) {
        self.route = route
        template = Model.template
        makeModel = model
    }

    /// What the template reads: the model's members and the frame's, as a typed value
    /// (``MustacheValue/init(encoding:)`` makes it template data).
    func model() throws -> any Encodable { try makeModel() }
}

/// Builds every page of the site from the site: the one list of the pages there are. A class,
/// so that each of the thousands of pages' models holds one reference to it, not a copy.
final class PageBuilder: Sendable {
    let site: Site
    /// Stories' cards as the later pages of lists show them, each built when a page first
    /// needs it (``storyCard(_:root:)``).
    let cards = Memo<String, EncodedCard>()
    /// The navigation of pages in the site root and one folder down, by root and section.
    private let navigation: [String: Prepared<[PageFrame.NavItem]>]

    init(site: Site) {
        self.site = site
        var navigation: [String: Prepared<[PageFrame.NavItem]>] = [:]
        for root in ["", "../"] {
            for section in Section.allCases.map(Optional.some) + [nil] {
                navigation["\(root)|\(section?.rawValue ?? "")"] = try? PageFrame.navigation(root: root, section: section)
            }
        }
        self.navigation = navigation
    }

    func pages() -> [Page] {
        let builder = self
        var pages: [Page] = []
        if let newest = site.briefings.first {
            pages.append(briefingPage(newest, route: Routes.home))
        } else {
            pages.append(
                page(Routes.home, title: site.config.title, section: .briefing) { _ in
                    HomePage(stories: try builder.site.stories.prefix(6).map { try builder.storyCard($0, root: "") })
                })
        }
        pages.append(
            page(Routes.briefings, title: "Briefings", section: .briefings) { root in
                BriefingsPage(briefings: builder.site.briefings.map { builder.briefingSummary($0, root: root) })
            })
        pages += site.briefings.map { briefingPage($0, route: $0.route) }
        let storyPages = Routes.pageCount(of: site.stories.count)
        // A page of the index is made of its stories' cards and the counts of all stories.
        var counts = StableHasher()
        counts.combine(site.stories.count)
        for touchpoint in site.config.touchpoints { counts.combine(site.stories(at: touchpoint).count) }
        counts.combine(site.failureCount)
        let countsHash = counts.finalize()
        pages += (1...storyPages).map { number in
            var page = page(
                Routes.stories(page: number), title: number == 1 ? "Customer stories" : "Customer stories, page \(number)",
                section: .stories
            ) { root in try builder.storiesPage(number, of: storyPages, root: root) }
            var inputs = StableHasher()
            inputs.combine(countsHash)
            inputs.combine(site.imagesHash)  // the logo's size is in the frame, a card's picture in its card
            inputs.combine(storyPages)
            inputs.combine(cardsOf: site.stories.onPage(number))
            page.inputs = inputs.finalize()
            return page
        }
        pages += site.stories.map { story in
            var page = page(story.route, title: story.title, section: .stories) { root in try builder.storyPage(story, root: root) }
            var inputs = StableHasher()
            inputs.combine(story.sourceHash)
            inputs.combine(site.sentimentHash)
            inputs.combine(site.imagesHash)
            inputs.combine(site.themes.hash)  // the names of the themes it links to
            if let change = site.history.lastChange(of: story.path) {
                inputs.combine(change.date.description)
                inputs.combine(change.author)
            }
            page.inputs = inputs.finalize()
            return page
        }
        pages += site.config.touchpoints.flatMap(touchpointPages)
        pages.append(page(Routes.journeys, title: "Journeys", section: .journeys, journeysPage))
        pages += site.config.journeys.map { journey in
            page(Routes.journey(journey.id), title: journey.name, section: .journeys) { root in builder.journeyPage(journey, root: root) }
        }
        pages.append(page(Routes.touchpoints, title: "Touchpoints", section: .touchpoints, touchpointsPage))
        pages.append(page(Routes.gap, title: "Perception gap", section: .gap, gapPage))
        pages.append(page(Routes.loops, title: "Open loops", section: .loops, loopsPage))
        // A server shows `404.html` at any address: its links start at `base_url` when the
        // site has one, at the server root otherwise.
        let notFoundRoot = site.config.baseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "/"
        pages.append(page(Routes.notFound, title: "Page not found", section: nil, root: notFoundRoot) { _ in NotFoundPage() })
        pages.append(page(Routes.themes, title: "Themes", section: .themes, builder.themesPage))
        pages.append(page(Routes.analysis, title: "For analysts", section: nil, builder.analysisPage))
        pages += site.segmentRoutes.keys.sorted().map { segment in
            page(site.segmentRoutes[segment]!, title: site.config.segmentName(segment), section: .scorecard) { root in
                try builder.segmentPage(segment, root: root)
            }
        }
        pages += site.themes.themes.map { theme in
            page(Routes.theme(theme.id), title: theme.name, section: .themes) { root in try builder.themePage(theme, root: root) }
        }
        pages.append(
            page(Routes.scorecard, title: "Scorecard", section: .scorecard) { root in
                let metrics = builder.site.scorecard.metrics.map { builder.metricCard($0, root: root) }
                let period = builder.site.scorecard.latest(SurveyMetric.nps.rawValue)?.period
                return ScorecardPage(
                    metrics: metrics, hasMetrics: !metrics.isEmpty,
                    movement: period.flatMap { builder.movement(in: $0, root: root) }, reading: builder.readingNote(root: root),
                    drivers: period.flatMap { builder.drivers(in: $0, root: root) }, levels: builder.levels(root: root),
                    printStamp: "\(builder.site.config.title) · scorecard, figures as of \(builder.site.today.longText)")
            })
        return pages
    }

    /// A page at `route` in the layout's frame; `model` is told the path back to the root.
    func page<Model: PageModel>(
        _ route: Route, title: String, section: Section?, root: String? = nil,
        _ model: @escaping @Sendable (_ root: String) throws -> Model
    ) -> Page {
        let root = root ?? Routes.root(of: route.path)
        let nav = navigation["\(root)|\(section?.rawValue ?? "")"]
        let siteTitle = PageFrame.SiteTitle(title: site.config.title, logo: site.logo)
        return Page(route) {
            let frame = PageFrame(
                root: root, pageTitle: title, site: siteTitle,
                nav: try nav ?? PageFrame.navigation(root: root, section: section))
            return MustacheMerged(try model(Routes.root(of: route.path)), frame)
        }
    }

}

extension Array where Element == Story {
    /// "1 story", "5 stories".
    var countText: String { NumberText.counted(count, "story", "stories") }
    var failureCount: Int { count { $0.outcome == .failure } }
    /// "1 failure", "0 failures".
    var failureCountText: String { Self.failuresText(failureCount) }
    static func failuresText(_ count: Int) -> String { NumberText.counted(count, "failure", "failures") }

    /// The stories page `number` (from 1) of a list shows, ``Routes/storiesPerPage`` a page.
    func onPage(_ number: Int) -> ArraySlice<Story> {
        let start = Swift.min((number - 1) * Routes.storiesPerPage, count)
        return self[start..<Swift.min(start + Routes.storiesPerPage, count)]
    }
}

extension StableHasher {
    /// What the cards of `stories` are made from, given the config (``Story/cardHash``).
    mutating func combine(cardsOf stories: some Sequence<Story>) {
        for story in stories { combine(story.cardHash) }
    }
}
