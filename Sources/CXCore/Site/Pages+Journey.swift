import Mustache

/// The perception gap, the journey map and the closed loops.
extension PageBuilder {
    // MARK: Perception gap

    func gapPage() -> Page {
        guard let newest = site.perceptionRounds.first else {
            return page(Routes.gap.path, "gap", title: "Perception gap", section: "gap", ["hasRound": false])
        }
        let ratings = newest.ratings.sorted { ($0.gap ?? -.infinity) > ($1.gap ?? -.infinity) }
        let chart = Charts.perceptionGap(ratings.map { rating in
            Charts.GapRow(statement: rating.statement, leadership: rating.shares[.leadership]?.percent,
                          staff: rating.shares[.staff]?.percent, customers: rating.shares[.customers]?.percent,
                          gapText: rating.gap.map(Self.points) ?? "no gap")
        }, title: "Share who agree, by group: \(newest.title)")
        let rounds = site.perceptionRounds.reversed()  // oldest first for the trend
        return page(Routes.gap.path, "gap", title: "Perception gap", section: "gap", [
            "hasRound": true,
            "round": roundSummary(newest),
            "chart": .string(chart),
            "ratings": .array(ratings.map { rating in
                [
                    "statement": .string(Typography.smarten(rating.statement)),
                    "gapText": .string(rating.gap.map(Self.points) ?? "—"),
                    "groups": .array(PerceptionGroup.allCases.map { group in
                        guard let share = rating.shares[group] else { return ["text": "—", "missing": true] }
                        return ["text": .string(MetricDefinition.trimmed(share.percent, decimals: 0) + "%"),
                                "n": share.n.map(MustacheValue.int) ?? .null, "missing": false]
                    }),
                ]
            }),
            "groups": .array(PerceptionGroup.allCases.map { ["label": .string($0.label)] }),
            "questions": .array(PerceptionQuestion.allCases.map { question in questionRow(question, in: newest) }),
            "hasTrend": .bool(site.perceptionRounds.count > 1),
            "trendRounds": .array(rounds.map { ["title": .string($0.title), "dateText": .string($0.date.longText)] }),
            "trend": .array(ratings.map { rating in
                var previous: Double?
                let cells: [MustacheValue] = rounds.map { round in
                    guard let gap = round.ratings.first(where: { $0.statement == rating.statement })?.gap else {
                        return ["text": "—"]
                    }
                    defer { previous = gap }
                    let arrow = previous.map { gap > $0 ? " ↑" : gap < $0 ? " ↓" : "" } ?? ""
                    return ["text": .string(Self.points(gap) + arrow)]
                }
                return ["statement": .string(Typography.smarten(rating.statement)), "cells": .array(cells)]
            }),
            "earlierRounds": .array(site.perceptionRounds.dropFirst().map(roundSummary)),
        ])
    }

    /// The four questions side by side; answers given by one group only are marked.
    private func questionRow(_ question: PerceptionQuestion, in round: PerceptionRound) -> MustacheValue {
        func key(_ answer: String) -> String { answer.lowercased().trimmingCharacters(in: .whitespaces) }
        var groupsSaying: [String: Int] = [:]
        for group in PerceptionGroup.allCases {
            for answer in Set((round.answers[group]?[question] ?? []).map(key)) { groupsSaying[answer, default: 0] += 1 }
        }
        return [
            "question": .string(question.text),
            "groups": .array(PerceptionGroup.allCases.map { group in
                let answers = round.answers[group]?[question] ?? []
                return [
                    "label": .string(group.label),
                    "answers": .array(answers.map { ["text": .string($0), "only": .bool(groupsSaying[key($0)] == 1)] }),
                    "hasAnswers": .bool(!answers.isEmpty),
                ]
            }),
        ]
    }

    private func roundSummary(_ round: PerceptionRound) -> MustacheValue {
        ["title": .string(round.title), "date": .string(round.date.description), "dateText": .string(round.date.longText)]
    }

    /// The headline of the newest round on or before `date`: its largest gap.
    func gapHeadline(asOf date: Day, root: String) -> MustacheValue {
        guard let round = site.perceptionRounds.first(where: { $0.date <= date }),
              let rating = round.ratings.filter({ $0.gap != nil }).max(by: { $0.gap! < $1.gap! }) else { return .null }
        func share(_ group: PerceptionGroup) -> MustacheValue {
            rating.shares[group].map { .string(MetricDefinition.trimmed($0.percent, decimals: 0) + "%") } ?? .null
        }
        return [
            "round": .string(round.title),
            "dateText": .string(round.date.longText),
            "statement": .string(Typography.smarten(rating.statement)),
            "leadership": share(.leadership),
            "staff": share(.staff),
            "customers": share(.customers),
            "gapText": .string(Self.points(rating.gap!)),
            "href": .string(root + Routes.gap.href),
        ]
    }

