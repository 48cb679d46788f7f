import Mustache

/// One page to render: where it goes, which template renders it, and what the template reads.
struct Page: Sendable {
    /// The output path relative to the output folder, always ending in a file name.
    let path: String
    let template: String
    let data: MustacheValue
}

/// Builds the page models from the site. Models are plain values: templates only read them.
struct PageBuilder {
    let site: Site

    func pages() -> [Page] {
        var pages: [Page] = []
        if let newest = site.briefings.first {
            pages.append(briefingPage(newest, path: "index.html"))
        } else {
            pages.append(page("index.html", "home", title: site.config.title, section: "briefing", [
                "stories": .array(site.stories.prefix(6).map { storyCard($0, root: "") }),
            ]))
        }
        pages.append(page("briefings/index.html", "briefings", title: "Briefings", section: "briefings", [
            "briefings": .array(site.briefings.map { briefingSummary($0, root: "../") }),
        ]))
        pages += site.briefings.map { briefingPage($0, path: "briefings/\($0.slug)/index.html") }
        pages.append(storiesPage())
        pages += site.stories.map(storyPage)
        pages += site.config.journey.map(touchpointPage)
        pages.append(page("scorecard/index.html", "scorecard", title: "Scorecard", section: "scorecard", [
            "metrics": .array(site.scorecard.metrics.map { metricCard($0, root: "../") }),
            "hasMetrics": .bool(!site.scorecard.metrics.isEmpty),
        ]))
        return pages
    }

    // MARK: Pages

    private func briefingPage(_ briefing: Briefing, path: String) -> Page {
        let root = Self.root(of: path)
        let opening = site.openingStories[briefing.slug] ?? Site.OpeningStories(stories: [], addedFailure: false)
        let metrics = site.scorecard.metrics.compactMap { metric -> MustacheValue? in
            guard site.scorecard.point(metric.id, in: briefing.period) != nil else { return nil }
            return metricCard(metric, root: root, period: briefing.period)
        }
        let isNewest = briefing.slug == site.briefings.first?.slug
        return page(path, "briefing", title: briefing.title, section: isNewest && path == "index.html" ? "briefing" : "briefings", [
            "briefing": briefingSummary(briefing, root: root),
            "stories": .array(opening.stories.map { storyCard($0, root: root) }),
            "addedFailure": .bool(opening.addedFailure),
            "hasStories": .bool(!opening.stories.isEmpty),
            "metrics": .array(metrics),
            "hasMetrics": .bool(!metrics.isEmpty),
            "notes": .string(site.bodies[briefing.path]?.html ?? ""),
            "hasNotes": .bool(!(site.bodies[briefing.path]?.html.isEmpty ?? true)),
            "otherBriefings": .array(site.briefings.filter { $0.slug != briefing.slug }.prefix(5).map { briefingSummary($0, root: root) }),
        ])
    }

    private func storiesPage() -> Page {
        let root = "../"
        let cards = site.stories.map { storyCard($0, root: root) }
        return page("stories/index.html", "stories", title: "Customer stories", section: "stories", [
            "stories": .array(cards),
            "count": .int(site.stories.count),
            "failureCount": .int(site.stories.filter { $0.outcome == .failure }.count),
            "successCount": .int(site.stories.filter { $0.outcome == .success }.count),
            "touchpoints": .array(site.config.journey.map { touchpoint in
                [
                    "name": .string(touchpoint.name),
                    "href": .string(root + touchpointHref(touchpoint.id)),
                    "count": .int(site.stories(at: touchpoint).count),
                ]
            }),
        ])
    }

