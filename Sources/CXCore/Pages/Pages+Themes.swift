/// The themes pages, and the themes named on briefings and touchpoint pages.
extension PageBuilder {
    /// The period the themes pages rank by: the latest complete one with theme values.
    var themesPeriod: Period? {
        let periods = site.scorecard.themeImpacts.map(\.period)
        return periods.filter { $0 != site.scorecard.partial?.period }.max() ?? periods.max()
    }

    func themesPage(root: String) -> ThemesPage {
        let period = themesPeriod
        let impacts = period.map { site.scorecard.themeImpacts(.nps, in: $0) } ?? []
        // The costliest first; themes too rarely mentioned to be a finding after the others.
        let ranked = impacts.filter { !$0.suppressed } + impacts.filter(\.suppressed).sorted { $0.mentions > $1.mentions }
        let summaries = ranked.map { themeSummary($0, root: root) }
        let suggestions = suggestions(in: period)
        return ThemesPage(
            periodLabel: period.map(site.scorecard.label(of:)), themes: summaries, hasThemes: !summaries.isEmpty,
            configured: !site.themes.themes.isEmpty, minimumN: site.config.minimumN,
            suggestionsText: suggestions.isEmpty ? nil : NumberText.counted(suggestions.count, "phrase", "phrases"),
            analysisHref: root + Routes.analysis.href,
            mismatches: period.flatMap { mismatches(in: $0, root: root) })
    }

    func analysisPage(root: String) -> AnalysisPage {
        let period = themesPeriod
        let suggestions = suggestions(in: period).map { suggestion in
            AnalysisPage.Suggestion(
                phrase: suggestion.phrase, zText: NumberText.decimal(suggestion.z, decimals: 1),
                detractors: Count(suggestion.detractors), promoters: Count(suggestion.promoters),
                command: "cxsite theme add " + Self.shellQuoted(suggestion.phrase),
                risingText: rising(phrase: suggestion.phrase, in: suggestion.period).map { "Rising: " + risingText($0) })
        }
        return AnalysisPage(
            reading: readingNote(root: root), periodLabel: period.map(site.scorecard.label(of:)),
            suggestions: suggestions, hasSuggestions: !suggestions.isEmpty)
    }

    /// The phrases no theme names that set detractors apart in `period`.
    private func suggestions(in period: Period?) -> [SuggestedTheme] {
        site.scorecard.suggestedThemes.filter { $0.period == period }
    }

    func themePage(_ theme: CommentTheme, root: String) throws -> ThemePage {
        let stories = site.storiesByTheme[theme.id] ?? []
        let nps = site.scorecard.themeImpacts(of: theme.id, .nps)
        let csat = site.scorecard.themeImpacts(of: theme.id, .csat)
        let shown = themesPeriod.flatMap { period in nps.last { $0.period == period } } ?? nps.last
        let summary =
            shown.map { themeSummary($0, root: root) }
            ?? ThemeSummary(
                id: theme.id, name: theme.name, href: root + Routes.theme(theme.id).href, impactText: "not mentioned yet",
                marginText: nil, direction: "flat", suppressed: true, mentions: 0, shareText: nil, withText: nil, withoutText: nil, negativeText: nil,
                risingText: nil,
                sparkline: "", trend: nil, touchpoints: [], hasTouchpoints: false, comments: [], hasComments: false,
                storyCount: stories.count, hasStories: !stories.isEmpty, oneStory: stories.count == 1)
        let mentions = shown.flatMap { site.scorecard.themeMentions[theme.id]?[$0.period] } ?? []
        return ThemePage(
            theme: summary,
            history: Set(nps.map(\.period) + csat.map(\.period)).sorted(by: >).map { period in
                let npsImpact = nps.first { $0.period == period }
                let csatImpact = csat.first { $0.period == period }
                return ThemePage.HistoryRow(
                    period: site.scorecard.label(of: period), npsImpact: npsImpact.map { impactText($0) } ?? "—",
                    csatImpact: csatImpact.map { impactText($0) } ?? "—",
                    mentions: Count(npsImpact?.mentions ?? 0), shareText: npsImpact.flatMap(shareText))
            },
            touchpointMentions: mentions.compactMap { mention in
                site.config.touchpoint(mention.touchpoint).map {
                    ThemePage.TouchpointMention(name: $0.name, href: root + Routes.touchpoint($0.id).href, mentions: Count(mention.mentions))
                }
            },
            hasTouchpointMentions: !mentions.isEmpty,
            stories: try stories.prefix(Self.storiesPerTheme).map { try storyCard($0, root: root) },
            hasStories: !stories.isEmpty)
    }

