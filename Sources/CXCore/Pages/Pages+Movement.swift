/// Why the score moved (docs/metrics.md): a headline change split into contributions that add
/// up to it, said in one sentence and shown part by part.
extension PageBuilder {
    /// The period's headline changes split into their parts; nil when none is split. `segment`
    /// gives a segment's own changes, split by theme.
    func movement(in period: Period, segment: String? = nil, root: String) -> MovementPart? {
        let parts = site.scorecard.contributions.filter { $0.period == period && $0.segment == segment }
        let metrics = SurveyMetric.allCases.compactMap { survey -> MovementPart.Metric? in
            let own = parts.filter { $0.metric == survey }
            guard site.config.metric(survey.rawValue) != nil, !own.isEmpty,
                let change = change(of: survey, in: period, segment: segment)
            else { return nil }
            let splits = ChangeDimension.allCases.compactMap { by -> (ChangeDimension, [ChangeContribution])? in
                let split = own.filter { $0.by == by }.sorted { abs($0.contribution) > abs($1.contribution) }
                return split.isEmpty ? nil : (by, split)
            }
            // The first split (themes, then segments, touchpoints, journeys) whose named groups
            // explain half the change leads the sentence, or else the one that explains most:
            // "the rest" explains nothing.
            let explained = { (split: [ChangeContribution]) in split.filter { $0.id != nil }.reduce(0) { $0 + abs($1.contribution) } }
            let lead =
                splits.first { explained($0.1) >= abs(change.delta) / 2 }
                ?? splits.max { explained($0.1) < explained($1.1) }!
            let named = lead.1.filter { Self.contributionText($0.contribution) != "0" }.prefix(3)
            let verb = change.delta > 0 ? "rose" : change.delta < 0 ? "fell" : "did not move"
            let points = survey == .ces ? "" : " points"
            let noise = change.significant.map { $0 ? "" : ", within the noise" } ?? ""
            let size = change.delta == 0 ? "" : " " + NumberText.decimal(abs(change.delta), decimals: 1) + points
            let sentence =
                "\(survey.rawValue.uppercased()) \(verb)\(size) since \(change.previousLabel)\(noise)"
                + (named.isEmpty
                    ? "."
                    : ": "
                        + named.map { part in
                            "\(name(of: part)) \(Self.contributionText(part.contribution))" + (reason(for: part).map { " (\($0))" } ?? "")
                        }.joined(separator: ", ") + ".")
            return MovementPart.Metric(
                sentence: sentence,
                splits: splits.map { by, split in
                    let title = "\(survey.rawValue.uppercased()) by \(by.rawValue), \(site.scorecard.label(of: period))"
                    return MovementPart.Split(
                        title: title,
                        rows: split.map { part in
                            MovementPart.Row(
                                name: name(of: part), href: href(of: part, root: root), contributionText: Self.contributionText(part.contribution),
                                intervalText: part.interval.map {
                                    Self.contributionText($0.lowerBound) + " to " + Self.contributionText($0.upperBound)
                                },
                                shareText: Self.percent(part.previousShare) + " → " + Self.percent(part.share),
                                reason: reason(for: part), clear: part.isClear)
                        },
                        chart: Charts.bars(
                            split.map { part in
                                Charts.Datum(
                                    label: name(of: part), value: part.contribution, interval: part.interval,
                                    text: Self.contributionText(part.contribution), isChange: true)
                            }, title: title + ": each part's contribution to the change"))
                })
        }
        return metrics.isEmpty ? nil : MovementPart(periodLabel: site.scorecard.label(of: period), metrics: metrics)
    }

    /// The change a split adds up to: the headline's, or the segment's at the headline's level.
    private func change(of metric: SurveyMetric, in period: Period, segment: String?) -> (delta: Double, previousLabel: String, significant: Bool?)? {
        let parts = site.scorecard.contributions.filter { $0.metric == metric && $0.period == period && $0.segment == segment }
        guard let by = parts.first?.by else { return nil }
        let delta = parts.filter { $0.by == by }.reduce(0) { $0 + $1.contribution }
        let label = site.scorecard.label(of: period.previous)
        guard segment == nil else { return (delta, label, nil) }
        let group = site.scorecard.headline(metric.rawValue)
        let change = site.scorecard.point(metric.rawValue, group, in: period).flatMap { site.scorecard.change(metric.rawValue, group, at: $0) }
        return (change?.delta ?? delta, label, change?.isSignificant)
    }

    private func name(of part: ChangeContribution) -> String {
        guard let id = part.id else { return "the rest" }
        switch part.by {
        case .theme: return site.themes.theme(id)?.name ?? id
        case .segment: return site.config.segmentName(id)
        case .touchpoint: return site.config.touchpoint(id)?.name ?? id
        case .journey: return site.config.journey(id)?.name ?? id
        }
    }

    private func href(of part: ChangeContribution, root: String) -> String? {
        guard let id = part.id else { return nil }
        switch part.by {
        case .theme: return root + Routes.theme(id).href
        case .segment: return nil
        case .touchpoint: return root + Routes.touchpoint(id).href
        case .journey: return root + Routes.journey(id).href
        }
    }

    /// What moved the part, when its interval leaves out zero: its group's share, or its value.
    private func reason(for part: ChangeContribution) -> String? {
        guard part.id != nil else { return nil }
        guard part.isClear else { return "within the noise" }
        if part.isMostlyMix {
            let more = part.share > part.previousShare
            switch part.by {
            case .theme: return more ? "more customers mention it" : "fewer customers mention it"
            case .segment: return more ? "a larger share of the answers" : "a smaller share of the answers"
            case .touchpoint, .journey: return more ? "more of the answers are about it" : "fewer of the answers are about it"
            }
        }
        let lower = part.within < 0
        switch part.by {
        case .theme: return lower ? "those who mention it score lower" : "those who mention it score higher"
        case .segment: return lower ? "its customers score lower" : "its customers score higher"
        case .touchpoint, .journey: return lower ? "its answers score lower" : "its answers score higher"
        }
    }

    /// `−22.6`, `+1.4`, `0`: one decimal, a true minus sign.
    static func contributionText(_ value: Double) -> String {
        NumberText.signed(value, decimals: 1)
    }
}
