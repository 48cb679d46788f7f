/// A page as rendered, or as the output being updated still holds it.
struct RenderedPage: Sendable {
    let path: String
    /// The page's bytes; nil when the output holds them already.
    let bytes: [UInt8]?
    /// The hash of the page's template and model, when caching.
    let modelHash: UInt64?
    /// The hash of the bytes the output holds for a page not rendered again.
    let keptOutputHash: UInt64?
}

/// Renders pages for a build with a cache: each page is known, for the next build, by the
/// hash of its template and inputs when it has them (its model is then built only if it
/// renders), or else of its model; a page the output still holds as the previous build left
/// it is handed over without bytes. Without a cache, every page renders.
struct PageReuse: PageRendering {
    let renderer: Renderer
    let cache: PageCache?

    func render(_ page: Page) throws -> RenderedPage {
        guard let cache else {
            return RenderedPage(path: page.path, bytes: try renderer.bytes(of: page), modelHash: nil, keptOutputHash: nil)
        }
        var model: (any Encodable)?
        var modelHash: UInt64?
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
        if let modelHash, let kept = cache.keptOutput(page.path, modelHash: modelHash) {
            return RenderedPage(path: page.path, bytes: nil, modelHash: modelHash, keptOutputHash: kept)
        }
        return RenderedPage(path: page.path, bytes: try renderer.bytes(of: page, model: model), modelHash: modelHash, keptOutputHash: nil)
    }
}
