import Mustache

/// One page to render: where it goes, which template renders it, and what the template reads.
struct Page: Sendable {
    /// The output path relative to the output folder, always ending in a file name.
    let path: String
    let template: String
    private let makeData: @Sendable () -> MustacheValue

    /// What the template reads.
    var data: MustacheValue { makeData() }

    init(path: String, template: String, data: MustacheValue) {
        self.init(path: path, template: template, lazyData: { data })
    }

    /// A page whose model is built only when it renders: a site's thousands of story pages
    /// are never all held in memory at once.
    init(path: String, template: String, lazyData: @escaping @Sendable () -> MustacheValue) {
        self.path = path
        self.template = template
        self.makeData = lazyData
    }
}

/// Builds the page models from the site. Models are plain values: templates only read them.
struct PageBuilder {
    let site: Site
    /// Every story's card as seen from a page one folder down (`../`), where nearly all
    /// cards are shown (story, stories, touchpoint and journey pages): built once, on all cores.
    private var nestedCards: [String: MustacheValue] = [:]

    init(site: Site) {
        self.site = site
        let builder = self
        let cards = site.stories.concurrentMap { builder.storyCard($0, root: "../") }
        self.nestedCards = Dictionary(zip(site.stories.map(\.path), cards), uniquingKeysWith: { first, _ in first })
    }

    func pages() -> [Page] {
        var pages: [Page] = []
        if let newest = site.briefings.first {
            pages.append(briefingPage(newest, path: Routes.home.path))
        } else {
            pages.append(page(Routes.home.path, "home", title: site.config.title, section: "briefing", [
                "stories": .array(site.stories.prefix(6).map { storyCard($0, root: "") }),
            ]))
        }
        pages.append(page(Routes.briefings.path, "briefings", title: "Briefings", section: "briefings", [
            "briefings": .array(site.briefings.map { briefingSummary($0, root: "../") }),
        ]))
        pages += site.briefings.concurrentMap { briefingPage($0, path: $0.route.path) }
        pages.append(storiesPage())
        let builder = self
        pages += site.stories.map { story in
            Page(path: story.route.path, template: "story") { builder.storyPage(story).data }
        }
        pages += site.config.journey.map(touchpointPage)
        pages.append(journeyPage())
        pages.append(gapPage())
        pages.append(loopsPage())
        pages.append(notFoundPage())
        pages.append(page(Routes.scorecard.path, "scorecard", title: "Scorecard", section: "scorecard", [
            "metrics": .array(site.scorecard.metrics.map { metricCard($0, root: "../") }),
            "hasMetrics": .bool(!site.scorecard.metrics.isEmpty),
        ]))
        return pages
    }

    // MARK: Pages

    private func briefingPage(_ briefing: Briefing, path: String) -> Page {
        let root = Routes.root(of: path)
        let opening = site.openingStories[briefing.slug] ?? Site.OpeningStories(stories: [], addedFailure: false)
        let metrics = site.scorecard.metrics.compactMap { metric -> MustacheValue? in
            guard site.scorecard.point(metric.id, in: briefing.period) != nil else { return nil }
            return metricCard(metric, root: root, period: briefing.period)
        }
        let isNewest = briefing.slug == site.briefings.first?.slug
        return page(path, "briefing", title: briefing.title, section: isNewest && path == Routes.home.path ? "briefing" : "briefings", [
            "briefing": briefingSummary(briefing, root: root),
            "stories": .array(opening.stories.map { storyCard($0, root: root) }),
            "addedFailure": .bool(opening.addedFailure),
            "hasStories": .bool(!opening.stories.isEmpty),
            "metrics": .array(metrics),
            "hasMetrics": .bool(!metrics.isEmpty),
            "notes": .string(site.bodies[briefing.path]?.html ?? ""),
            "hasNotes": .bool(!(site.bodies[briefing.path]?.html.isEmpty ?? true)),
            "gap": gapHeadline(asOf: briefing.date, root: root),
            "openLoops": .array(site.openLoops.filter { $0.date <= briefing.date }.map { loopRow($0, asOf: briefing.date, root: root) }),
            "otherBriefings": .array(site.briefings.filter { $0.slug != briefing.slug }.prefix(5).map { briefingSummary($0, root: root) }),
        ])
    }

