import Mustache

// The models the templates read: one type per template, their members the template's keys.
// `MustacheValue(encoding:)` turns them into template data in one place, so a key a
// template reads exists here under the same name or the build does not compile.

/// A page type: the model one template reads. See ARCHITECTURE.md, "Adding a page".
protocol PageModel: Encodable, Sendable {
    /// The template that renders it: `templates/NAME.mustache`.
    static var template: String { get }
}

/// The sections of the navigation; a page's own is marked current.
enum Section: String, CaseIterable, Sendable {
    case briefing, briefings, stories, journeys, touchpoints, gap, loops, scorecard, themes

    var label: String {
        switch self {
        case .briefing: "Latest briefing"
        case .briefings: "Briefings"
        case .stories: "Stories"
        case .journeys: "Journeys"
        case .touchpoints: "Touchpoints"
        case .gap: "Perception gap"
        case .loops: "Open loops"
        case .scorecard: "Scorecard"
        case .themes: "Themes"
        }
    }

    var route: Route {
        switch self {
        case .briefing: Routes.home
        case .briefings: Routes.briefings
        case .stories: Routes.stories
        case .journeys: Routes.journeys
        case .touchpoints: Routes.touchpoints
        case .gap: Routes.gap
        case .loops: Routes.loops
        case .scorecard: Routes.scorecard
        case .themes: Routes.themes
        }
    }
}

/// What the layout reads on every page, beside the page's own model.
struct PageFrame: Encodable, Sendable {
    /// The relative path back to the site root (`""`, `"../"`), or `base_url` on `404.html`.
    let root: String
    let pageTitle: String
    let site: SiteTitle
    /// The same for every page of a folder and section: encoded once for all of them.
    let nav: Prepared<[NavItem]>

    struct SiteTitle: Encodable, Sendable {
        let title: String
        /// The site's logo (`logo` in cxsite.yaml), beside the title.
        let logo: Logo?
    }

    struct Logo: Encodable, Sendable {
        /// Its output path, from the root.
        let src: String
        let width: Int
        let height: Int
    }

    struct NavItem: Encodable, Sendable {
        let label: String
        let href: String
        let current: Bool
    }

    static func navigation(root: String, section: Section?) throws -> Prepared<[NavItem]> {
        try Prepared(Section.allCases.map { NavItem(label: $0.label, href: root + $0.route.href, current: $0 == section) })
    }
}

/// `404.html`: the layout alone, its links from `base_url`.
struct NotFoundPage: PageModel {
    static let template = "404"
}
