import Diagnostics
import Markdown

/// The validated site: config and content joined, stories in order, briefings with the
/// stories they open with. Built once per build; page models are read off it.
struct Site: Sendable {
    let config: SiteConfig
    /// Published stories (drafts only with `--drafts`), newest first.
    let stories: [Story]
    /// Briefings, newest first.
    let briefings: [Briefing]
    let scorecard: Scorecard
    /// Rendered story and briefing bodies, by source path.
    let bodies: [String: RenderedMarkdown]
    /// The stories each briefing opens with, by briefing slug.
    let openingStories: [String: OpeningStories]

    struct OpeningStories: Sendable {
        var stories: [Story]
        /// True when cxsite added the failure because the briefing listed none.
        var addedFailure: Bool
    }

    /// Joins content and config; reports briefings that name stories that do not exist.
    static func make(config: SiteConfig, content: Content, scorecard: Scorecard, includeDrafts: Bool,
                     bodies: [String: RenderedMarkdown]) -> (Site, [Diagnostic]) {
        let stories = content.stories
            .filter { includeDrafts || !$0.draft }
            .sorted { ($0.date, $1.slug) > ($1.date, $0.slug) }
        let briefings = content.briefings.sorted { ($0.date, $1.slug) > ($1.date, $0.slug) }
        var diagnostics: [Diagnostic] = []
        var opening: [String: OpeningStories] = [:]
        let bySlug = Dictionary(stories.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        let drafts = Set(content.stories.filter(\.draft).map(\.slug))
        for briefing in briefings {
            var chosen: [Story] = []
            for reference in briefing.storyReferences {
                if let story = bySlug[reference.slug] {
                    chosen.append(story)
                } else if drafts.contains(reference.slug) {
                    diagnostics.append(content.diagnostic("story '\(reference.slug)' is a draft: publish it (remove 'draft: true') or build with --drafts",
                                                          at: reference.location))
                } else {
                    diagnostics.append(content.diagnostic("unknown story '\(reference.slug)': there is no content/stories/\(reference.slug).md",
                                                          at: reference.location))
                }
            }
            let earlier = stories.filter { $0.date <= briefing.date }
            if briefing.storyReferences.isEmpty {
                chosen = [earlier.first { $0.outcome == .success }, earlier.first { $0.outcome == .failure }].compactMap { $0 }
            }
            var addedFailure = false
            if !chosen.contains(where: { $0.outcome == .failure }), let failure = earlier.first(where: { $0.outcome == .failure }) {
                chosen.append(failure)
                addedFailure = !briefing.storyReferences.isEmpty
            }
            opening[briefing.slug] = OpeningStories(stories: chosen, addedFailure: addedFailure)
        }
        let site = Site(config: config, stories: stories, briefings: briefings,
                        scorecard: scorecard,
                        bodies: bodies, openingStories: opening)
        return (site, diagnostics)
    }

    func stories(at touchpoint: Touchpoint) -> [Story] {
        stories.filter { $0.touchpoints.contains(touchpoint.id) }
    }
}

