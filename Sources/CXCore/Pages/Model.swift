import Diagnostics

/// The site as pages: the joined site, every page with its route and model, and the routes
/// of the other files the output holds.
struct SiteModel: Sendable {
    let site: Site
    let pages: [Page]
    /// The design's assets, `scorecard.json`, the feed, (with `base_url`) the sitemap, and the files
    /// copied as they are.
    let otherFiles: [Route]
    /// The files copied as they are, by output path.
    let copied: [String: StaticFile]
}

/// Model: content → site. Joins content and config into the site (opening stories, the
/// scorecard, open loops), builds every page's model, and checks the links of the markdown
/// against the routes the output will hold.
enum Model {
    static func site(
        _ settings: Settings, _ valid: ValidContent, design: Design, options: BuildOptions,
        brokenLinks: Diagnostic.Severity
    ) -> (SiteModel?, [Diagnostic]) {
        let today = Site.today(
            clock: options.clock, content: valid.content,
            newestResponse: valid.responses.newest, includeDrafts: options.includeDrafts)
        let (scorecard, scorecardWarnings) = Scorecard.make(
            config: settings.config, snapshots: valid.content.snapshots,
            responses: valid.responses, content: valid.content, today: today)
        let (site, siteDiagnostics) = Site.make(
            config: settings.config, content: valid.content, scorecard: scorecard,
            includeDrafts: options.includeDrafts, today: today, history: valid.content.history)
        var diagnostics = scorecardWarnings + siteDiagnostics
        if !options.allowsFuture {
            diagnostics += Site.futureStories(
                site.stories, after: options.clock.today,
                content: valid.content)
        }
        guard !diagnostics.contains(where: \.isError) else { return (nil, diagnostics) }
        let pages = PageBuilder(site: site).pages()
        var otherFiles =
            design.assets.keys.sorted().map(Routes.asset)
            + [Routes.scorecardExport, Routes.feed] + (settings.config.baseURL == nil ? [] : [Routes.sitemap])
        // A copied file never replaces what cxsite makes, nor another copied file: not a page,
        // not a folder pages are in (`static/touchpoints`), not by making a page's path a
        // folder (`static/stories/SLUG.html/picture.png`).
        var taken = Set(pages.map(\.path) + otherFiles.map(\.path))
        // The folders pages are in, for the copied files to be checked against: most sites copy none.
        var folders = valid.content.staticFiles.isEmpty ? [] : Set(taken.flatMap(Self.folders(of:)))
        var copied: [String: StaticFile] = [:]
        for file in valid.content.staticFiles {
            let clash: String? =
                if let earlier = copied[file.path] {
                    "\(file.source) and \(earlier.source) would both be \(file.path) in the output: rename one"
                } else if taken.contains(file.path) {
                    "\(file.source) would replace \(file.path), which cxsite makes: rename it"
                } else if folders.contains(file.path) {
                    "\(file.source) would replace the folder \(file.path)/, which holds pages cxsite makes: rename it"
                } else if let page = Self.folders(of: file.path).first(where: taken.contains) {
                    "\(file.source) would make \(page), which cxsite writes as a file, a folder: rename or move it"
                } else {
                    nil
                }
            if let clash {
                diagnostics.append(Diagnostic(.error, clash, at: .file(file.source)))
            } else {
                copied[file.path] = file
                otherFiles.append(Routes.copied(file.path))
                taken.insert(file.path)
                folders.formUnion(Self.folders(of: file.path))
            }
        }
        guard !diagnostics.contains(where: \.isError) else { return (nil, diagnostics) }
        let outputPaths = taken
        diagnostics += LinkChecker(site: site, content: valid.content, outputPaths: outputPaths).brokenLinks(severity: brokenLinks)
        return (SiteModel(site: site, pages: pages, otherFiles: otherFiles, copied: copied), diagnostics)
    }

    /// The folders `path` is in, innermost first: `a/b/c.html` is in `a/b` and `a`.
    private static func folders(of path: String) -> [String] {
        var folders: [String] = []
        var rest = Substring(path)
        while let slash = rest.lastIndex(of: "/") {
            rest = rest[..<slash]
            folders.append(String(rest))
        }
        return folders
    }
}
