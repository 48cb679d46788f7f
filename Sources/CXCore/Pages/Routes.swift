/// Where a page of the site lives: the path it is written to, and the link that names it
/// (percent-encoded where a URL needs it), both relative to the output folder.
struct Route: Hashable, Sendable {
    let path: String
    let href: String

    /// A route whose path needs no encoding.
    fileprivate init(fixed path: String) {
        self.path = path
        self.href = path
    }

    fileprivate init(path: String, href: String) {
        self.path = path
        self.href = href
    }

    /// The page `name.html` in `folder`, named by a slug or id.
    fileprivate init(folder: String, name: String) {
        path = "\(folder)/\(name).html"
        href = "\(folder)/\(Slug.href(name)).html"
    }
}

/// Every output path of the site and every link between its pages: the one place that
/// knows where things are. One file per story, briefing and touchpoint, never a folder of
/// its own (a folder per page doubles the file-system work of a build, and a site opened
/// from disk needs the file name in its links either way); `index` names the list pages.
enum Routes {
    /// The newest briefing, or the stories when there is none.
    static let home = Route(fixed: "index.html")
    static let briefings = Route(fixed: "briefings/index.html")
    static let stories = Route(fixed: "stories/index.html")
    /// The stories index, page `number` (from 1) of ``storiesPerPage``: the first is
    /// `stories/index.html`, the others `stories/pages/N.html` (a folder no story's file can
    /// be named like).
    static func stories(page number: Int) -> Route {
        number <= 1 ? stories : Route(fixed: "stories/pages/\(number).html")
    }
    /// Stories per page of a list of stories (the index, a touchpoint's stories): a page a
    /// browser shows at once, and one title's change re-renders one page, not the whole list.
    static let storiesPerPage = 100
    /// The pages a list of `count` stories takes: at least one, empty when there are none.
    static func pageCount(of count: Int) -> Int { max(1, (count + storiesPerPage - 1) / storiesPerPage) }
    static let journeys = Route(fixed: "journeys/index.html")
    /// The touchpoint inventory.
    static let touchpoints = Route(fixed: "touchpoints/index.html")
    static let gap = Route(fixed: "gap/index.html")
    static let loops = Route(fixed: "loops/index.html")
    static let scorecard = Route(fixed: "scorecard/index.html")
    static let themes = Route(fixed: "themes/index.html")
    /// For analysts: every method, and the phrases no theme names yet, off the leaders' pages.
    static let analysis = Route(fixed: "analysis/index.html")
    /// The page a server shows at any address it does not have.
    static let notFound = Route(fixed: "404.html")
    static let feed = Route(fixed: "feed.xml")
    static let sitemap = Route(fixed: "sitemap.xml")
    static let scorecardExport = Route(fixed: "scorecard.json")

    /// A file of the theme's `assets/` folder, by its path relative to `templates/`.
    static func asset(_ path: String) -> Route { Route(fixed: path) }
    /// A file copied as it is (`static/`, a picture beside the stories), by its output path.
    static func copied(_ path: String) -> Route {
        Route(path: path, href: path.split(separator: "/").map { Slug.href(String($0)) }.joined(separator: "/"))
    }

    static func story(_ slug: String) -> Route { Route(folder: "stories", name: slug) }
    static func briefing(_ slug: String) -> Route { Route(folder: "briefings", name: slug) }
    static func theme(_ id: String) -> Route { Route(folder: "themes", name: id) }
    static func journey(_ id: String) -> Route { Route(folder: "journeys", name: id) }
    /// Each segment's page, `segments/SLUG.html`: segments are values of a response column,
    /// so each is named by a slug of lower-case ASCII letters and digits, made unique with `-2`,
    /// `-3`… in the order given.
    static func segments(_ names: [String]) -> [String: Route] {
        var taken: Set<String> = []
        var routes: [String: Route] = [:]
        for name in names {
            let base = Authoring.slug(for: name)
            var slug = base == "index" ? "index-segment" : base
            var number = 2
            while !taken.insert(slug).inserted {
                slug = "\(base)-\(number)"
                number += 1
            }
            routes[name] = Route(folder: "segments", name: slug)
        }
        return routes
    }
    /// A touchpoint's page of stories `number` (from 1): the first is `touchpoints/ID.html`,
    /// the others `touchpoints/ID/N.html`.
    static func touchpoint(_ id: String, page number: Int = 1) -> Route {
        number <= 1
            ? Route(folder: "touchpoints", name: id)
            : Route(path: "touchpoints/\(id)/\(number).html", href: "touchpoints/\(Slug.href(id))/\(number).html")
    }

    /// The relative path from the page at `path` back to the site root: `""`, `"../"`.
    static func root(of path: String) -> String {
        String(repeating: "../", count: path.split(separator: "/").count - 1)
    }
}
