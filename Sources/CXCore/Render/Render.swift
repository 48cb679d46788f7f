import Diagnostics
import Mustache

/// Turns one page into what the batch loop hands on: its bytes, or what a cache decides.
protocol PageRendering: Sendable {
    associatedtype Rendered: Sendable
    func render(_ page: Page) throws -> Rendered
}

/// A page's path and the bytes rendered for it.
struct PageOutput: Sendable {
    let path: String
    let bytes: [UInt8]
}

/// Render: site + design → output files. Pages through their templates, on all cores, batch
/// by batch; the feed, the sitemap, `scorecard.json` and the design's assets beside them.
struct Renderer: PageRendering {
    let design: Design
    let options: RenderOptions

    /// How many pages render between two writes: enough to keep both cores busy, few
    /// enough that memory holds little of the site.
    static let batchSize = 256

    /// Renders `pages` with `rendering`, handing each batch to `sink` until a page fails;
    /// returns the diagnostics of every failed page. A broken shared template fails every
    /// page the same way, and is reported once.
    func render<Rendering: PageRendering>(
        _ pages: [Page], with rendering: Rendering, to sink: ([Rendering.Rendered]) throws -> Void
    ) rethrows -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        // A page past its render budget stops the pages not yet started: they share its templates.
        let overBudget = Flag()
        for start in stride(from: 0, to: pages.count, by: Self.batchSize) where !overBudget.isSet {
            let batch = Array(pages[start..<min(start + Self.batchSize, pages.count)])
            let results = batch.concurrentMap { page -> Result<Rendering.Rendered, DiagnosticList> in
                if overBudget.isSet { return .failure(DiagnosticList([])) }
                do {
                    return .success(try rendering.render(page))
                } catch let errors as DiagnosticList {
                    return .failure(errors)
                } catch let exceeded as RenderBudgetExceeded {
                    overBudget.set()
                    return .failure(DiagnosticList([exceeded.diagnostic]))
                } catch {
                    return .failure(DiagnosticList([Diagnostic(.error, "\(page.path): \(error)")]))
                }
            }
            var rendered: [Rendering.Rendered] = []
            for result in results {
                switch result {
                case .success(let page): rendered.append(page)
                case .failure(let errors): diagnostics += errors.diagnostics.filter { !diagnostics.contains($0) }
                }
            }
            if diagnostics.isEmpty { try sink(rendered) }
        }
        return diagnostics
    }

    func render(_ page: Page) throws -> PageOutput {
        PageOutput(path: page.path, bytes: try bytes(of: page))
    }

    /// The page's bytes, from its `model` when the caller has built it already.
    func bytes(of page: Page, model: (any Encodable)? = nil) throws -> [UInt8] {
        let built: any Encodable = try model ?? page.model()
        let data = try MustacheValue(encoding: built)
        guard let template = design.templates[page.template] else {
            throw DiagnosticList([Diagnostic(.error, "the theme has no template '\(page.template).mustache'")])
        }
        return try template.renderBytes(data, partials: design.templates, options: options)
    }

    /// Every file of the output besides the pages, in the model's order.
    func otherFiles(of model: SiteModel) -> [(path: String, bytes: [UInt8])] {
        model.otherFiles.compactMap { route in
            let bytes: [UInt8]? =
                switch route {
                case Routes.scorecardExport: ScorecardExport(model.site.scorecard).json
                case Routes.feed: Feeds.atom(model.site)
                case Routes.sitemap: Feeds.sitemap(model.site, pages: model.pages)
                default: design.assets[route.path].map { Array($0.utf8) } ?? model.copied[route.path]?.bytes
                }
            return bytes.map { (route.path, $0) }
        }
    }
}
