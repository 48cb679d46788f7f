/// Journeys: their list, a page per journey with where failures start, and the scores by level.
extension PageBuilder {
    /// "73 points", "1 point", "−1 point"; `unit` "percentage point" where the gap is
    /// between two percentages and said in a sentence.
    static func points(_ gap: Double, unit: String = "point") -> String {
        let rounded = NumberText.decimal(gap, decimals: 0)
        return "\(rounded) \(unit)\(rounded == "1" || rounded == "−1" ? "" : "s")"
    }

    func journeysPage(root: String) -> JourneysPage {
        let journeys = site.config.journeys.map { journey in
            let stories = site.stories(of: journey)
            return JourneysPage.Summary(
                name: journey.name, href: root + Routes.journey(journey.id).href,
                score: journeyScore(journey),
                steps: journey.steps.compactMap(site.config.touchpoint).map {
                    TouchpointLink(id: $0.id, name: $0.name, href: root + Routes.touchpoint($0.id).href)
                },
                storiesText: stories.countText, failuresText: stories.failureCountText,
                failureStart: failureStart(journey, stories: stories, root: root))
        }
        return JourneysPage(journeys: journeys, hasJourneys: !journeys.isEmpty, levels: levels(root: root))
    }

    /// The journey's own NPS, latest complete period: from responses that name it.
    private func journeyScore(_ journey: Journey) -> PointValue? {
        let nps = site.config.metric(SurveyMetric.nps.rawValue) ?? MetricDefinition.builtIn[0]
        return site.scorecard.latest(nps.id, .journey(journey.id)).map { pointValue(nps, $0, .journey(journey.id)) }
    }

    /// The step where most of the journey's failures first went wrong: the earliest of the
    /// journey's steps each failure touched, counted; on a tie, the earlier step.
    private func failureStart(_ journey: Journey, stories: [Story], root: String) -> JourneyPage.FailureStart? {
        var starts = Array(repeating: 0, count: journey.steps.count)
        var failures = 0
        for story in stories where story.outcome == .failure {
            guard let first = journey.steps.firstIndex(where: story.touchpoints.contains) else { continue }
            starts[first] += 1
            failures += 1
        }
        guard failures > 0, let most = starts.indices.max(by: { (starts[$0], $1) < (starts[$1], $0) }),
            let touchpoint = site.config.touchpoint(journey.steps[most])
        else { return nil }
        return JourneyPage.FailureStart(
            step: touchpoint.name, href: root + Routes.touchpoint(touchpoint.id).href,
            count: Count(starts[most]), of: failures)
    }

