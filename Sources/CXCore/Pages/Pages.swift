import Foundation
import Mustache

/// One page to render: where it goes, the template that renders it, and its model with the
/// layout's frame, built only when it renders (a site's thousands of story pages are never
/// all held in memory at once).
struct Page: Sendable {
    let route: Route
    let template: String
    /// A hash of everything the page's model is made from besides what the build cache keys
    /// on (config, theme, options), when that is cheaper to know than the model: a story's
    /// page is made from the story's file and its last change in git. A page whose inputs
    /// hash as before is kept without its model being built.
    var inputs: UInt64?
    private let makeModel: @Sendable () throws -> any Encodable

    /// The output path relative to the output folder, always ending in a file name.
    var path: String { route.path }

    /// The page at `route`; `model` gives the model with the layout's frame.
    init<Model: PageModel>(_ route: Route, model: @escaping @Sendable () throws -> MustacheMerged<Model, PageFrame>) {
        self.route = route
        template = Model.template
        makeModel = model
    }

    /// What the template reads: the model's members and the frame's, as a typed value
    /// (``MustacheValue/init(encoding:)`` makes it template data).
    func model() throws -> any Encodable { try makeModel() }
}

/// Builds every page of the site from the site: the one list of the pages there are.
struct PageBuilder {
    let site: Site
    /// Stories' cards as seen from a page one folder down (`../`), where nearly all cards are
    /// shown (story, stories and touchpoint pages): each built once, when a page first needs it.
    private let nestedCards = CardCache()
    /// The navigation of pages in the site root and one folder down, by root and section.
    private var navigation: [String: Prepared<[PageFrame.NavItem]>] = [:]

    init(site: Site) {
        self.site = site
        for root in ["", "../"] {
            for section in Section.allCases.map(Optional.some) + [nil] {
                navigation["\(root)|\(section?.rawValue ?? "")"] = try? PageFrame.navigation(root: root, section: section)
            }
        }
    }

    func pages() -> [Page] {
        let builder = self
        var pages: [Page] = []
        if let newest = site.briefings.first {
            pages.append(briefingPage(newest, route: Routes.home))
        } else {
            pages.append(
                page(Routes.home, title: site.config.title, section: .briefing) { _ in
                    HomePage(stories: try builder.site.stories.prefix(6).map { try builder.storyCard($0, root: "") })
                })
        }
        pages.append(
            page(Routes.briefings, title: "Briefings", section: .briefings) { root in
                BriefingsPage(briefings: builder.site.briefings.map { builder.briefingSummary($0, root: root) })
            })
        pages += site.briefings.map { briefingPage($0, route: $0.route) }
        let storyPages = Routes.pageCount(of: site.stories.count)
        // A page of the index is made of its stories' cards and the counts of all stories.
        var counts = StableHasher()
        counts.combine(site.stories.count)
        for touchpoint in site.config.touchpoints { counts.combine(site.stories(at: touchpoint).count) }
        counts.combine(site.failureCount)
        let countsHash = counts.finalize()
        pages += (1...storyPages).map { number in
            var page = page(
                Routes.stories(page: number), title: number == 1 ? "Customer stories" : "Customer stories, page \(number)",
                section: .stories
            ) { root in try builder.storiesPage(number, of: storyPages, root: root) }
            var inputs = StableHasher()
            inputs.combine(countsHash)
            inputs.combine(site.imagesHash)  // the logo's size is in the frame
            inputs.combine(storyPages)
            inputs.combine(cardsOf: site.stories.onPage(number))
            page.inputs = inputs.finalize()
            return page
        }
        pages += site.stories.map { story in
            var page = page(story.route, title: story.title, section: .stories) { root in try builder.storyPage(story, root: root) }
            var inputs = StableHasher()
            inputs.combine(story.sourceHash)
            inputs.combine(site.sentimentHash)
            inputs.combine(site.imagesHash)
            if let change = site.history.lastChange(of: story.path) {
                inputs.combine(change.date.description)
                inputs.combine(change.author)
            }
            page.inputs = inputs.finalize()
            return page
        }
        pages += site.config.touchpoints.flatMap(touchpointPages)
        pages.append(page(Routes.journeys, title: "Journeys", section: .journeys, journeysPage))
        pages += site.config.journeys.map { journey in
            page(Routes.journey(journey.id), title: journey.name, section: .journeys) { root in builder.journeyPage(journey, root: root) }
        }
        pages.append(page(Routes.touchpoints, title: "Touchpoints", section: .touchpoints, touchpointsPage))
        pages.append(page(Routes.gap, title: "Perception gap", section: .gap, gapPage))
        pages.append(page(Routes.loops, title: "Open loops", section: .loops, loopsPage))
        // A server shows `404.html` at any address: its links start at `base_url` when the
        // site has one, at the server root otherwise.
        let notFoundRoot = site.config.baseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "/"
        pages.append(page(Routes.notFound, title: "Page not found", section: nil, root: notFoundRoot) { _ in NotFoundPage() })
        pages.append(page(Routes.themes, title: "Themes", section: .themes, builder.themesPage))
        pages += site.themes.themes.map { theme in
            page(Routes.theme(theme.id), title: theme.name, section: .themes) { root in try builder.themePage(theme, root: root) }
        }
        pages.append(
            page(Routes.scorecard, title: "Scorecard", section: .scorecard) { root in
                let metrics = builder.site.scorecard.metrics.map { builder.metricCard($0, root: root) }
                let period = builder.site.scorecard.latest(SurveyMetric.nps.rawValue)?.period
                return ScorecardPage(
                    metrics: metrics, hasMetrics: !metrics.isEmpty, reading: builder.readingNote,
                    drivers: period.flatMap { builder.drivers(in: $0, root: root) }, levels: builder.levels(root: root),
                    printStamp: "\(builder.site.config.title) · scorecard, figures as of \(builder.site.today.longText)")
            })
        return pages
    }

