import Foundation

/// A page per touchpoint (in pages of cards when it has many stories), and its scores.
extension PageBuilder {
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
    func touchpointPages(_ touchpoint: Touchpoint) -> [Page] {
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
                inputs.combine(site.imagesHash)  // the logo's size is in the frame, a card's picture in its card
                inputs.combine(ordered.count)
                inputs.combine(cardsOf: ordered.onPage(number))
                page.inputs = inputs.finalize()
            }  // else the page is known by its model
            return page
        }
    }

    func touchpointPage(
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
            count: Count(stories.count),
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

    func touchpointsPage(root: String) -> TouchpointsPage {
        TouchpointsPage(
            touchpoints: site.config.touchpoints.map { touchpoint in
                let stories = site.stories(at: touchpoint)
                return TouchpointsPage.Row(
                    name: touchpoint.name, href: root + Routes.touchpoint(touchpoint.id).href,
                    channel: touchpoint.channel, owner: touchpoint.owner,
                    interactions: touchpoint.interactions.map(TouchpointsPage.Interaction.init),
                    hasInteractions: !touchpoint.interactions.isEmpty,
                    journeys: site.config.journeys.filter { $0.steps.contains(touchpoint.id) }.map {
                        TouchpointLink(id: $0.id, name: $0.name, href: root + Routes.journey($0.id).href)
                    },
                    scores: touchpointScores(touchpoint),
                    themes: Array(themes(at: touchpoint, root: root).prefix(3)),
                    storiesText: stories.countText, failuresText: stories.failureCount > 0 ? stories.failureCountText : nil)
            })
    }
}
