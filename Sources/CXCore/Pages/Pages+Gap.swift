/// The perception gap: what leaders believe beside what customers say, per round.
extension PageBuilder {
    func gapPage(root: String) -> GapPage {
        guard let newest = site.perceptionRounds.first else {
            return GapPage(
                hasRound: false, round: nil, chart: nil, ratings: [], smallGroups: nil, groups: [], questions: [], hasTrend: false,
                trendRounds: [], trend: [], earlierRounds: [])
        }
        let ratings = newest.ratings.sorted { ($0.gap ?? -.infinity) > ($1.gap ?? -.infinity) }
        let chart = Charts.perceptionGap(
            ratings.map { rating in
                gapRow(rating)
            }, title: "Share who agree, by group: \(newest.title)")
        let rounds = site.perceptionRounds.reversed()  // oldest first for the trend
        return GapPage(
            hasRound: true,
            round: roundSummary(newest),
            chart: chart,
            ratings: ratings.map { rating in
                GapPage.Rating(
                    statement: Typography.smarten(rating.statement),
                    gapText: rating.gap.map { Self.points($0) } ?? "—",
                    uncertainty: rating.gap == nil ? nil : Self.gapUncertainty(of: rating),
                    groups: PerceptionGroup.allCases.map { group in
                        guard let share = rating.shares[group] else { return GapPage.Share(text: "—", n: nil, missing: true) }
                        return GapPage.Share(text: NumberText.decimal(share.percent, decimals: 0) + "%", n: share.n.map { Count($0) }, missing: false)
                    })
            },
            smallGroups: smallGroupsNote(in: newest),
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
                            "Not shown: fewer than \(site.config.minimumNForComments) staff answered (n\u{00A0}=\u{00A0}\(NumberText.count(respondents))), too few to stay anonymous."
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

    /// The gap's 95% interval as text, or why there is none.
    static func gapUncertainty(of rating: PerceptionRound.Rating) -> String {
        guard let interval = rating.gapInterval else {
            let without = [PerceptionGroup.leadership, .customers].filter { rating.shares[$0]?.n == nil }
            return "no n given for \(without.map { $0.label.lowercased() }.joined(separator: " or ")): the gap's uncertainty is unknown"
        }
        func point(_ value: Double) -> String { NumberText.decimal(value, decimals: 0) }
        return "95% interval \(point(interval.lowerBound)) to \(point(interval.upperBound)) points"
    }

    /// Which groups of a round answered in fewer than `min_n`, when any did: their shares move
    /// far with a single answer.
    private func smallGroupsNote(in round: PerceptionRound) -> String? {
        let small = PerceptionGroup.allCases.compactMap { group -> String? in
            let counts = round.ratings.compactMap { $0.shares[group]?.n }
            guard let n = counts.max(), n < site.config.minimumN else { return nil }
            return "\(group.label.lowercased()) (n\u{00A0}=\u{00A0}\(NumberText.count(n)))"
        }
        guard !small.isEmpty else { return nil }
        return "Fewer than \(site.config.minimumN) answered in \(small.joined(separator: " and ")): one answer moves "
            + "a share by several points, so read their gaps by the interval, not the point."
    }

    private func roundSummary(_ round: PerceptionRound) -> RoundSummary {
        RoundSummary(title: round.title, date: round.date.description, dateText: round.date.longText)
    }

    /// The headline of the newest round on or before `date`: its largest gap.
    func gapHeadline(asOf date: Day, root: String) -> GapHeadline? {
        guard let round = site.perceptionRounds.first(where: { $0.date <= date }),
            let rating = round.ratings.filter({ $0.gap != nil }).max(by: { $0.gap! < $1.gap! })
        else { return nil }
        let shares = PerceptionGroup.allCases.compactMap { group -> String? in
            guard let share = rating.shares[group] else { return nil }
            let n = share.n.map { " (n\u{00A0}=\u{00A0}\(NumberText.count($0)))" } ?? ""
            return "\(group.label.lowercased()) \(NumberText.decimal(share.percent, decimals: 0))%\(n)"
        }
        return GapHeadline(
            round: round.title, dateText: round.date.longText, statement: Typography.smarten(rating.statement),
            sharesText: shares.joined(separator: ", "), gapText: Self.points(rating.gap!, unit: "percentage point"),
            uncertainty: Self.gapUncertainty(of: rating), href: root + Routes.gap.href,
            chart: Charts.perceptionGap([gapRow(rating)], title: "Share who agree, by group: \(round.title)"))
    }

    /// A statement as a row of the gap chart: each group's share who agree, and the gap.
    private func gapRow(_ rating: PerceptionRound.Rating) -> Charts.GapRow {
        Charts.GapRow(
            statement: Typography.smarten(rating.statement), leadership: rating.shares[.leadership]?.percent,
            staff: rating.shares[.staff]?.percent, customers: rating.shares[.customers]?.percent,
            gapText: rating.gap.map { Self.points($0) } ?? "no gap")
    }
}