    /// A page at `route` in the layout's frame; `model` is told the path back to the root.
    private func page<Model: PageModel>(
        _ route: Route, title: String, section: Section?, root: String? = nil,
        _ model: @escaping @Sendable (_ root: String) throws -> Model
    ) -> Page {
        let root = root ?? Routes.root(of: route.path)
        let nav = navigation["\(root)|\(section?.rawValue ?? "")"]
        let siteTitle = PageFrame.SiteTitle(title: site.config.title, logo: site.logo)
        return Page(route) {
            let frame = PageFrame(
                root: root, pageTitle: title, site: siteTitle,
                nav: try nav ?? PageFrame.navigation(root: root, section: section))
            return MustacheMerged(try model(Routes.root(of: route.path)), frame)
        }
    }

    // MARK: Pages

    private func briefingPage(_ briefing: Briefing, route: Route) -> Page {
        let isNewest = briefing.slug == site.briefings.first?.slug
        let builder = self
        return page(route, title: briefing.title, section: isNewest && route == Routes.home ? .briefing : .briefings) { root in
            try builder.briefingModel(briefing, root: root)
        }
    }

    private func briefingModel(_ briefing: Briefing, root: String) throws -> BriefingPage {
        let opening = site.openingStories[briefing.slug] ?? Site.OpeningStories(stories: [], addedFailure: false)
        // The customer counts have a section of their own, after the stories.
        let counts = site.config.customers.map { [$0.gained, $0.lost, $0.base, $0.revenueLost].compactMap { $0 } } ?? []
        let metrics = site.scorecard.metrics.compactMap { metric -> MetricCard? in
            guard !counts.contains(metric.id), site.scorecard.point(metric.id, in: briefing.period) != nil else { return nil }
            return metricCard(metric, root: root, period: briefing.period)
        }
        let notes = withImageSizes(briefing.body.html, on: briefing.route.path)
        let costly = costliestThemes(in: briefing.period, root: root)
        return BriefingPage(
            briefing: briefingSummary(briefing, root: root),
            stories: try opening.stories.map { try storyCard($0, root: root) },
            addedFailure: opening.addedFailure,
            hasStories: !opening.stories.isEmpty,
            metrics: metrics,
            hasMetrics: !metrics.isEmpty,
            notes: notes,
            hasNotes: !notes.isEmpty,
            gap: gapHeadline(asOf: briefing.date, root: root),
            openLoops: site.openLoops.filter { $0.date <= briefing.date }.map { loopRow($0, asOf: briefing.date, root: root) },
            otherBriefings: site.briefings.filter { $0.slug != briefing.slug }.prefix(5).map { briefingSummary($0, root: root) },
            reading: readingNote,
            drivers: drivers(in: briefing.period, root: root),
            costlyThemes: costly, hasCostlyThemes: !costly.isEmpty,
            customerFlow: try customerFlow(in: briefing.period, root: root),
            printStamp:
                "\(site.config.title) · briefing for \(briefing.period.label), \(briefing.date.longText) · figures as of \(site.today.longText)")
    }

