/// The segments' pages: each segment against the whole company.
extension PageBuilder {
    /// Every segment with a page, in name order.
    func segmentLinks(root: String) -> [NamedLink] {
        site.segmentRoutes.keys.sorted().map { NamedLink(name: site.config.segmentName($0), href: root + site.segmentRoutes[$0]!.href) }
    }

    func segmentPage(_ segment: String, root: String) throws -> SegmentPage {
        let comparisons = site.scorecard.segmentComparisons.filter { $0.segment == segment }
        let complete = comparisons.filter { $0.period != site.scorecard.partial?.period }
        let period = (complete.isEmpty ? comparisons : complete).map(\.period).max()
        let shown = SurveyMetric.allCases.compactMap { metric in comparisons.first { $0.period == period && $0.metric == metric } }
        let scores = shown.compactMap { comparison -> SegmentPage.Score? in
            guard let metric = site.config.metric(comparison.metric.rawValue) else { return nil }
            let company = Scorecard.Point(period: comparison.period, value: comparison.company.value, interval: comparison.company.interval)
            guard !comparison.suppressed, let value = comparison.value else {
                return SegmentPage.Score(
                    metric: metric.name, valueText: "too few responses (n\u{00A0}=\u{00A0}\(NumberText.count(comparison.n)))", marginText: nil,
                    n: Count(comparison.n), companyText: metric.format(company.value), differenceText: "—",
                    verdict: "too few to compare", clear: false)
            }
            let point = Scorecard.Point(period: comparison.period, value: value.value, interval: value.interval)
            let direction = comparison.difference > 0 ? "above" : "below"
            let verdict =
                switch comparison.isSignificant {
                case true?: "\(direction) the company, beyond chance"
                case false?: "no clear difference from the company"
                case nil: "no test: too few answers on one side"
                }
            return SegmentPage.Score(
                metric: metric.name, valueText: metric.format(value.value), marginText: marginText(metric, point), n: Count(comparison.n),
                companyText: metric.format(company.value) + (marginText(metric, company).map { " " + $0 } ?? ""),
                differenceText: metric.formatDelta(comparison.difference), verdict: verdict, clear: comparison.isSignificant == true)
        }
        let themes =
            (shown.first { $0.metric == .nps } ?? shown.first)?.themes.prefix(5).compactMap { mention -> SegmentPage.Mention? in
                site.themes.theme(mention.theme).map {
                    SegmentPage.Mention(name: $0.name, href: root + Routes.theme($0.id).href, mentions: Count(mention.mentions))
                }
            } ?? []
        let stories = site.stories(ofSegment: segment)
        let loops = site.openLoops.filter { stories.map(\.slug).contains($0.slug) }
        return SegmentPage(
            name: site.config.segmentName(segment), periodLabel: period.map(site.scorecard.label(of:)), scores: scores,
            hasScores: !scores.isEmpty, movement: period.flatMap { movement(in: $0, segment: segment, root: root) },
            themes: Array(themes), hasThemes: !themes.isEmpty,
            stories: try stories.prefix(Self.storiesPerTheme).map { try storyCard($0, root: root) }, hasStories: !stories.isEmpty,
            openLoops: loops.map { loopRow($0, asOf: site.today, root: root) }, hasOpenLoops: !loops.isEmpty,
            otherSegments: segmentLinks(root: root).filter { $0.name != site.config.segmentName(segment) })
    }
}