    private func storiesPage() -> Page {
        let root = "../"
        let cards = site.stories.map { storyCard($0, root: root) }
        return page(Routes.stories.path, "stories", title: "Customer stories", section: "stories", [
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
        let path = story.route.path
        let root = Routes.root(of: path)
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
            if let change = site.history.lastChange(of: story.path) {
                members["lastChange"] = ["dateText": .string(change.date.longText), "date": .string(change.date.description),
                                         "author": .string(change.author)]
            }
            card = .object(members)
        }
        return page(path, "story", title: story.title, section: "stories", ["story": card])
    }

    private func touchpointPage(_ touchpoint: Touchpoint) -> Page {
        let path = Routes.touchpoint(touchpoint.id).path
        let root = Routes.root(of: path)
        let stories = site.stories(at: touchpoint)
        let scores = site.scorecard.metrics.compactMap { metric -> MustacheValue? in
            let points = site.scorecard.points(metric.id, .touchpoint(touchpoint.id))
            guard let latest = points.last else { return nil }
            return pointValue(metric, latest, .touchpoint(touchpoint.id), root: root)
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

    /// `404.html`, which a server shows at any address: its links start at `base_url` when
    /// the site has one, at the server root otherwise.
    private func notFoundPage() -> Page {
        let page = page(Routes.notFound.path, "404", title: "Page not found", section: "", [:])
        guard case .object(var data) = page.data else { return page }
        let root = site.config.baseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "/"
        data["root"] = .string(root)
        data["nav"] = .array((data["nav"]?.arrayValue ?? []).map { item in
            guard case .object(var members) = item, case .string(let href)? = members["href"] else { return item }
            members["href"] = .string(root + href)
            return .object(members)
        })
        return Page(path: page.path, template: page.template, data: .object(data))
    }

    // MARK: Parts

    func page(_ path: String, _ template: String, title: String, section: String,
                      _ members: [String: MustacheValue]) -> Page {
        let root = Routes.root(of: path)
        var data = members
        data["root"] = .string(root)
        data["pageTitle"] = .string(title)
        data["site"] = ["title": .string(site.config.title)]
        data["nav"] = .array([
            ("briefing", "Latest briefing", Routes.home), ("briefings", "Briefings", Routes.briefings),
            ("stories", "Stories", Routes.stories), ("journey", "Journey", Routes.journey),
            ("gap", "Perception gap", Routes.gap), ("loops", "Open loops", Routes.loops),
            ("scorecard", "Scorecard", Routes.scorecard),
        ].map { id, label, route in
            ["label": .string(label), "href": .string(root + route.href), "current": .bool(id == section)]
        })
        return Page(path: path, template: template, data: .object(data))
    }

    func briefingSummary(_ briefing: Briefing, root: String) -> MustacheValue {
        [
            "slug": .string(briefing.slug),
            "title": .string(Typography.smarten(briefing.title)),
            "date": .string(briefing.date.description),
            "dateText": .string(briefing.date.longText),
            "period": .string(briefing.period.description),
            "periodLabel": .string(briefing.period.label),
            "href": .string(root + briefing.route.href),
        ]
    }

    func storyCard(_ story: Story, root: String) -> MustacheValue {
        if root == "../", let card = nestedCards[story.path] { return card }
        return [
            "slug": .string(story.slug),
            "href": .string(root + story.route.href),
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
            "hasTouchpoints": .bool(!story.touchpoints.isEmpty),
            "crossesTouchpoints": .bool(story.touchpoints.count > 1),
        ]
    }

    /// A metric's card: its latest value (or its value in `period`) with its margin of error,
    /// the change since the period before and whether it is more than noise, the target, a
    /// sparkline of the last 8 periods, the breakdowns, and the people behind the number.
    private func metricCard(_ metric: MetricDefinition, root: String, period: Period? = nil) -> MustacheValue {
        let points = site.scorecard.points(metric.id)
        let shown = period.flatMap { period in points.lastIndex { $0.period == period } } ?? points.count - 1
        let point = points[shown]
        guard case .object(var card) = pointValue(metric, point, .all, root: root) else { return .null }
        let recent = Array(points[...shown].suffix(8))
        card["id"] = .string(metric.id)
        card["sparkline"] = .string(Charts.sparkline(recent.map { datum(metric, $0, label: $0.period.label) },
                                                     title: "\(metric.name), last \(recent.count) periods"))
        card["history"] = .array(points[...shown].reversed().map { point in
            ["period": .string(point.period.label), "valueText": .string(metric.format(point.value)),
             "marginText": marginText(metric, point), "n": point.n.map(MustacheValue.int) ?? .null]
        })
        let touchpoints = site.config.journey.compactMap { touchpoint -> (Touchpoint, Scorecard.Point)? in
            site.scorecard.point(metric.id, .touchpoint(touchpoint.id), in: point.period).map { (touchpoint, $0) }
        }
        card["touchpoints"] = .array(touchpoints.map { touchpoint, value in
            let stories = site.stories(at: touchpoint)
            return ["name": .string(touchpoint.name), "href": .string(root + touchpointHref(touchpoint.id)),
                    "valueText": .string(metric.format(value.value)), "marginText": marginText(metric, value),
                    "n": value.n.map(MustacheValue.int) ?? .null,
                    "critical": value.totals.map { .int($0.critical) } ?? .null,
                    "failureCount": .int(stories.filter { $0.outcome == .failure }.count),
                    "storyCount": .int(stories.count)]
        })
        card["hasTouchpoints"] = .bool(!touchpoints.isEmpty)
        card["touchpointChart"] = .string(Charts.bars(touchpoints.map { datum(metric, $1, label: $0.name) },
                                                      title: "\(metric.name) by touchpoint, \(point.period.label)"))
        let segments = site.scorecard.segments(of: metric.id).compactMap { segment -> (String, Scorecard.Point)? in
            site.scorecard.point(metric.id, .segment(segment), in: point.period).map { (segment, $0) }
        }
        card["segments"] = .array(segments.map { segment, value in
            ["name": .string(Typography.label(segment)), "valueText": .string(metric.format(value.value)),
             "marginText": marginText(metric, value), "n": value.n.map(MustacheValue.int) ?? .null]
        })
        card["hasSegments"] = .bool(!segments.isEmpty)
        card["segmentChart"] = .string(Charts.bars(segments.map { datum(metric, $1, label: Typography.label($0)) },
                                                   title: "\(metric.name) by segment, \(point.period.label)"))
        card["behind"] = behindTheNumber(metric, point, root: root)
        return .object(card)
    }

    /// The people behind a computed number: how many pulled it down, in their own words.
    private func behindTheNumber(_ metric: MetricDefinition, _ point: Scorecard.Point, root: String) -> MustacheValue {
        guard let totals = point.totals, let survey = SurveyMetric(rawValue: metric.id) else { return .null }
        let who: String
        switch survey {
        case .nps: who = totals.critical == 1 ? "detractor (score 0–6)" : "detractors (scores 0–6)"
        case .csat: who = totals.critical == 1 ? "dissatisfied customer (1–3 of 5)" : "dissatisfied customers (1–3 of 5)"
        case .ces: who = totals.critical == 1 ? "customer who found it hard (1–3 of 7)" : "customers who found it hard (1–3 of 7)"
        }
        let share = totals.n > 0 ? Double(totals.critical) / Double(totals.n) * 100 : 0
        return [
            "critical": .int(totals.critical),
            "who": .string(who),
            "shareText": .string(MetricDefinition.trimmed(share, decimals: 0) + "%"),
            "n": .int(totals.n),
            "hasComments": .bool(!totals.recentComments.isEmpty),
            "comments": .array(totals.recentComments.map { comment in
                [
                    "text": .string(comment.text),
                    "score": .int(comment.score),
                    "dateText": .string(comment.date.longText),
                    "date": .string(comment.date.description),
                    "touchpoint": comment.touchpoint.flatMap(site.config.touchpoint).map { .string($0.name) } ?? .null,
                    "touchpointHref": comment.touchpoint.map { .string(root + touchpointHref($0)) } ?? .null,
                    "segment": comment.segment.map { .string(Typography.label($0)) } ?? .null,
                ]
            }),
        ]
    }

    func pointValue(_ metric: MetricDefinition, _ point: Scorecard.Point, _ group: Scorecard.Group,
                            root: String) -> MustacheValue {
        var value: [String: MustacheValue] = [
            "name": .string(metric.name),
            "period": .string(point.period.label),
            "valueText": .string(metric.format(point.value)),
            "marginText": marginText(metric, point),
            "n": point.n.map(MustacheValue.int) ?? .null,
        ]
        if let change = site.scorecard.change(metric.id, group, at: point) {
            let improved = metric.higherIsBetter ? change.delta > 0 : change.delta < 0
            let noise = change.isSignificant == false
            value["change"] = [
                "previousText": .string(metric.format(change.previous.value)),
                "previousPeriod": .string(change.previous.period.label),
                "deltaText": .string(metric.formatDelta(change.delta)),
                "arrow": .string(change.delta > 0 ? "↑" : change.delta < 0 ? "↓" : "→"),
                "direction": .string(noise || change.delta == 0 ? "flat" : improved ? "better" : "worse"),
                "significant": .bool(change.isSignificant == true),
                "noise": .bool(noise),
            ]
        }
        if let target = point.target {
            let met = metric.meets(point.value, target: target)
            value["target"] = ["text": .string(metric.format(target)), "met": .bool(met)]
        }
        return .object(value)
    }

    func marginText(_ metric: MetricDefinition, _ point: Scorecard.Point) -> MustacheValue {
        guard let margin = point.margin else { return .null }
        return .string("± " + MetricDefinition.trimmed(margin, decimals: metric.unit == .percent || metric.id == "nps" ? 1 : 2))
    }

    private func datum(_ metric: MetricDefinition, _ point: Scorecard.Point, label: String) -> Charts.Datum {
        let margin = marginText(metric, point)
        let text = metric.format(point.value) + (margin.interpolatedText.isEmpty ? "" : " " + margin.interpolatedText)
        return Charts.Datum(label: label, value: point.value, margin: point.margin, text: text)
    }

    func touchpointHref(_ id: String) -> String {
        Routes.touchpoint(id).href
    }
}