    static func points(_ gap: Double) -> String {
        let rounded = MetricDefinition.trimmed(gap, decimals: 0)
        return "\(rounded) \(rounded == "1" || rounded == "-1" ? "point" : "points")"
    }

    // MARK: Journey

    func journeyPage() -> Page {
        let root = "../"
        let steps = site.config.journey.map { touchpoint -> MustacheValue in
            let stories = site.stories(at: touchpoint)
            let headline = site.scorecard.metrics.lazy.compactMap { metric -> MustacheValue? in
                guard let latest = site.scorecard.points(metric.id, .touchpoint(touchpoint.id)).last else { return nil }
                return pointValue(metric, latest, .touchpoint(touchpoint.id), root: root)
            }.first
            return [
                "name": .string(touchpoint.name),
                "href": .string(root + touchpointHref(touchpoint.id)),
                "score": headline ?? .null,
                "successCount": .int(stories.filter { $0.outcome == .success }.count),
                "failureCount": .int(stories.filter { $0.outcome == .failure }.count),
                "stories": .array(stories.map { story in
                    ["title": .string(Typography.smarten(story.title)), "outcome": .string(story.outcome.rawValue),
                     "href": .string(root + story.route.href)]
                }),
            ]
        }
        let compounding = site.stories.filter { $0.outcome == .failure && $0.touchpoints.count > 1 }
        return page(Routes.journey.path, "journey", title: "Customer journey", section: "journey", [
            "steps": .array(steps),
            "stepNames": .array(site.config.journey.map { ["name": .string($0.name)] }),
            "compounding": .array(compounding.map { story in
                let indices = story.touchpoints.compactMap { id in site.config.journey.firstIndex { $0.id == id } }
                let first = indices.min() ?? 0, last = indices.max() ?? 0
                return [
                    "title": .string(Typography.smarten(story.title)),
                    "href": .string(root + story.route.href),
                    "dateText": .string(story.date.longText),
                    "isOpen": .bool(story.status == .open),
                    "cells": .array(site.config.journey.indices.map { index in
                        let touched = indices.contains(index)
                        let state = !(first...last).contains(index) ? "outside" : !touched ? "between"
                            : first == last ? "only" : index == first ? "first" : index == last ? "last" : "touched"
                        return ["state": .string(state),
                                "touched": .bool(touched), "step": .string(site.config.journey[index].name)]
                    }),
                ]
            }),
            "hasCompounding": .bool(!compounding.isEmpty),
        ])
    }

    // MARK: Closed loops

    func loopsPage() -> Page {
        let root = "../"
        let loops = site.openLoops
        func grouped(_ key: (Story) -> [String]) -> MustacheValue {
            var groups: [String: [Story]] = [:]
            var order: [String] = []
            for story in loops {
                for name in key(story) {
                    if groups[name] == nil { order.append(name) }
                    groups[name, default: []].append(story)
                }
            }
            return .array(order.map { name in
                ["name": .string(name), "loops": .array(groups[name]!.map { loopRow($0, asOf: site.today, root: root) })]
            })
        }
        let journeyOrder = site.config.journey.map(\.id)
        return page(Routes.loops.path, "loops", title: "Open loops", section: "loops", [
            "loops": .array(loops.map { loopRow($0, asOf: site.today, root: root) }),
            "count": .int(loops.count),
            "hasLoops": .bool(!loops.isEmpty),
            "todayText": .string(site.today.longText),
            "byOwner": grouped { [$0.owner ?? "No owner"] },
            "byTouchpoint": grouped { story in
                let names = journeyOrder.filter(story.touchpoints.contains).compactMap { site.config.touchpoint($0)?.name }
                return names.isEmpty ? ["No touchpoint"] : names
            },
        ])
    }

    /// An open loop as of `date`: its age in days and what is still to do.
    func loopRow(_ story: Story, asOf date: Day, root: String) -> MustacheValue {
        let age = date.daysSinceEpoch - story.date.daysSinceEpoch
        let open = story.actions.filter { !$0.done }
        let overdue = open.filter { ($0.due ?? date) < date }
        return [
            "title": .string(Typography.smarten(story.title)),
            "href": .string(root + story.route.href),
            "age": .int(age),
            "ageText": .string(age == 1 ? "1 day" : "\(age) days"),
            "stale": .bool(age > Site.staleLoopDays),
            "owner": story.owner.mustacheValue,
            "loop": story.loop.map { .string($0.rawValue) } ?? .null,
            "outcome": .string(story.outcome.rawValue),
            "touchpoints": .array(story.touchpoints.compactMap(site.config.touchpoint).map {
                ["name": .string($0.name), "href": .string(root + touchpointHref($0.id))]
            }),
            "openActions": .int(open.count),
            "overdueActions": .int(overdue.count),
            "hasOverdue": .bool(!overdue.isEmpty),
            "nextAction": open.first.map { .string($0.what) } ?? .null,
        ]
    }
}
