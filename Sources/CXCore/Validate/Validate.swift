import Diagnostics
import Foundation
import Markdown
import Mustache

/// The config and the design: what says how the rest of the site is read and rendered.
struct Settings: Sendable {
    let config: SiteConfig
    /// The text of `cxsite.yaml`, which the build cache keys on.
    let configText: String
    /// The design; nil when a template has an error (reported).
    let design: Design?
}

/// The site's content, every rule checked: stories and briefings with their markdown
/// rendered, snapshots, perception rounds and the survey responses' running totals.
struct ValidContent: Sendable {
    let content: Content
    let responses: ResponseAggregates
    /// The stories taken from the build cache rather than parsed.
    let reusedStories: Set<String>
}

/// Validate: sources → content. Every rule of the site and its diagnostics: the config, the
/// templates, the front matter, snapshots, perception rounds and survey responses.
enum Validate {
    /// The config and the design; nil when the config cannot be used. `baseURL` replaces the
    /// config's `base_url` (`--base-url`, for a staging copy).
    static func settings(_ sources: SiteSources, baseURL: String? = nil) -> (Settings?, [Diagnostic]) {
        let (design, designDiagnostics) = Design.make(sources.design)
        guard let file = sources.config else { return (nil, designDiagnostics) }
        var (config, configDiagnostics) = SiteConfig.load(file)
        var text = file.text
        if let baseURL, config != nil {
            if let problem = SiteConfig.baseURLProblem(baseURL) {
                configDiagnostics.append(Diagnostic(.error, "--base-url \(problem)"))
                config = nil
            } else {
                config?.baseURL = baseURL
                text += "\n# --base-url \(baseURL)\n"  // the build cache keys on the address too
            }
        }
        return (config.map { Settings(config: $0, configText: text, design: design) }, configDiagnostics + designDiagnostics)
    }

    /// The content, checked against the config. Story files `cache` holds as they are now
    /// are taken from it instead of being parsed again.
    static func content(
        _ sources: SiteSources, _ settings: Settings, in site: SiteFolder,
        cache: StoryCache?
    ) -> ((Content, reused: Set<String>), [Diagnostic]) {
        var validator = ContentValidator(config: settings.config)
        var (content, reused) = validator.validate(sources, cache: cache)
        content.staticFiles = sources.staticFiles
        content.history = sources.history
        return ((content, reused), validator.diagnostics)
    }

    /// The survey responses, every row checked, streamed into running totals; a file whose
    /// stamp is as in `cached` is not read again, nor are the links joined again when all are
    /// as `joined` was made from. Also what the cache keeps for the next build: each file's own
    /// totals, when its stamp has settled at `now` (the clock's instant), and the joined links.
    static func responses(
        _ sources: SiteSources, _ settings: Settings, content: Content, in site: SiteFolder,
        cached: [String: ResponseAggregator.FileTotals], joined: ResponseAggregator.JoinedLinks?, now: Int,
        progress: (@Sendable (Double) -> Void)?
    ) -> ((ResponseAggregates, ResponseAggregator.Cacheable), [Diagnostic]) {
        var tagging = StableHasher()
        tagging.combine(content.themes.hash)
        tagging.combine(content.sentimentHash)
        let aggregator = ResponseAggregator(
            config: settings.config, themes: content.themes, sentiment: content.sentiment,
            tagging: tagging.finalize(), progress: progress)
        let (aggregates, diagnostics, cacheable) =
            aggregator
            .aggregate(sources.responses.map { ($0, site.url($0)) }, cached: cached, joined: joined, now: now)
        let relative = sources.responses.map { String($0.dropFirst(ResponseMapping.folder.count)) }
        let idle = settings.config.responseMappings.filter { mapping in !relative.contains(where: mapping.matches) }.map { mapping in
            Diagnostic(
                .warning, "'\(mapping.files)' matches no file in \(ResponseMapping.folder): files are matched from that folder",
                at: mapping.location)
        }
        return ((aggregates, cacheable), idle + diagnostics)
    }
}
