import Diagnostics

/// The site as pages: the joined site, every page with its route and model, and the routes
/// of the other files the output holds.
struct SiteModel: Sendable {
    let site: Site
    let pages: [Page]
    /// Theme assets, `scorecard.json`, the feed and (with `base_url`) the sitemap.
    let otherFiles: [Route]
}

/// Model: content → site. Joins content and config into the site (opening stories, the
/// scorecard, open loops), builds every page's model, and checks the links of the markdown
/// against the routes the output will hold.
enum Model {
    static func site(_ settings: Settings, _ valid: ValidContent, theme: Theme, options: BuildOptions,
                     brokenLinks: Diagnostic.Severity) -> (SiteModel?, [Diagnostic]) {
        let today = Site.today(sourceDateEpoch: options.sourceDateEpoch, content: valid.content,
                               newestResponse: valid.responses.newest, includeDrafts: options.includeDrafts, now: options.now)
        let (scorecard, scorecardWarnings) = Scorecard.make(config: settings.config, snapshots: valid.content.snapshots,
                                                            responses: valid.responses, content: valid.content, today: today)
        let history = options.useGit ? GitHistory(folder: SiteFolder(options.source).root) : GitHistory()
        let (site, siteDiagnostics) = Site.make(config: settings.config, content: valid.content, scorecard: scorecard,
                                                includeDrafts: options.includeDrafts, today: today, history: history)
        var diagnostics = scorecardWarnings + siteDiagnostics
        if !options.allowsFuture {
            diagnostics += Site.futureStories(site.stories, after: options.sourceDateEpoch.map(Day.init(secondsSince1970:)) ?? options.now,
                                              content: valid.content)
        }
        guard !diagnostics.contains(where: \.isError) else { return (nil, diagnostics) }
        let pages = PageBuilder(site: site).pages()
        let otherFiles = theme.assets.keys.sorted().map(Routes.asset)
            + [Routes.scorecardExport, Routes.feed] + (settings.config.baseURL == nil ? [] : [Routes.sitemap])
        let outputPaths = Set(pages.map(\.path) + otherFiles.map(\.path))
        diagnostics += LinkChecker(site: site, content: valid.content, outputPaths: outputPaths).brokenLinks(severity: brokenLinks)
        return (SiteModel(site: site, pages: pages, otherFiles: otherFiles), diagnostics)
    }
}