    private func storiesPage(_ number: Int, of count: Int, root: String) throws -> StoriesPage {
        let shown = site.stories.onPage(number)
        return StoriesPage(
            stories: try shown.map { try storyCard($0, root: root) },
            summaryText: "\(Typography.counted(site.stories.count, "story", "stories")), newest first: "
                + "\(Typography.counted(site.failureCount, "failure", "failures")) and \(Typography.counted(site.successCount, "success", "successes"))",
            count: site.stories.count,
            failureCount: site.failureCount,
            successCount: site.successCount,
            touchpoints: site.config.touchpoints.map { touchpoint in
                StoriesPage.TouchpointCount(
                    name: touchpoint.name, href: root + Routes.touchpoint(touchpoint.id).href,
                    count: site.stories(at: touchpoint).count)
            },
            pagination: Pagination(page: number, of: count, showing: shown.indices, previous: "Newer", next: "Older") {
                root + Routes.stories(page: $0).href
            })
    }

    private func storyPage(_ story: Story, root: String) throws -> StoryPage {
        let change = site.history.lastChange(of: story.path)
        let details = StoryPage.StoryDetails(
            html: withImageSizes(story.body.html, on: story.route.path),
            actions: story.actions.map { action in
                StoryPage.Action(what: action.what, owner: action.owner, due: action.due?.longText ?? "", done: action.done)
            },
            hasActions: !story.actions.isEmpty,
            lastChange: change.map { StoryPage.LastChange(dateText: $0.date.longText, date: $0.date.description, author: $0.author) },
            quoteTone: story.quote.flatMap(site.tone))
        return StoryPage(story: MustacheMerged(try storyCard(story, root: root), details))
    }

    /// Each metric's latest value at `touchpoint`.
    func touchpointScores(_ touchpoint: Touchpoint) -> [PointValue] {
        site.scorecard.metrics.compactMap { metric -> PointValue? in
            site.scorecard.latest(metric.id, .touchpoint(touchpoint.id)).map {
                pointValue(metric, $0, .touchpoint(touchpoint.id))
            }
        }
    }

    /// A touchpoint's pages: its stories, failures first, a page at a time. A page is made of
    /// its stories' cards, how many stories there are, and the touchpoint's scores.
    private func touchpointPages(_ touchpoint: Touchpoint) -> [Page] {
        let builder = self
        let stories = site.stories(at: touchpoint)
        let ordered = stories.filter { $0.outcome == .failure } + stories.filter { $0.outcome != .failure }
        let pageCount = Routes.pageCount(of: ordered.count)
        // Its scores and themes are the same on every page of it.
        let scoresHash = ModelHashing.hash(touchpointScores(touchpoint)).flatMap { scores in
            ModelHashing.hash(themes(at: touchpoint, root: "")).map { themes in
                var hasher = StableHasher()
                hasher.combine(scores)
                hasher.combine(themes)
                hasher.combine(negativeText(at: touchpoint) ?? "")
                return hasher.finalize()
            }
        }
        return (1...pageCount).map { number in
            let title = number == 1 ? touchpoint.name : "\(touchpoint.name), page \(number)"
            var page = page(Routes.touchpoint(touchpoint.id, page: number), title: title, section: .touchpoints) { root in
                try builder.touchpointPage(touchpoint, stories: ordered, page: number, of: pageCount, root: root)
            }
            if let scoresHash {
                var inputs = StableHasher()
                inputs.combine(scoresHash)
                inputs.combine(site.imagesHash)  // the logo's size is in the frame
                inputs.combine(ordered.count)
                inputs.combine(cardsOf: ordered.onPage(number))
                page.inputs = inputs.finalize()
            }  // else the page is known by its model
            return page
        }
    }

