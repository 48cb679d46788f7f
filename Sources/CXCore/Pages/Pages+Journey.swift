/// The perception gap, the journeys, the touchpoint inventory, customers gained and lost,
/// and the closed loops.
extension PageBuilder {
    // MARK: Perception gap

    func gapPage(root: String) -> GapPage {
        guard let newest = site.perceptionRounds.first else {
            return GapPage(
                hasRound: false, round: nil, chart: nil, ratings: [], groups: [], questions: [], hasTrend: false,
                trendRounds: [], trend: [], earlierRounds: [])
        }
        let ratings = newest.ratings.sorted { ($0.gap ?? -.infinity) > ($1.gap ?? -.infinity) }
        let chart = Charts.perceptionGap(
            ratings.map { rating in
                Charts.GapRow(
                    statement: rating.statement, leadership: rating.shares[.leadership]?.percent,
                    staff: rating.shares[.staff]?.percent, customers: rating.shares[.customers]?.percent,
                    gapText: rating.gap.map(Self.points) ?? "no gap")
            }, title: "Share who agree, by group: \(newest.title)")
        let rounds = site.perceptionRounds.reversed()  // oldest first for the trend
        return GapPage(
            hasRound: true,
            round: roundSummary(newest),
            chart: chart,
            ratings: ratings.map { rating in
                GapPage.Rating(
                    statement: Typography.smarten(rating.statement),
                    gapText: rating.gap.map(Self.points) ?? "—",
                    groups: PerceptionGroup.allCases.map { group in
                        guard let share = rating.shares[group] else { return GapPage.Share(text: "—", n: nil, missing: true) }
                        return GapPage.Share(text: MetricDefinition.trimmed(share.percent, decimals: 0) + "%", n: share.n, missing: false)
                    })
            },
            groups: PerceptionGroup.allCases.map { GapPage.GroupLabel(label: $0.label) },
            questions: PerceptionQuestion.allCases.map { questionRow($0, in: newest) },
            hasTrend: site.perceptionRounds.count > 1,
            trendRounds: rounds.map { GapPage.TrendRound(title: $0.title, dateText: $0.date.longText) },
            trend: ratings.map { rating in
                var previous: Double?
                let cells = rounds.map { round -> GapPage.Cell in
                    guard let gap = round.ratings.first(where: { $0.statement == rating.statement })?.gap else {
                        return GapPage.Cell(text: "—")
                    }
                    defer { previous = gap }
                    let arrow = previous.map { gap > $0 ? " ↑" : gap < $0 ? " ↓" : "" } ?? ""
                    return GapPage.Cell(text: Self.points(gap) + arrow)
                }
                return GapPage.TrendRow(statement: Typography.smarten(rating.statement), cells: cells)
            },
            earlierRounds: site.perceptionRounds.dropFirst().map(roundSummary))
    }

    /// The four questions side by side; answers given by one group only are marked.
    private func questionRow(_ question: PerceptionQuestion, in round: PerceptionRound) -> GapPage.QuestionRow {
        func key(_ answer: String) -> String { answer.lowercased().trimmingCharacters(in: .whitespaces) }
        var groupsSaying: [String: Int] = [:]
        for group in PerceptionGroup.allCases {
            for answer in Set((round.answers[group]?[question] ?? []).map(key)) { groupsSaying[answer, default: 0] += 1 }
        }
        return GapPage.QuestionRow(
            question: question.text,
            groups: PerceptionGroup.allCases.map { group in
                var answers = round.answers[group]?[question] ?? []
                var hidden: String?
                // Staff answer about their own employer: a group too small is not anonymous. Their
                // number is known from ratings given as counts; without one it cannot be judged.
                if group == .staff, !answers.isEmpty, let respondents = round.ratings.compactMap({ $0.shares[.staff]?.n }).max() {
                    if respondents < site.config.minimumNForComments {
                        hidden =
                            "Not shown: fewer than \(site.config.minimumNForComments) staff answered (n\u{00A0}=\u{00A0}\(respondents)), too few to stay anonymous."
                        answers = []
                    }
                }
                return GapPage.GroupAnswers(
                    label: group.label,
                    answers: answers.map {
                        GapPage.Answer(
                            text: $0, only: groupsSaying[key($0)] == 1,
                            tone: site.tone(of: $0))
                    },
                    hasAnswers: !answers.isEmpty, hidden: hidden)
            })
    }

    private func roundSummary(_ round: PerceptionRound) -> RoundSummary {
        RoundSummary(title: round.title, date: round.date.description, dateText: round.date.longText)
    }

    /// The headline of the newest round on or before `date`: its largest gap.
    func gapHeadline(asOf date: Day, root: String) -> GapHeadline? {
        guard let round = site.perceptionRounds.first(where: { $0.date <= date }),
            let rating = round.ratings.filter({ $0.gap != nil }).max(by: { $0.gap! < $1.gap! })
        else { return nil }
        func share(_ group: PerceptionGroup) -> String? {
            rating.shares[group].map { MetricDefinition.trimmed($0.percent, decimals: 0) + "%" }
        }
        return GapHeadline(
            round: round.title, dateText: round.date.longText, statement: Typography.smarten(rating.statement),
            leadership: share(.leadership), staff: share(.staff), customers: share(.customers),
            gapText: Self.points(rating.gap!), href: root + Routes.gap.href)
    }

    static func points(_ gap: Double) -> String {
        let rounded = MetricDefinition.trimmed(gap, decimals: 0)
        return "\(rounded) \(rounded == "1" || rounded == "-1" ? "point" : "points")"
    }

