/// The perception gap, the journey map and the closed loops.
extension PageBuilder {
    // MARK: Perception gap

    func gapPage(root: String) -> GapPage {
        guard let newest = site.perceptionRounds.first else {
            return GapPage(hasRound: false, round: nil, chart: nil, ratings: [], groups: [], questions: [], hasTrend: false,
                           trendRounds: [], trend: [], earlierRounds: [])
        }
        let ratings = newest.ratings.sorted { ($0.gap ?? -.infinity) > ($1.gap ?? -.infinity) }
        let chart = Charts.perceptionGap(ratings.map { rating in
            Charts.GapRow(statement: rating.statement, leadership: rating.shares[.leadership]?.percent,
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
        return GapPage.QuestionRow(question: question.text, groups: PerceptionGroup.allCases.map { group in
            var answers = round.answers[group]?[question] ?? []
            var hidden: String?
            // Staff answer about their own employer: a group too small is not anonymous. Their
            // number is known from ratings given as counts; without one it cannot be judged.
            if group == .staff, !answers.isEmpty, let respondents = round.ratings.compactMap({ $0.shares[.staff]?.n }).max() {
                if respondents < site.config.minimumNForComments {
                    hidden = "Not shown: fewer than \(site.config.minimumNForComments) staff answered (n = \(respondents)), too few to stay anonymous."
                    answers = []
                }
            }
            return GapPage.GroupAnswers(label: group.label,
                                        answers: answers.map { GapPage.Answer(text: $0, only: groupsSaying[key($0)] == 1,
                                                                              tone: site.tone(of: $0)) },
                                        hasAnswers: !answers.isEmpty, hidden: hidden)
        })
    }

    private func roundSummary(_ round: PerceptionRound) -> RoundSummary {
        RoundSummary(title: round.title, date: round.date.description, dateText: round.date.longText)
    }

    /// The headline of the newest round on or before `date`: its largest gap.
    func gapHeadline(asOf date: Day, root: String) -> GapHeadline? {
        guard let round = site.perceptionRounds.first(where: { $0.date <= date }),
              let rating = round.ratings.filter({ $0.gap != nil }).max(by: { $0.gap! < $1.gap! }) else { return nil }
        func share(_ group: PerceptionGroup) -> String? {
            rating.shares[group].map { MetricDefinition.trimmed($0.percent, decimals: 0) + "%" }
        }
        return GapHeadline(round: round.title, dateText: round.date.longText, statement: Typography.smarten(rating.statement),
                           leadership: share(.leadership), staff: share(.staff), customers: share(.customers),
                           gapText: Self.points(rating.gap!), href: root + Routes.gap.href)
    }

    static func points(_ gap: Double) -> String {
        let rounded = MetricDefinition.trimmed(gap, decimals: 0)
        return "\(rounded) \(rounded == "1" || rounded == "-1" ? "point" : "points")"
    }

    // MARK: Journey

    func journeyPage(root: String) -> JourneyPage {
        let journey = site.config.journey
        let steps = journey.map { touchpoint in
            let stories = site.stories(at: touchpoint)
            let headline = site.scorecard.metrics.lazy.compactMap { metric -> PointValue? in
                site.scorecard.latest(metric.id, .touchpoint(touchpoint.id)).map {
                    pointValue(metric, $0, .touchpoint(touchpoint.id))
                }
            }.first
            return JourneyPage.Step(
                name: touchpoint.name,
                href: root + Routes.touchpoint(touchpoint.id).href,
                score: headline,
                successCount: stories.count { $0.outcome == .success },
                failureCount: stories.count { $0.outcome == .failure },
                stories: stories.prefix(JourneyPage.storiesPerStep).map { story in
                    JourneyPage.StoryLink(title: Typography.smarten(story.title), outcome: story.outcome.rawValue,
                                          href: root + story.route.href)
                },
                moreStories: stories.count > JourneyPage.storiesPerStep ? stories.count - JourneyPage.storiesPerStep : nil)
        }
        let compounding = site.stories.filter { $0.outcome == .failure && $0.touchpoints.count > 1 }
        return JourneyPage(
            steps: steps,
            stepNames: journey.map { JourneyPage.StepName(name: $0.name) },
            compounding: compounding.prefix(JourneyPage.compoundingShown).map { story in
                let indices = story.touchpoints.compactMap { id in journey.firstIndex { $0.id == id } }
                let first = indices.min() ?? 0, last = indices.max() ?? 0
                return JourneyPage.CompoundingFailure(
                    title: Typography.smarten(story.title),
                    href: root + story.route.href,
                    dateText: story.date.longText,
                    isOpen: story.status == .open,
                    cells: journey.indices.map { index in
                        let touched = indices.contains(index)
                        let state = !(first...last).contains(index) ? "outside" : !touched ? "between"
                            : first == last ? "only" : index == first ? "first" : index == last ? "last" : "touched"
                        return JourneyPage.Cell(state: state, touched: touched, step: journey[index].name)
                    })
            },
            hasCompounding: !compounding.isEmpty,
            moreCompounding: compounding.count > JourneyPage.compoundingShown ? compounding.count - JourneyPage.compoundingShown : nil)
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
        let journeyOrder = site.config.journey.map(\.id)
        return LoopsPage(
            loops: loops.map { loopRow($0, asOf: site.today, root: root) },
            count: loops.count,
            hasLoops: !loops.isEmpty,
            todayText: site.today.longText,
            byOwner: grouped { [$0.owner ?? "No owner"] },
            byTouchpoint: grouped { story in
                let names = journeyOrder.filter(story.touchpoints.contains).compactMap { site.config.touchpoint($0)?.name }
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
            touchpoints: story.touchpoints.compactMap(site.config.touchpoint).map {
                LoopRow.TouchpointName(name: $0.name, href: root + Routes.touchpoint($0.id).href)
            },
            openActions: open.count,
            overdueActions: overdue.count,
            hasOverdue: !overdue.isEmpty,
            nextAction: open.first?.what)
    }
}