    private func touchpointPage(
        _ touchpoint: Touchpoint, stories: [Story], page number: Int, of pageCount: Int,
        root: String
    ) throws -> TouchpointPage {
        let shown = stories.onPage(number)
        let scores = touchpointScores(touchpoint)
        let themesHere = themes(at: touchpoint, root: root)
        return try TouchpointPage(
            touchpoint: TouchpointPage.Step(id: touchpoint.id, name: touchpoint.name),
            failures: shown.filter { $0.outcome == .failure }.map { try storyCard($0, root: root) },
            successes: shown.filter { $0.outcome == .success }.map { try storyCard($0, root: root) },
            hasStories: !shown.isEmpty,
            count: stories.count,
            pagination: Pagination(page: number, of: pageCount, showing: shown.indices) {
                root + Routes.touchpoint(touchpoint.id, page: $0).href
            },
            scores: scores,
            hasScores: !scores.isEmpty,
            themes: themesHere, hasThemes: !themesHere.isEmpty, negativeText: negativeText(at: touchpoint),
            channel: touchpoint.channel, owner: touchpoint.owner,
            interactions: touchpoint.interactions.map(TouchpointsPage.Interaction.init),
            hasInteractions: !touchpoint.interactions.isEmpty,
            journeys: site.config.journeys.compactMap { journey in
                guard let step = journey.steps.firstIndex(of: touchpoint.id) else { return nil }
                return TouchpointPage.JourneyPlace(
                    name: journey.name, href: root + Routes.journey(journey.id).href, step: step + 1,
                    steps: journey.steps.compactMap(site.config.touchpoint).map {
                        TouchpointPage.JourneyLink(name: $0.name, href: root + Routes.touchpoint($0.id).href, current: $0 == touchpoint)
                    })
            })
    }

    // MARK: Parts

