import Diagnostics
import Mustache

/// A page as rendered, or as the spare still holds it.
struct RenderedPage: Sendable {
    let path: String
    /// The page's bytes; nil when the spare holds them already.
    let bytes: [UInt8]?
    /// The hash of the page's template and model, when caching.
    let modelHash: UInt64?
    /// The hash of the bytes the spare holds for a page not rendered again.
    let keptOutputHash: UInt64?
}

/// Render: site + design → output files. Pages through their templates, on all cores, batch
/// by batch; the feed, the sitemap, `scorecard.json` and the design's assets beside them.
struct Renderer: Sendable {
    let design: Design
    let options: RenderOptions
    /// With a cache, every page's model is hashed for the next build, and pages the cache
    /// can keep are handed over without bytes.
    var cache: PageCache?

    /// How many pages render between two writes: enough to keep both cores busy, few
    /// enough that memory holds little of the site.
    static let batchSize = 256

    /// Renders `pages`, handing each batch to `sink` until a page fails; returns the
    /// diagnostics of every failed page. A broken shared template fails every page the same
    /// way, and is reported once.
    func render(_ pages: [Page], to sink: ([RenderedPage]) throws -> Void) rethrows -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        // A page past its render budget stops the pages not yet started: they share its templates.
        let overBudget = Flag()
        for start in stride(from: 0, to: pages.count, by: Self.batchSize) where !overBudget.isSet {
            let batch = Array(pages[start..<min(start + Self.batchSize, pages.count)])
            let results = batch.concurrentMap { page -> Result<RenderedPage, DiagnosticList> in
                if overBudget.isSet { return .failure(DiagnosticList([])) }
                do {
                    return .success(try render(page))
                } catch let errors as DiagnosticList {
                    return .failure(errors)
                } catch let exceeded as RenderBudgetExceeded {
                    overBudget.set()
                    return .failure(DiagnosticList([exceeded.diagnostic]))
                } catch {
                    return .failure(DiagnosticList([Diagnostic(.error, "\(page.path): \(error)")]))
                }
            }
            var rendered: [RenderedPage] = []
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

    private func render(_ page: Page) throws -> RenderedPage {
        // With a cache, a page is known by the hash of its inputs when it has them (its model
        // is then built only if it renders), or else of its model.
        var model: (any Encodable)?
        var modelHash: UInt64?
        if cache != nil {
            var hasher = StableHasher()
            hasher.combine(page.template)
            if let inputs = page.inputs {
                hasher.combine(1)
                hasher.combine(inputs)
                modelHash = hasher.finalize()
            } else {
                let built = try page.model()
                model = built
                modelHash = ModelHashing.hash(built).map { hash in
                    hasher.combine(2)
                    hasher.combine(hash)
                    return hasher.finalize()
                }
            }
        }
        if let cache, let modelHash, let kept = cache.keptOutput(page.path, modelHash: modelHash) {
            return RenderedPage(path: page.path, bytes: nil, modelHash: modelHash, keptOutputHash: kept)
        }
        let built: any Encodable = try model ?? page.model()
        let data = try MustacheValue(encoding: built)
        guard let template = design.templates[page.template] else {
            throw DiagnosticList([Diagnostic(.error, "the theme has no template '\(page.template).mustache'")])
        }
        let bytes = try template.renderBytes(data, partials: design.templates, options: options)
        return RenderedPage(path: page.path, bytes: bytes, modelHash: modelHash, keptOutputHash: nil)
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
