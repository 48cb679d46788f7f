import Diagnostics
import Markdown

#if canImport(Glibc)
    import Glibc
#endif

/// The validated site: config and content joined, stories in order, briefings with the
/// stories they open with. Built once per build; page models are read off it.
struct Site: Sendable {
    let config: SiteConfig
    /// Published stories (drafts only with `--drafts`), newest first.
    let stories: [Story]
    /// Briefings, newest first.
    let briefings: [Briefing]
    let scorecard: Scorecard
    /// The stories each briefing opens with, by briefing slug.
    let openingStories: [String: OpeningStories]
    /// Perception-gap rounds, newest first.
    let perceptionRounds: [PerceptionRound]
    /// The build's "today", for the age of open loops: `SOURCE_DATE_EPOCH` when set, otherwise
    /// the newest date in the content — never the time of the build, so builds are reproducible.
    let today: Day
    /// When each source file last changed in git, and by whom.
    let history: GitHistory
    /// The stories that touched each touchpoint, newest first, by touchpoint id.
    let storiesByTouchpoint: [String: [Story]]
    /// How many of each touchpoint's stories are failures, by touchpoint id: every briefing's
    /// metric cards show it for every touchpoint.
    let failuresByTouchpoint: [String: Int]
    /// The stories of each journey, newest first, by journey id: those that name it, and
    /// those that name none but whose touchpoints are all steps of it.
    let storiesByJourney: [String: [Story]]
    /// How many of the stories are failures, and how many successes.
    let failureCount: Int
    let successCount: Int
    /// The themes of `content/themes.yaml`.
    let themes: ThemeCatalog
    /// The stories whose title, quote or summary mention each theme, newest first, by theme id.
    let storiesByTheme: [String: [Story]]
    /// What reads the polarity of comments, quotes and answers.
    let sentiment: SentimentLexicon
    /// A hash of the site's own lexicon, 0 for the built-in one: story pages show its reading.
    let sentimentHash: UInt64
    /// The size of each picture copied into the output, by output path, and a hash of them
    /// all (a page that shows one is made from it).
    let images: [String: ImageSize]
    let imagesHash: UInt64
    /// The logo beside the site's title, when `cxsite.yaml` names one.
    let logo: PageFrame.Logo?
    /// Each segment's page, by the segment's name (``Routes/segments(_:)``).
    let segmentRoutes: [String: Route]

    /// Loops older than this are flagged.
    static let staleLoopDays = 30

    struct OpeningStories: Sendable {
        var stories: [Story]
        /// True when cxsite added the failure because the briefing listed none.
        var addedFailure: Bool
    }