    /// `html` with each `<img>` whose picture the output holds given its width and height,
    /// so the page does not jump while it loads.
    func withImageSizes(_ html: String, on page: String) -> String {
        guard !site.images.isEmpty, html.contains("<img src=\"") else { return html }
        var result = ""
        var rest = Substring(html)
        while let tag = rest.range(of: "<img src=\"") {
            result += rest[..<tag.upperBound]
            rest = rest[tag.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let source = String(rest[..<end])
            result += source + "\""
            rest = rest[rest.index(after: end)...]
            let decoded = source.replacingOccurrences(of: "&amp;", with: "&")
            if let path = LinkChecker.resolve(decoded, from: page), let size = site.images[path] {
                result += " width=\"\(size.width)\" height=\"\(size.height)\""
            }
        }
        return result + rest
    }

    /// The key drivers of `period`, when it has any.
    func drivers(in period: Period, root: String) -> DriversPart? {
        let drivers = site.scorecard.drivers(in: period)
        guard !drivers.isEmpty else { return nil }
        func measure(_ metric: SurveyMetric) -> String { metric == .csat ? "CSAT" : "CES" }
        func name(_ driver: Scorecard.Driver) -> String { site.config.touchpoint(driver.touchpoint)?.name ?? driver.touchpoint }
        func decimals(_ value: Double) -> String { String(format: "%.2f", value) }
        return DriversPart(
            periodLabel: site.scorecard.label(of: period),
            rows: drivers.map { driver in
                DriversPart.Row(
                    touchpoint: name(driver), touchpointHref: root + Routes.touchpoint(driver.touchpoint).href,
                    measure: measure(driver.metric), rText: decimals(driver.correlation.r),
                    intervalText: "\(decimals(driver.correlation.low)) to \(decimals(driver.correlation.high))",
                    n: driver.correlation.n, significant: driver.correlation.isSignificant)
            },
            chart: Charts.bars(
                drivers.map { driver in
                    Charts.Datum(
                        label: "\(name(driver)) \(measure(driver.metric))", value: driver.correlation.r,
                        interval: driver.correlation.low...driver.correlation.high,
                        text: "r = \(decimals(driver.correlation.r))\(driver.correlation.isSignificant ? "" : " (n.s.)")")
                }, title: "What drives NPS, \(site.scorecard.label(of: period)): correlation with the same people's NPS"))
    }

    var readingNote: ReadingNote {
        ReadingNote(
            minimumN: site.config.minimumN, falseDiscoveryRate: Int(Scorecard.falseDiscoveryRate * 100),
            trendPeriods: Scorecard.trendPeriods)
    }

    func briefingSummary(_ briefing: Briefing, root: String) -> BriefingSummary {
        BriefingSummary(
            slug: briefing.slug, title: Typography.smarten(briefing.title), date: briefing.date.description,
            dateText: briefing.date.longText, period: briefing.period.description,
            periodLabel: briefing.period.label, href: root + briefing.route.href)
    }

    /// A story's card as seen from a page `root` away from the site root.
    func storyCard(_ story: Story, root: String) throws -> EncodedCard {
        if root == "../" {
            if let card = nestedCards[story.path] { return card }
            let card = try EncodedCard(cardModel(story, root: root))
            nestedCards[story.path] = card
            return card
        }
        return try EncodedCard(cardModel(story, root: root))
    }

    private func cardModel(_ story: Story, root: String) -> StoryCard {
        StoryCard(
            slug: story.slug,
            href: root + story.route.href,
            title: Typography.smarten(story.title),
            date: story.date.description,
            dateText: story.date.longText,
            outcome: story.outcome.rawValue,
            isFailure: story.outcome == .failure,
            outcomeLabel: story.outcome == .failure ? "Failure" : "Success",
            customer: story.customer,
            segment: story.segment.map(Typography.label),
            score: story.score,
            scoreClass: story.score.map { NPSBand(score: $0).rawValue } ?? "",
            quote: story.quote.map(Typography.smarten),
            summary: story.body.summary,
            tags: story.tags,
            owner: story.owner,
            status: story.status?.rawValue,
            isOpen: story.status == .open,
            loop: story.loop?.rawValue,
            draft: story.draft,
            touchpoints: site.touchpoints(of: story).map {
                TouchpointLink(id: $0.id, name: $0.name, href: root + Routes.touchpoint($0.id).href)
            },
            hasTouchpoints: !story.touchpoints.isEmpty,
            crossesTouchpoints: story.touchpoints.count > 1)
    }

    /// A metric's card: its latest value (or its value in `period`) with its margin of error,
    /// the change since the period before and whether it is more than noise, the target, a
    /// sparkline of the last 8 periods, the breakdowns, and the people behind the number.
    private func metricCard(_ metric: MetricDefinition, root: String, period: Period? = nil) -> MetricCard {
        let scorecard = site.scorecard
        let points = scorecard.points(metric.id)
        let latest = scorecard.latest(metric.id).flatMap { latest in points.lastIndex { $0.period == latest.period } }
        let shown = period.flatMap { period in points.lastIndex { $0.period == period } } ?? latest ?? points.count - 1
        let point = points[shown]
        // The sparkline shows the partial period after the one shown, marked "so far".
        let through =
            points.index(after: shown) < points.count && points[points.index(after: shown)].period == scorecard.partial?.period
            ? points.index(after: shown) : shown
        let recent = Array(points[...through].filter { !$0.suppressed }.suffix(Scorecard.trendPeriods))
        let touchpoints = site.config.touchpoints.compactMap { touchpoint -> (Touchpoint, Scorecard.Point)? in
            site.scorecard.point(metric.id, .touchpoint(touchpoint.id), in: point.period).map { (touchpoint, $0) }
        }
        let segments = site.scorecard.segments(of: metric.id).compactMap { segment -> (String, Scorecard.Point)? in
            site.scorecard.point(metric.id, .segment(segment), in: point.period).map { (segment, $0) }
        }
        let details = MetricDetails(
            id: metric.id,
            sparkline: Charts.sparkline(
                recent.map { datum(metric, $0, label: scorecard.label(of: $0.period)) },
                title: "\(metric.name), last \(recent.count) periods",
                lastIsPartial: recent.last.map { $0.period == scorecard.partial?.period } ?? false),
            history: points[...through].reversed().map { point in
                MetricDetails.HistoryRow(
                    period: scorecard.label(of: point.period), valueText: valueText(metric, point),
                    marginText: marginText(metric, point), n: point.n)
            },
            touchpoints: touchpoints.map { touchpoint, value in
                let stories = site.stories(at: touchpoint)
                return MetricDetails.TouchpointValue(
                    name: touchpoint.name, href: root + Routes.touchpoint(touchpoint.id).href,
                    valueText: valueText(metric, value), marginText: marginText(metric, value), n: value.n,
                    critical: value.totals.flatMap { $0.countsKnown ? $0.critical : nil }, storiesText: stories.countText,
                    failuresText: stories.failureCount > 0 ? stories.failureCountText : nil)
            },
            hasTouchpoints: !touchpoints.isEmpty,
            touchpointChart: Charts.bars(
                touchpoints.filter { !$1.suppressed }.map { datum(metric, $1, label: $0.name) },
                title: "\(metric.name) by touchpoint, \(scorecard.label(of: point.period))",
                target: chartTarget(metric)),
            segments: segments.map { segment, value in
                MetricDetails.SegmentValue(
                    name: Typography.label(segment), valueText: valueText(metric, value),
                    marginText: marginText(metric, value), n: value.n)
            },
            hasSegments: !segments.isEmpty,
            segmentChart: Charts.bars(
                segments.filter { !$1.suppressed }.map { datum(metric, $1, label: Typography.label($0)) },
                title: "\(metric.name) by segment, \(scorecard.label(of: point.period))",
                target: chartTarget(metric)),
            behind: behindTheNumber(metric, point, root: root))
        return MetricCard(pointValue(metric, point, .all), details)
    }

    private func behindTheNumber(_ metric: MetricDefinition, _ point: Scorecard.Point, root: String) -> BehindTheNumber? {
        guard let totals = point.totals, totals.countsKnown, let survey = SurveyMetric(rawValue: metric.id) else { return nil }
        let who: String
        switch survey {
        case .nps: who = totals.critical == 1 ? "detractor (score 0–6)" : "detractors (scores 0–6)"
        case .csat: who = totals.critical == 1 ? "dissatisfied customer (1–3 of 5)" : "dissatisfied customers (1–3 of 5)"
        case .ces: who = totals.critical == 1 ? "customer who found it hard (1–3 of 7)" : "customers who found it hard (1–3 of 7)"
        }
        let share = totals.n > 0 ? Double(totals.critical) / Double(totals.n) * 100 : 0
        // A group too small to keep its people anonymous shows no comments.
        let comments = totals.n < site.config.minimumNForComments ? [] : totals.recentComments
        return BehindTheNumber(
            critical: totals.critical,
            who: who,
            shareText: MetricDefinition.trimmed(share, decimals: 0) + "%",
            n: totals.n,
            hasComments: !comments.isEmpty,
            comments: comments.map { comment in
                BehindTheNumber.Comment(
                    text: comment.text, score: comment.score, dateText: comment.date.longText, date: comment.date.description,
                    touchpoint: comment.touchpoint.flatMap(site.config.touchpoint)?.name,
                    touchpointHref: comment.touchpoint.map { root + Routes.touchpoint($0).href },
                    segment: comment.segment.map(Typography.label))
            })
    }

    func pointValue(_ metric: MetricDefinition, _ point: Scorecard.Point, _ group: Scorecard.Group) -> PointValue {
        let scorecard = site.scorecard
        let change = scorecard.change(metric.id, group, at: point).map { change in
            let improved = metric.higherIsBetter ? change.delta > 0 : change.delta < 0
            let noise = change.isSignificant == false
            return PointValue.Change(
                previousText: metric.format(change.previous.value),
                previousPeriod: change.previous.period.label,
                deltaText: metric.formatDelta(change.delta),
                arrow: change.delta > 0 ? "↑" : change.delta < 0 ? "↓" : "→",
                direction: noise || change.delta == 0 ? "flat" : improved ? "better" : "worse",
                significant: change.isSignificant == true,
                noise: noise)
        }
        let trend =
            point.suppressed
            ? nil
            : scorecard.trend(metric.id, group, through: point).map { trend in
                let words =
                    switch trend.direction {
                    case .rising: "Rising"
                    case .falling: "Falling"
                    case .none: "No clear trend"
                    }
                return PointValue.Trend(direction: trend.direction.rawValue, text: "\(words) over the last \(trend.periods) periods")
            }
        return PointValue(
            name: metric.name, period: scorecard.label(of: point.period), valueText: valueText(metric, point),
            marginText: marginText(metric, point), n: point.n,
            effectiveN: point.effectiveN.map { MetricDefinition.trimmed($0, decimals: 0) }, suppressed: point.suppressed,
            partial: point.period == scorecard.partial?.period, change: change, trend: trend,
            target: point.suppressed
                ? nil
                : point.target.map {
                    PointValue.Target(text: metric.format($0), met: metric.meets(point.value, target: $0))
                })
    }

    /// The value as shown: "too few responses (n = 12)" for a group below `min_n`.
    func valueText(_ metric: MetricDefinition, _ point: Scorecard.Point) -> String {
        point.suppressed ? "too few responses (n\u{00A0}=\u{00A0}\(point.n ?? 0))" : metric.format(point.value)
    }

    /// Half the 95% interval, `± 3.2`; none for a group below `min_n`.
    func marginText(_ metric: MetricDefinition, _ point: Scorecard.Point) -> String? {
        guard !point.suppressed else { return nil }
        return point.margin.map { "± " + MetricDefinition.trimmed($0, decimals: metric.unit == .percent || metric.id == "nps" ? 1 : 2) }
    }

    func datum(_ metric: MetricDefinition, _ point: Scorecard.Point, label: String) -> Charts.Datum {
        let text = metric.format(point.value) + (marginText(metric, point).map { " " + $0 } ?? "")
        let missesTarget =
            metric.target.flatMap { target in
                point.interval.map { metric.higherIsBetter ? $0.upperBound < target : $0.lowerBound > target }
            } ?? false
        return Charts.Datum(label: label, value: point.value, interval: point.interval, text: text, missesTarget: missesTarget)
    }

    /// A metric's target as a chart draws it, when it has one.
    func chartTarget(_ metric: MetricDefinition) -> (value: Double, text: String)? {
        metric.target.map { ($0, metric.format($0)) }
    }
}

/// Cards built once and shared by the pages that show them, on any thread.
final class CardCache: @unchecked Sendable {
    private let lock = NSLock()
    private var cards: [String: EncodedCard] = [:]

    subscript(path: String) -> EncodedCard? {
        get { lock.withLock { cards[path] } }
        set { lock.withLock { cards[path] = newValue } }
    }
}

extension Array where Element == Story {
    /// "1 story", "5 stories".
    var countText: String { Typography.counted(count, "story", "stories") }
    var failureCount: Int { count { $0.outcome == .failure } }
    /// "1 failure", "0 failures".
    var failureCountText: String { Typography.counted(failureCount, "failure", "failures") }

    /// The stories page `number` (from 1) of a list shows, ``Routes/storiesPerPage`` a page.
    func onPage(_ number: Int) -> ArraySlice<Story> {
        let start = Swift.min((number - 1) * Routes.storiesPerPage, count)
        return self[start..<Swift.min(start + Routes.storiesPerPage, count)]
    }
}

extension StableHasher {
    /// What the cards of `stories` are made from, given the config: each story's file, and
    /// its path (a renamed story's card links elsewhere).
    mutating func combine(cardsOf stories: some Sequence<Story>) {
        for story in stories {
            combine(story.sourceHash)
            combine(story.path)
        }
    }
}