    /// `text` as one shell word: in single quotes, with a quote written `'\''`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The theme (or phrase) of `period` whose share of the comments rose by more than chance.
    func rising(theme: String? = nil, phrase: String? = nil, in period: Period) -> RisingTopic? {
        site.scorecard.risingTopics.first { $0.period == period && $0.isRising && $0.theme == theme && $0.phrase == phrase }
    }

    /// "6% of the comments, up from 2% in the 6 periods before".
    func risingText(_ topic: RisingTopic) -> String {
        let before = topic.baselinePeriods == 1 ? "the period before" : "the \(topic.baselinePeriods) periods before"
        return "\(Self.percent(topic.share)) of the comments (\(topic.mentions)), up from \(Self.percent(topic.baselineShare)) in \(before)"
    }

    /// The themes and phrases whose share rose by more than chance in `period`.
    func risingTopics(in period: Period, root: String) -> [RisingLink] {
        site.scorecard.risingTopics.filter { $0.period == period && $0.isRising }.map { topic in
            let theme = topic.theme.flatMap(site.themes.theme)
            return RisingLink(
                name: theme?.name ?? "“\(topic.phrase ?? "")”", href: theme.map { root + Routes.theme($0.id).href },
                text: risingText(topic))
        }
    }

    /// The stories a theme's page shows, newest first.
    static let storiesPerTheme = 12

    /// The `count` themes whose mentions go with the lowest NPS in `period`, among those
    /// whose interval leaves out zero: only those are shown as findings.
    func costliestThemes(in period: Period, count: Int = 3, root: String) -> [ThemeLink] {
        site.scorecard.themeImpacts(.nps, in: period).filter { !$0.suppressed && $0.impact < 0 && $0.isClear }.prefix(count).map {
            ThemeLink(name: $0.theme.name, href: root + Routes.theme($0.theme.id).href, impactText: impactText($0), mentions: Count($0.mentions))
        }
    }

    /// The themes mentioned most at `touchpoint` in the themes' period.
    func themes(at touchpoint: Touchpoint, root: String) -> [ThemeLink] {
        guard let period = themesPeriod else { return [] }
        let impacts = Dictionary(site.scorecard.themeImpacts(.nps, in: period).map { ($0.theme.id, $0) }, uniquingKeysWith: { first, _ in first })
        return site.themes.themes.compactMap { theme -> ThemeLink? in
            guard let mentions = site.scorecard.themeMentions[theme.id]?[period]?.first(where: { $0.touchpoint == touchpoint.id })?.mentions,
                let impact = impacts[theme.id]
            else { return nil }
            return ThemeLink(
                name: theme.name, href: root + Routes.theme(theme.id).href,
                impactText: impact.suppressed ? nil : impactText(impact), mentions: Count(mentions))
        }.sorted { ($1.mentions, $0.name) < ($0.mentions, $1.name) }.prefix(5).map { $0 }
    }