    /// Joins content and config; reports briefings that name stories that do not exist.
    static func make(
        config: SiteConfig, content: Content, scorecard: Scorecard, includeDrafts: Bool,
        today: Day, history: GitHistory = GitHistory()
    ) -> (Site, [Diagnostic]) {
        // Sorted by index: moving whole stories around while sorting costs more than the sort.
        let published = content.stories.filter { includeDrafts || !$0.draft }
        let stories = published.indices.sorted { Story.newestFirst(published[$0], published[$1]) }.map { published[$0] }
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
                    diagnostics.append(
                        content.diagnostic(
                            "story '\(reference.slug)' is a draft: publish it (remove 'draft: true') or build with --drafts",
                            at: reference.location))
                } else {
                    diagnostics.append(
                        content.diagnostic(
                            "unknown story '\(reference.slug)': there is no content/stories/\(reference.slug).md",
                            at: reference.location))
                }
            }
            // Newest first: those dated on or before the briefing are the stories from the first such on.
            let earlier = stories[(stories.firstIndex { $0.date <= briefing.date } ?? stories.endIndex)...]
            if briefing.storyReferences.isEmpty {
                chosen = [earlier.first { $0.outcome == .success }, earlier.first { $0.outcome == .failure }].compactMap { $0 }
            }
            var addedFailure = false
            if !chosen.contains(where: { $0.outcome == .failure }), let failure = earlier.first(where: { $0.outcome == .failure }) {
                chosen.append(failure)
                addedFailure = !briefing.storyReferences.isEmpty
            }
            opening[briefing.slug] = OpeningStories(stories: chosen, addedFailure: addedFailure)
            diagnostics += warnings(for: briefing, opening: chosen, addedFailure: addedFailure, content: content)
        }
        for story in stories where story.status == .open {
            let age = today.daysSinceEpoch - story.date.daysSinceEpoch
            let at = story.statusLocation ?? SourceLocation(path: story.path, line: 1, column: 1)
            if let expected = story.expectedClose {
                // A loop meant to run long waits for its own date, not the 30 days.
                guard today > expected.date else { continue }
                diagnostics.append(
                    content.diagnostic(
                        "the loop on '\(story.title)' was expected to close by \(expected.date) (\(expected.reason)) and is still open, "
                            + "\(today.daysSinceEpoch - expected.date.daysSinceEpoch) days later: close it, or move 'expected_close' and say why",
                        at: at, .warning))
            } else if age > staleLoopDays {
                diagnostics.append(
                    content.diagnostic(
                        "the loop on '\(story.title)' has been open for \(age) days (more than \(staleLoopDays)): "
                            + "close it, say what is left, or give 'expected_close' with a reason",
                        at: at, .warning))
            }
        }
        diagnostics += unknownThemes(stories, content.themes, content: content)
        var images: [String: ImageSize] = [:]
        var hasher = StableHasher()
        for file in content.staticFiles {
            guard let size = file.size else { continue }
            images[file.path] = size
            hasher.combine(file.path)
            hasher.combine(size.width)
            hasher.combine(size.height)
        }
        let imagesHash = hasher.finalize()
        for story in stories {
            guard let image = story.image else { continue }
            let path = LinkChecker.resolve(image.path, from: story.route.path)
            if path.flatMap({ images[$0] }) == nil {
                diagnostics.append(
                    content.diagnostic(
                        "image '\(image.path)' is not a picture beside the story (PNG, JPEG, GIF or WebP): put it in content/stories/ and name it by its file name",
                        at: image.location))
            }
        }
        var logo: PageFrame.Logo?
        if let named = config.logo {
            if let file = content.staticFiles.first(where: { $0.source == named && $0.source.hasPrefix("static/") }), let size = file.size {
                logo = PageFrame.Logo(src: file.path, width: size.width, height: size.height)
            } else {
                diagnostics.append(
                    content.diagnostic(
                        "logo '\(named)' is not a picture in static/ (PNG, JPEG, GIF or WebP): put it there and name it as static/logo.png",
                        at: config.logoLocation ?? .file(SiteConfig.fileName)))
            }
        }
        // Grouped in one pass, each list newest first as the stories are.
        var storiesByTouchpoint: [String: [Story]] = [:]
        var storiesByJourney: [String: [Story]] = [:]
        for story in stories {
            for (index, touchpoint) in story.touchpoints.enumerated() where !story.touchpoints[..<index].contains(touchpoint) {
                storiesByTouchpoint[touchpoint, default: []].append(story)
            }
            for journey in journeys(of: story, in: config) { storiesByJourney[journey.id, default: []].append(story) }
        }
        let site = Site(
            config: config, stories: stories, briefings: briefings,
            scorecard: scorecard,
            openingStories: opening,
            perceptionRounds: content.perceptionRounds.sorted { ($0.date, $1.slug) > ($1.date, $0.slug) },
            today: today, history: history,
            storiesByTouchpoint: storiesByTouchpoint, failuresByTouchpoint: storiesByTouchpoint.mapValues(\.failureCount),
            storiesByJourney: storiesByJourney,
            failureCount: stories.count { $0.outcome == .failure },
            successCount: stories.count { $0.outcome == .success },
            themes: content.themes,
            storiesByTheme: storiesByTheme(stories, content.themes),
            sentiment: content.sentiment, sentimentHash: content.sentimentHash,
            images: images, imagesHash: imagesHash, logo: logo,
            segmentRoutes: Routes.segments(Set(scorecard.segmentComparisons.map(\.segment)).sorted()))
        return (site, diagnostics)
    }

    /// The journeys a story belongs to: those it names, or else those whose steps include
    /// every touchpoint it crossed (none for a story without touchpoints).
    static func journeys(of story: Story, in config: SiteConfig) -> [Journey] {
        if !story.journeys.isEmpty { return story.journeys.compactMap(config.journey) }
        guard !story.touchpoints.isEmpty else { return [] }
        return config.journeys.filter { $0.contains(all: story.touchpoints) }
    }

    /// A briefing that shows no failure, or opens with stories that all predate its period.
    private static func warnings(
        for briefing: Briefing, opening: [Story], addedFailure: Bool,
        content: Content
    ) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        if !opening.contains(where: { $0.outcome == .failure }) {
            warnings.append(
                content.diagnostic(
                    "'\(briefing.title)' has no failure story: no failure is dated on or before \(briefing.date); the failure is the point",
                    at: briefing.storiesLocation, .warning))
        } else if addedFailure {
            warnings.append(
                content.diagnostic(
                    "'\(briefing.title)' names no failure story, so the newest failure is shown: name one in 'stories'",
                    at: briefing.storiesLocation, .warning))
        }
        if !opening.isEmpty, opening.allSatisfy({ $0.date < briefing.period.first }) {
            warnings.append(
                content.diagnostic(
                    "every story of '\(briefing.title)' is older than its period \(briefing.period): is there nothing newer to tell?",
                    at: briefing.storiesLocation, .warning))
        }
        return warnings
    }

    /// The build's "today": `SOURCE_DATE_EPOCH` when set, otherwise the newest date of a
    /// story shown, a briefing, a perception round or a survey response that is not after
    /// the clock's date: a date typed wrong, years ahead, must not age every loop.
    static func today(clock: Clock, content: Content, newestResponse: Day?, includeDrafts: Bool) -> Day {
        if let sourceDateEpoch = clock.sourceDateEpoch { return Day(secondsSince1970: sourceDateEpoch) }
        let now = clock.day
        let stories = content.stories.filter { includeDrafts || !$0.draft }
        let dates =
            stories.map(\.date) + content.briefings.map(\.date) + content.perceptionRounds.map(\.date)
            + [newestResponse].compactMap { $0 }
        return dates.filter { $0 <= now }.max() ?? min(dates.max() ?? now, now)
    }

    /// Future stories listed one by one; past them, one warning counts the rest, so a site
    /// whose dates are all a year ahead does not flood the terminal.
    static let listedFutureStories = 10

    /// A warning for each story dated after `today`, the first ``listedFutureStories`` of them.
    static func futureStories(_ stories: [Story], after today: Day, content: Content) -> [Diagnostic] {
        let future = stories.filter { $0.date > today }
        let more = future.count - listedFutureStories
        return future.prefix(listedFutureStories).map { story in
            content.diagnostic(
                "'\(story.title)' is dated \(story.date), after today (\(today.longText)): it is listed, but moves no loop's age "
                    + "and opens no period; correct the date, or build with --future if it is meant",
                at: story.dateLocation ?? SourceLocation(path: story.path, line: 1, column: 1), .warning)
        }
            + (more > 0
                ? [
                    Diagnostic(
                        .warning,
                        "\(more) more \(more == 1 ? "story is" : "stories are") dated after today (\(today.longText)), "
                            + "not listed here: correct the dates, or build with --future if they are meant",
                        at: .file("content/stories"))
                ] : [])
    }

    /// The stories that name each theme in their front matter or mention it in their title,
    /// quote or summary, by theme id, in the stories' order.
    private static func storiesByTheme(_ stories: [Story], _ themes: ThemeCatalog) -> [String: [Story]] {
        guard !themes.themes.isEmpty else { return [:] }
        let mentioned = stories.concurrentMap { story in
            themes.matcher.themes(in: [story.title, story.quote ?? "", story.body.summary].joined(separator: " \n "))
                .map { themes.themes[$0].id }
        }
        var byTheme: [String: [Story]] = [:]
        for (story, ids) in zip(stories, mentioned) {
            var seen = Set<String>()
            for id in story.themes.map(\.id) + ids where themes.theme(id) != nil && seen.insert(id).inserted {
                byTheme[id, default: []].append(story)
            }
        }
        return byTheme
    }

    /// Themes a story names that `content/themes.yaml` does not have: one error a story, at the
    /// first.
    private static func unknownThemes(_ stories: [Story], _ themes: ThemeCatalog, content: Content) -> [Diagnostic] {
        let known = themes.themes.map(\.id)
        return stories.compactMap { story in
            let unknown = story.themes.filter { themes.theme($0.id) == nil }
            guard let first = unknown.first else { return nil }
            let message = YAMLFields.unknown("theme", unknown.map(\.id))
            return content.diagnostic(
                known.isEmpty
                    ? message + ": name it in content/themes.yaml first"
                    : message + ": content/themes.yaml has \(known.joined(separator: ", "))",
                at: first.location)
        }
    }

    /// How `text` reads, in words a leader reads without a scale: "strongly negative",
    /// "negative", "mildly positive"…, or nil when neutral. The score itself stays on the
    /// analysts' page's method: VADER's compound score, −1 to 1.
    func tone(of text: String) -> String? {
        let polarity = sentiment.polarity(of: text)
        guard abs(polarity) >= SentimentLexicon.neutralBand else { return nil }
        let strength = abs(polarity) >= 0.6 ? "strongly " : abs(polarity) < 0.3 ? "mildly " : ""
        return strength + (polarity < 0 ? "negative" : "positive")
    }

    /// The picture a story's cards show: its `image:`, or else the first picture of its text
    /// that the output holds; with the text's words for it when the text shows it (a card's
    /// picture repeats what its title says otherwise, and is marked decorative).
    func cardImage(of story: Story) -> (path: String, alt: String, size: ImageSize)? {
        let pictures = story.body.pictures.compactMap { picture -> (path: String, alt: String)? in
            guard let path = LinkChecker.resolve(picture.source, from: story.route.path), images[path] != nil else { return nil }
            return (path, picture.alt)
        }
        if let image = story.image {
            guard let path = LinkChecker.resolve(image.path, from: story.route.path), let size = images[path] else { return nil }
            return (path, pictures.first { $0.path == path }?.alt ?? "", size)
        }
        return pictures.first.map { ($0.path, $0.alt, images[$0.path]!) }
    }

    /// Open loops (stories whose status is open, dated up to today), oldest first.
    var openLoops: [Story] {
        stories.filter { $0.status == .open && $0.date <= today }.sorted { ($0.date, $0.slug) < ($1.date, $1.slug) }
    }

    func stories(at touchpoint: Touchpoint) -> [Story] {
        storiesByTouchpoint[touchpoint.id] ?? []
    }

    /// How many of the stories that touched `touchpoint` are failures.
    func failures(at touchpoint: Touchpoint) -> Int {
        failuresByTouchpoint[touchpoint.id] ?? 0
    }

    /// The touchpoints a story crossed, in the inventory's order (the order customers
    /// usually meet them), whatever order the story lists them in.
    func touchpoints(of story: Story) -> [Touchpoint] {
        config.touchpoints.filter { story.touchpoints.contains($0.id) }
    }

    func stories(of journey: Journey) -> [Story] {
        storiesByJourney[journey.id] ?? []
    }

    /// The stories of a segment's customers, newest first: those whose `segment` is its name,
    /// or, for a declared segment, its id or name, in any case.
    func stories(ofSegment segment: String) -> [Story] {
        let declared = config.segments.first { $0.id == segment }
        let names = Set(([segment] + (declared.map { [$0.id, $0.name] } ?? [])).map { $0.lowercased() })
        return stories.filter { $0.segment.map { names.contains($0.lowercased()) } ?? false }
    }

    /// Stories of customers who left, in `period`: by the date they left, or the story's date.
    func leavers(in period: Period) -> [Story] {
        stories.filter { $0.left && period.contains($0.leftDate ?? $0.date) }
    }
}