    private func storyPage(_ story: Story) -> Page {
        let path = "stories/\(story.slug)/index.html"
        let root = Self.root(of: path)
        var card = storyCard(story, root: root)
        if case .object(var members) = card {
            members["html"] = .string(site.bodies[story.path]?.html ?? "")
            members["actions"] = .array(story.actions.map { action in
                [
                    "what": .string(action.what),
                    "owner": action.owner.mustacheValue,
                    "due": .string(action.due?.longText ?? ""),
                    "done": .bool(action.done),
                ]
            })
            members["hasActions"] = .bool(!story.actions.isEmpty)
            card = .object(members)
        }
        return page(path, "story", title: story.title, section: "stories", ["story": card])
    }

    private func touchpointPage(_ touchpoint: Touchpoint) -> Page {
        let path = touchpointHref(touchpoint.id)
        let root = Self.root(of: path)
        let stories = site.stories(at: touchpoint)
        let scores = site.scorecard.metrics.compactMap { metric -> MustacheValue? in
            let points = site.scorecard.points(metric.id, .touchpoint(touchpoint.id))
            guard let latest = points.last else { return nil }
            return pointValue(metric, latest, previous: points.dropLast().last, root: root)
        }
        let index = site.config.journey.firstIndex(of: touchpoint) ?? 0
        return page(path, "touchpoint", title: touchpoint.name, section: "stories", [
            "touchpoint": [
                "id": .string(touchpoint.id),
                "name": .string(touchpoint.name),
                "step": .int(index + 1),
                "steps": .int(site.config.journey.count),
            ],
            "failures": .array(stories.filter { $0.outcome == .failure }.map { storyCard($0, root: root) }),
            "successes": .array(stories.filter { $0.outcome == .success }.map { storyCard($0, root: root) }),
            "hasStories": .bool(!stories.isEmpty),
            "scores": .array(scores),
            "hasScores": .bool(!scores.isEmpty),
            "journey": .array(site.config.journey.map {
                ["name": .string($0.name), "href": .string(root + touchpointHref($0.id)), "current": .bool($0 == touchpoint)]
            }),
        ])
    }

    // MARK: Parts

    private func page(_ path: String, _ template: String, title: String, section: String,
                      _ members: [String: MustacheValue]) -> Page {
        let root = Self.root(of: path)
        var data = members
        data["root"] = .string(root)
        data["pageTitle"] = .string(title)
        data["site"] = ["title": .string(site.config.title)]
        data["nav"] = .array([
            ("briefing", "Latest briefing", "index.html"), ("briefings", "Briefings", "briefings/index.html"),
            ("stories", "Stories", "stories/index.html"), ("scorecard", "Scorecard", "scorecard/index.html"),
        ].map { id, label, href in
            ["label": .string(label), "href": .string(root + href), "current": .bool(id == section)]
        })
        return Page(path: path, template: template, data: .object(data))
    }

    private func briefingSummary(_ briefing: Briefing, root: String) -> MustacheValue {
        [
            "slug": .string(briefing.slug),
            "title": .string(Typography.smarten(briefing.title)),
            "date": .string(briefing.date.description),
            "dateText": .string(briefing.date.longText),
            "period": .string(briefing.period.description),
            "periodLabel": .string(briefing.period.label),
            "href": .string(root + "briefings/\(Slug.href(briefing.slug))/index.html"),
        ]
    }

    func storyCard(_ story: Story, root: String) -> MustacheValue {
        [
            "slug": .string(story.slug),
            "href": .string(root + "stories/\(Slug.href(story.slug))/index.html"),
            "title": .string(Typography.smarten(story.title)),
            "date": .string(story.date.description),
            "dateText": .string(story.date.longText),
            "outcome": .string(story.outcome.rawValue),
            "isFailure": .bool(story.outcome == .failure),
            "outcomeLabel": .string(story.outcome == .failure ? "Failure" : "Success"),
            "customer": story.customer.mustacheValue,
            "segment": story.segment.map { .string(Typography.label($0)) } ?? .null,
            "score": story.score.map(MustacheValue.int) ?? .null,
            "scoreClass": .string(story.score.map { $0 >= 9 ? "promoter" : $0 >= 7 ? "passive" : "detractor" } ?? ""),
            "quote": story.quote.map { .string(Typography.smarten($0)) } ?? .null,
            "summary": .string(site.bodies[story.path]?.summary ?? ""),
            "tags": .array(story.tags.map(MustacheValue.string)),
            "owner": story.owner.mustacheValue,
            "status": story.status.map { .string($0.rawValue) } ?? .null,
            "isOpen": .bool(story.status == .open),
            "loop": story.loop.map { .string($0.rawValue) } ?? .null,
            "draft": .bool(story.draft),
            "touchpoints": .array(story.touchpoints.compactMap(site.config.touchpoint).map {
                ["id": .string($0.id), "name": .string($0.name), "href": .string(root + touchpointHref($0.id))]
            }),
            "crossesTouchpoints": .bool(story.touchpoints.count > 1),
        ]
    }