    // MARK: Journeys

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
            count: starts[most], of: failures)
    }

    func journeyPage(_ journey: Journey, root: String) -> JourneyPage {
        let steps = journey.steps.compactMap(site.config.touchpoint)
        let stories = site.stories(of: journey)
        let stepViews = steps.map { touchpoint in
            let here = stories.filter { $0.touchpoints.contains(touchpoint.id) }
            let headline = site.scorecard.metrics.lazy.compactMap { metric -> PointValue? in
                site.scorecard.latest(metric.id, .touchpoint(touchpoint.id)).map {
                    pointValue(metric, $0, .touchpoint(touchpoint.id))
                }
            }.first
            return JourneyPage.Step(
                name: touchpoint.name,
                href: root + Routes.touchpoint(touchpoint.id).href,
                score: headline,
                successText: Typography.counted(here.count { $0.outcome == .success }, "success", "successes"),
                failureText: here.failureCountText,
                stories: here.prefix(JourneyPage.storiesPerStep).map { story in
                    JourneyPage.StoryLink(
                        title: Typography.smarten(story.title), outcome: story.outcome.rawValue,
                        href: root + story.route.href)
                },
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
                        title: "\(metric.name), \(name), last \(recent.count) periods"))
            }
            guard !rows.isEmpty else { return nil }
            let shown = found.filter { !$0.1.suppressed }.map { entry, point in datum(metric, point, label: entry.name) }
            return LevelsPart(
                id: metric.id, metricName: metric.name, periodLabel: site.scorecard.label(of: period), rows: rows,
                chart: Charts.bars(
                    shown, title: "\(metric.name) at three levels, \(site.scorecard.label(of: period))",
                    target: chartTarget(metric)))
        }
    }

    // MARK: Touchpoint inventory

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

    // MARK: Customers gained and lost

    /// "N joined, M left" in `period`, with the periods before as a chart and the stories of
    /// the customers who left; nil when the site does not count them or the period has no count.
    func customerFlow(in period: Period, root: String) throws -> CustomerFlowPart? {
        let series = site.scorecard.customerFlow.filter { $0.period <= period }
        guard let flow = series.last, flow.period == period else { return nil }
        func count(_ value: Double) -> String { MetricDefinition.grouped(value) }
        func signed(_ value: Double) -> String { (value > 0 ? "+" : "") + count(value) }
        let revenue = site.config.customers?.revenueLost.flatMap(site.config.metric)
        let leavers = site.leavers(in: period)
        let recent = series.suffix(Scorecard.trendPeriods)
        return CustomerFlowPart(
            periodLabel: site.scorecard.label(of: period),
            gainedText: count(flow.gained), lostText: count(flow.lost), netText: signed(flow.net),
            netDirection: flow.net > 0 ? "better" : flow.net < 0 ? "worse" : "flat",
            lostShareText: flow.lostShare.map {
                "\(MetricDefinition.trimmed($0, decimals: 1))% of the \(count(flow.base!)) customers at the start of the period"
            },
            revenueText: revenue.flatMap { metric in flow.revenueLost.map(metric.format) },
            chart: Charts.bars(
                recent.map { point in
                    Charts.Datum(label: site.scorecard.label(of: point.period), value: point.net, interval: nil, text: signed(point.net))
                }, title: "Customers who joined minus customers who left, by period"),
            history: recent.reversed().map { point in
                CustomerFlowPart.Row(
                    period: site.scorecard.label(of: point.period), gainedText: count(point.gained),
                    lostText: count(point.lost), netText: signed(point.net),
                    lostShareText: point.lostShare.map { MetricDefinition.trimmed($0, decimals: 1) + "%" })
            },
            leavers: try leavers.map { try storyCard($0, root: root) },
            hasLeavers: !leavers.isEmpty)
    }

    // MARK: Closed loops

    func loopsPage(root: String) -> LoopsPage {
        let loops = site.openLoops
        func grouped(_ key: (Story) -> [String]) -> [LoopsPage.LoopGroup] {
            var groups: [String: [Story]] = [:]
            var order: [String] = []
            for story in loops {
                for name in key(story) {
                    if groups[name] == nil { order.append(name) }
                    groups[name, default: []].append(story)
                }
            }
            return order.map { name in
                LoopsPage.LoopGroup(name: name, loops: groups[name]!.map { loopRow($0, asOf: site.today, root: root) })
            }
        }
        let inventoryOrder = site.config.touchpoints.map(\.id)
        return LoopsPage(
            loops: loops.map { loopRow($0, asOf: site.today, root: root) },
            countText: "\(loops.countText) still waiting",
            hasLoops: !loops.isEmpty,
            todayText: site.today.longText,
            byOwner: grouped { [$0.owner ?? "No owner"] },
            byTouchpoint: grouped { story in
                let names = inventoryOrder.filter(story.touchpoints.contains).compactMap { site.config.touchpoint($0)?.name }
                return names.isEmpty ? ["No touchpoint"] : names
            })
    }

    /// An open loop as of `date`: its age in days and what is still to do.
    func loopRow(_ story: Story, asOf date: Day, root: String) -> LoopRow {
        let age = date.daysSinceEpoch - story.date.daysSinceEpoch
        let open = story.actions.filter { !$0.done }
        let overdue = open.filter { ($0.due ?? date) < date }
        return LoopRow(
            title: Typography.smarten(story.title),
            href: root + story.route.href,
            age: age,
            ageText: age == 1 ? "1 day" : "\(age) days",
            stale: age > Site.staleLoopDays,
            owner: story.owner,
            loop: story.loop?.rawValue,
            outcome: story.outcome.rawValue,
            touchpoints: site.touchpoints(of: story).map {
                LoopRow.TouchpointName(name: $0.name, href: root + Routes.touchpoint($0.id).href)
            },
            openActions: open.count,
            overdueActions: overdue.count,
            hasOverdue: !overdue.isEmpty,
            nextAction: open.first?.what)
    }
}