    private func themeSummary(_ impact: ThemeImpact, root: String) -> ThemeSummary {
        let stories = site.storiesByTheme[impact.theme.id] ?? []
        let nps = site.config.metric(SurveyMetric.nps.rawValue) ?? MetricDefinition.builtIn[0]
        let history = site.scorecard.themeImpacts(of: impact.theme.id, .nps).filter { $0.period <= impact.period && !$0.suppressed }
            .suffix(Scorecard.trendPeriods)
        let trend = site.scorecard.trend(of: impact.theme.id, .nps, through: impact.period).map { trend in
            PointValue.Trend(
                direction: trend.direction.rawValue,
                text: (trend.direction == .none
                    ? "No clear trend"
                    : (trend.direction == .rising) == (impact.impact < 0) ? "The gap to the others narrowing" : "The gap to the others widening")
                    + " " + trend.window)
        }
        let comments = impact.comments.map { comment(of: $0, root: root) }
        let mentionedAt = (site.scorecard.themeMentions[impact.theme.id]?[impact.period] ?? []).prefix(3).compactMap { mention in
            site.config.touchpoint(mention.touchpoint).map { TouchpointLink(id: $0.id, name: $0.name, href: root + Routes.touchpoint($0.id).href) }
        }
        return ThemeSummary(
            id: impact.theme.id, name: impact.theme.name, href: root + Routes.theme(impact.theme.id).href,
            impactText: impactText(impact),
            marginText: impact.suppressed ? nil : impact.interval.map { Self.marginText(impact.impact, $0, decimals: 1) },
            direction: impact.suppressed || !impact.isClear ? "flat" : impact.impact < 0 ? "costs" : "adds",
            suppressed: impact.suppressed, mentions: Count(impact.mentions), shareText: shareText(impact),
            withText: impact.suppressed ? nil : nps.format(impact.valueWith), withoutText: impact.suppressed ? nil : nps.format(impact.valueWithout),
            negativeText: impact.negativeShare.map { Self.percent($0) + " of its comments read negative" },
            risingText: rising(theme: impact.theme.id, in: impact.period).map { "Rising: " + risingText($0) },
            sparkline: Charts.sparkline(
                history.map {
                    Charts.Datum(
                        label: site.scorecard.label(of: $0.period), value: $0.impact,
                        interval: $0.interval, text: nps.formatDelta($0.impact))
                },
                title: "\(impact.theme.name): NPS points, last \(NumberText.counted(history.count, "period", "periods"))"),
            trend: impact.suppressed ? nil : trend,
            touchpoints: Array(mentionedAt), hasTouchpoints: !mentionedAt.isEmpty, comments: comments, hasComments: !comments.isEmpty,
            storyCount: stories.count, hasStories: !stories.isEmpty, oneStory: stories.count == 1)
    }

    /// Where the score and the words disagree in `period`: how often, and the newest of each.
    private func mismatches(in period: Period, root: String) -> ThemesPage.Mismatches? {
        guard let found = site.scorecard.mismatches[period] else { return nil }
        let comments = (found.angryPromoters.recentComments + found.warmDetractors.recentComments).map { comment(of: $0, root: root) }
        return ThemesPage.Mismatches(angryPromoters: found.angryPromoters.n, warmDetractors: found.warmDetractors.n, comments: comments)
    }

    /// How much of `touchpoint`'s comments read negative in the themes' period.
    func negativeText(at touchpoint: Touchpoint) -> String? {
        guard let period = themesPeriod else { return nil }
        let totals = SurveyMetric.allCases.compactMap { site.scorecard.point($0.rawValue, .touchpoint(touchpoint.id), in: period)?.totals }
        let commented = totals.reduce(0) { $0 + $1.commented }
        let negative = totals.reduce(0) { $0 + $1.negative }
        guard commented > 0 else { return nil }
        return
            "\(Self.percent(Double(negative) / Double(commented))) of the \(commented) comments here in \(site.scorecard.label(of: period)) read negative"
    }

    static func percent(_ share: Double) -> String { NumberText.decimal(share * 100, decimals: 0) + "%" }

    func comment(of comment: ResponseComment, root: String) -> BehindTheNumber.Comment {
        BehindTheNumber.Comment(
            text: comment.text, score: comment.score, dateText: comment.date.longText, date: comment.date.description,
            touchpoint: comment.touchpoint.flatMap(site.config.touchpoint)?.name,
            touchpointHref: comment.touchpoint.map { root + Routes.touchpoint($0).href },
            segment: comment.segment.map(site.config.segmentName))
    }

    /// `−6.1`: the NPS or CSAT points a theme costs or adds, or why it is not shown.
    private func impactText(_ impact: ThemeImpact) -> String {
        guard !impact.suppressed else { return "too few mentions (n\u{00A0}=\u{00A0}\(NumberText.count(impact.mentions)))" }
        let metric = site.config.metric(impact.metric.rawValue) ?? MetricDefinition.builtIn[0]
        return metric.formatDelta(impact.impact, points: false)
    }

    private func shareText(_ impact: ThemeImpact) -> String? {
        impact.share.map { NumberText.decimal($0 * 100, decimals: 0) + "% of comments" }
    }
}