    /// A metric's card: its latest value (or its value in `period`) with the change since the
    /// period before, the target, and the history.
    private func metricCard(_ metric: MetricDefinition, root: String, period: Period? = nil) -> MustacheValue {
        let points = site.scorecard.points(metric.id)
        let shown = period.flatMap { period in points.lastIndex { $0.period == period } } ?? points.count - 1
        let previous = shown > 0 ? points[shown - 1] : nil
        guard case .object(var card) = pointValue(metric, points[shown], previous: previous, root: root) else { return .null }
        card["name"] = .string(metric.name)
        card["id"] = .string(metric.id)
        card["history"] = .array(points[...shown].suffix(8).map { point in
            ["period": .string(point.period.label), "valueText": .string(metric.format(point.value)),
             "n": point.n.map(MustacheValue.int) ?? .null]
        })
        card["touchpoints"] = .array(site.config.journey.compactMap { touchpoint in
            guard let point = site.scorecard.point(metric.id, .touchpoint(touchpoint.id), in: points[shown].period) else { return nil }
            return ["name": .string(touchpoint.name), "href": .string(root + touchpointHref(touchpoint.id)),
                    "valueText": .string(metric.format(point.value)), "n": point.n.map(MustacheValue.int) ?? .null]
        })
        card["segments"] = .array(site.scorecard.segments(of: metric.id).compactMap { segment in
            guard let point = site.scorecard.point(metric.id, .segment(segment), in: points[shown].period) else { return nil }
            return ["name": .string(Typography.label(segment)), "valueText": .string(metric.format(point.value)),
                    "n": point.n.map(MustacheValue.int) ?? .null]
        })
        return .object(card)
    }

    private func pointValue(_ metric: MetricDefinition, _ point: Scorecard.Point, previous: Scorecard.Point?,
                            root: String) -> MustacheValue {
        var value: [String: MustacheValue] = [
            "name": .string(metric.name),
            "period": .string(point.period.label),
            "valueText": .string(metric.format(point.value)),
            "n": point.n.map(MustacheValue.int) ?? .null,
        ]
        if let previous, previous.period == point.period.previous {
            let delta = point.value - previous.value
            let improved = metric.higherIsBetter ? delta > 0 : delta < 0
            value["change"] = [
                "previousText": .string(metric.format(previous.value)),
                "previousPeriod": .string(previous.period.label),
                "deltaText": .string(metric.formatDelta(delta)),
                "arrow": .string(delta > 0 ? "↑" : delta < 0 ? "↓" : "→"),
                "direction": .string(delta == 0 ? "flat" : improved ? "better" : "worse"),
            ]
        }
        if let target = point.target {
            let met = metric.meets(point.value, target: target)
            value["target"] = ["text": .string(metric.format(target)), "met": .bool(met)]
        }
        return .object(value)
    }

    private func touchpointHref(_ id: String) -> String {
        "touchpoints/\(Slug.href(id))/index.html"
    }

    /// The relative path from a page back to the site root: `""`, `"../"`, `"../../"`.
    static func root(of path: String) -> String {
        String(repeating: "../", count: path.split(separator: "/").count - 1)
    }
}