    func journeyPage(_ journey: Journey, root: String) -> JourneyPage {
        let steps = journey.steps.compactMap(site.config.touchpoint)
        let stories = site.stories(of: journey)
        let stepViews = steps.map { touchpoint in
            let here = stories.filter { $0.touchpoints.contains(touchpoint.id) }
            let headline = site.scorecard.metrics.lazy.compactMap { metric -> PointValue? in
                self.site.scorecard.latest(metric.id, .touchpoint(touchpoint.id)).map {
                    self.pointValue(metric, $0, .touchpoint(touchpoint.id))
                }
            }.first
            return JourneyPage.Step(
                name: touchpoint.name,
                href: root + Routes.touchpoint(touchpoint.id).href,
                score: headline,
                successText: NumberText.counted(here.count { $0.outcome == .success }, "success", "successes"),
                failureText: here.failureCountText,
                stories: here.prefix(JourneyPage.storiesPerStep).map { StoryLink($0, root: root) },
                moreStories: here.count > JourneyPage.storiesPerStep ? here.count - JourneyPage.storiesPerStep : nil)
        }
        let compounding = stories.filter { $0.outcome == .failure && $0.touchpoints.count > 1 }
        return JourneyPage(
            name: journey.name,
            score: journeyScore(journey),
            failureStart: failureStart(journey, stories: stories, root: root),
            steps: stepViews,
            stepNames: steps.map { JourneyPage.StepName(name: $0.name) },
            compounding: compounding.prefix(JourneyPage.compoundingShown).map { story in
                let indices = story.touchpoints.compactMap { id in steps.firstIndex { $0.id == id } }
                let first = indices.min() ?? 0
                let last = indices.max() ?? 0
                return JourneyPage.CompoundingFailure(
                    title: Typography.smarten(story.title),
                    href: root + story.route.href,
                    dateText: story.date.longText,
                    isOpen: story.status == .open,
                    cells: steps.indices.map { index in
                        let touched = indices.contains(index)
                        let state =
                            !(first...last).contains(index)
                            ? "outside"
                            : !touched
                                ? "between"
                                : first == last ? "only" : index == first ? "first" : index == last ? "last" : "touched"
                        return JourneyPage.Cell(state: state, touched: touched, step: steps[index].name)
                    })
            },
            hasCompounding: !compounding.isEmpty,
            moreCompounding: compounding.count > JourneyPage.compoundingShown ? compounding.count - JourneyPage.compoundingShown : nil,
            otherJourneys: otherJourneys(than: journey).map {
                TouchpointLink(id: $0.id, name: $0.name, href: root + Routes.journey($0.id).href)
            },
            moreJourneys: site.config.journeys.count - 1 > JourneyPage.otherJourneysShown
                ? site.config.journeys.count - 1 - JourneyPage.otherJourneysShown : nil,
            journeysHref: root + Routes.journeys.href)
    }

    /// The journeys other than `journey`, in the order of `cxsite.yaml`; when there are more
    /// than a page shows, the ones that follow it (wrapping round to the first).
    private func otherJourneys(than journey: Journey) -> [Journey] {
        let all = site.config.journeys
        guard all.count - 1 > JourneyPage.otherJourneysShown, let position = all.firstIndex(of: journey) else {
            return all.filter { $0.id != journey.id }
        }
        return (1...JourneyPage.otherJourneysShown).map { all[(position + $0) % all.count] }
    }

    /// Each survey metric answered at more than one level, at the three levels in its latest
    /// complete period.
    func levels(root: String) -> [LevelsPart] {
        site.scorecard.metrics.filter(\.isSurvey).compactMap { metric in
            guard let period = site.scorecard.latest(metric.id)?.period else { return nil }
            var groups: [(level: String, name: String, href: String?, group: Scorecard.Group)] =
                [("Relationship", "The relation as a whole", nil, .relationship)]
            groups += site.config.journeys.map { ("Journey", $0.name, root + Routes.journey($0.id).href, .journey($0.id)) }
            groups.append(("Transactional", "All touchpoints", root + Routes.touchpoints.href, .transactional))
            let found = groups.compactMap { entry in site.scorecard.point(metric.id, entry.group, in: period).map { (entry, $0) } }
            let rows = found.map { entry, point -> LevelsPart.Row in
                let (level, name, href, group) = entry
                let recent = site.scorecard.points(metric.id, group).filter { $0.period <= period && !$0.suppressed }
                    .suffix(Scorecard.trendPeriods)
                return LevelsPart.Row(
                    level: level, name: name, href: href, value: pointValue(metric, point, group),
                    sparkline: Charts.sparkline(
                        recent.map { datum(metric, $0, label: site.scorecard.label(of: $0.period)) },
                        title: "\(metric.name), \(name), last \(NumberText.counted(recent.count, "period", "periods"))"))
            }
            guard !rows.isEmpty else { return nil }
            let shown = found.filter { !$0.1.suppressed }.map { entry, point in datum(metric, point, label: entry.name) }
            return LevelsPart(
                id: metric.id, metricName: metric.name, periodLabel: site.scorecard.label(of: period), rows: rows,
                chart: Charts.bars(
                    shown, title: "\(metric.name) at three levels, \(site.scorecard.label(of: period))",
                    references: chartReferences(metric)))
        }
    }
}
