import Diagnostics
import Foundation

extension Authoring {
    /// Keeps the figures briefing `slug` shows today in `content/briefings/SLUG.figures.yaml`
    /// and returns the file's path: for `cxsite freeze`, once a briefing is published, so a
    /// later build shows both where late responses change them. A file already there keeps
    /// what was first published unless `replacing`.
    @discardableResult
    public static func freezeFigures(of slug: String, options: BuildOptions, replacing: Bool) throws -> String {
        var run = StageRun()
        guard let modelled = SiteBuilder.modelled(options, &run, cache: .none, brokenLinks: .warning), !run.failed else {
            throw run.failure()
        }
        let site = modelled.model.site
        guard let briefing = site.briefings.first(where: { $0.slug == slug }) else {
            let slugs = site.briefings.map(\.slug)
            throw DiagnosticList([
                Diagnostic(
                    .error,
                    "no briefing '\(slug)'" + (slugs.isEmpty ? ": the site has none yet" : ": the site has \(slugs.joined(separator: ", "))"))
            ])
        }
        let path = PublishedFigures.path(of: slug)
        if let published = briefing.published, !replacing {
            throw DiagnosticList([
                Diagnostic(
                    .error,
                    "\(path) already holds the figures frozen on \(published.frozen.longText): "
                        + "--replace freezes today's in their place, and forgets those",
                    at: .file(path))
            ])
        }
        let figures = try PageBuilder(site: site).figuresShown(in: briefing)
        guard !figures.isEmpty else {
            throw DiagnosticList([Diagnostic(.error, "briefing '\(slug)' shows no figures to freeze: it has no metric in \(briefing.period.label)")])
        }
        let text = PublishedFigures(frozen: options.clock.today, figures: figures, path: path).text(briefing: slug)
        if SiteFolder(options.source).exists(path) {
            try replace(path, with: text, in: options.source)
        } else {
            try SourceFiles.create([(path, text)], in: options.source)
        }
        return SiteFolder(options.source).url(path).path
    }
}
