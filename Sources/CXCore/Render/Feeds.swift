import Mustache

/// `feed.xml` (Atom, the stories newest first) and `sitemap.xml` (when `base_url` is set).
/// Dates come from the content, so two builds give the same bytes.
enum Feeds {
    static func atom(_ site: Site) -> [UInt8] {
        let base = site.config.baseURL.map(normalized)
        let newest = site.stories.first?.date ?? site.today
        func link(_ path: String) -> String { (base ?? "") + path }
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <title>\(escape(site.config.title)) — customer stories</title>
              <id>\(escape(base.map { $0 + Routes.feed.href } ?? "urn:cxsite:" + slugged(site.config.title)))</id>
              <updated>\(timestamp(newest))</updated>
              <generator>cxsite</generator>

            """
        if let base {
            xml += "  <link rel=\"self\" href=\"\(escape(base))\(Routes.feed.href)\"/>\n  <link href=\"\(escape(base))\(Routes.home.href)\"/>\n"
        }
        for story in site.stories.prefix(50) {
            let path = story.route.href
            xml += """
                  <entry>
                    <title>\(escape(Typography.smarten(story.title)))</title>
                    <id>\(escape(base.map { $0 + path } ?? "urn:cxsite:story:" + slugged(story.slug)))</id>
                    <updated>\(timestamp(story.date))</updated>
                    <link href="\(escape(link(path)))"/>
                    <category term="\(story.outcome.rawValue)"/>
                    <summary>\(escape(story.quote ?? story.body.summary))</summary>
                  </entry>

                """
        }
        return Array((xml + "</feed>\n").utf8)
    }

    /// Every HTML page, absolute; nil without `base_url`, since a sitemap needs full addresses.
    static func sitemap(_ site: Site, pages: [Page]) -> [UInt8]? {
        guard let base = site.config.baseURL.map(normalized) else { return nil }
        var xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for page in pages where page.path != "404.html" {
            xml += "  <url><loc>\(escape(base + page.path.split(separator: "/").map { Slug.href(String($0)) }.joined(separator: "/")))</loc></url>\n"
        }
        return Array((xml + "</urlset>\n").utf8)
    }

    private static func normalized(_ url: String) -> String { url.hasSuffix("/") ? url : url + "/" }
    private static func escape(_ text: String) -> String { HTML.escape(text) }
    private static func timestamp(_ day: Day) -> String { "\(day)T00:00:00Z" }
    private static func slugged(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
