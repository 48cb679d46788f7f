import Foundation

/// Briefing pages, and a briefing as other pages list it.
extension PageBuilder {
    /// The drivers a briefing shows, strongest first; the scorecard has them all.
    static let briefingDrivers = 5

    func briefingPage(_ briefing: Briefing, route: Route) -> Page {
        let isNewest = briefing.slug == site.briefings.first?.slug
        let builder = self
        return page(route, title: briefing.title, section: isNewest && route == Routes.home ? .briefing : .briefings) { root in
            try builder.briefingModel(briefing, root: root)
        }
    }

    func briefingModel(_ briefing: Briefing, root: String) throws -> BriefingPage {
        let opening = site.openingStories[briefing.slug] ?? Site.OpeningStories(stories: [], addedFailure: false)
        // The customer counts have a section of their own, after the stories.
        let counts = site.config.customers.map { [$0.gained, $0.lost, $0.base, $0.revenueLost].compactMap { $0 } } ?? []
        let metrics = site.scorecard.metrics.compactMap { metric -> MetricCard? in
            guard !counts.contains(metric.id), site.scorecard.point(metric.id, site.scorecard.headline(metric.id), in: briefing.period) != nil else {
                return nil
            }
            return metricCard(metric, root: root, period: briefing.period)
        }
        let split = Self.splitNotes(withImageSizes(briefing.body.html, on: briefing.route.path))
        let notes = split.rest
        let costly = costliestThemes(in: briefing.period, root: root)
        let rising = risingTopics(in: briefing.period, root: root)
        let flow = try customerFlow(in: briefing.period, root: root, shown: opening.stories)
        return BriefingPage(
            briefing: briefingSummary(briefing, root: root),
            stories: try opening.stories.map { try storyCard($0, root: root) },
            addedFailure: opening.addedFailure,
            hasStories: !opening.stories.isEmpty,
            metrics: metrics,
            hasMetrics: !metrics.isEmpty,
            movement: movement(in: briefing.period, root: root),
            segments: segmentLinks(root: root),
            rising: rising, hasRising: !rising.isEmpty,
            point: split.lead.isEmpty && split.decisions.isEmpty
                ? nil : PointPart(lead: split.lead, decisions: split.decisions, decisionsHeading: split.decisionsHeading),
            agendaAtTop: briefing.agenda == .top,
            notes: notes,
            hasNotes: !notes.isEmpty,
            handout: HandoutPlaces(briefing.handout),
            gap: gapHeadline(asOf: briefing.date, root: root),
            openLoops: site.openLoops.filter { $0.date <= briefing.date }.map { loopRow($0, asOf: briefing.date, root: root) },
            otherBriefings: site.briefings.filter { $0.slug != briefing.slug }.prefix(5).map { briefingSummary($0, root: root) },
            reading: readingNote(root: root),
            drivers: drivers(in: briefing.period, root: root, limit: Self.briefingDrivers),
            costlyThemes: costly, hasCostlyThemes: !costly.isEmpty,
            customerFlow: flow,
            figures: briefing.published.map { FiguresNote($0, now: Self.figuresShown(metrics: metrics, flow: flow)) },
            printStamp:
                "\(site.config.title) · briefing of \(briefing.date.longText) · figures for \(briefing.period.label) as it closed, loop ages on \(briefing.date.longText)"
        )
    }

    /// The figures of a briefing late responses can change, as it shows them: each headline
    /// metric with its margin and n, and the customers who joined and left. `cxsite freeze`
    /// keeps them; a later build compares.
    static func figuresShown(metrics: [MetricCard], flow: CustomerFlowPart?) -> [PublishedFigures.Figure] {
        var figures = metrics.map { card in
            let value = card.base
            return PublishedFigures.Figure(
                id: card.extra.id, name: value.name,
                shown: value.valueText + (value.marginText.map { " " + $0 } ?? "")
                    + (value.n.map { ", n = \(NumberText.count($0.value))" } ?? ""))
        }
        if let flow {
            figures += [
                ("customers.joined", "Customers who joined", flow.gainedText), ("customers.left", "Customers who left", flow.lostText),
                ("customers.net", "Net change in customers", flow.netText),
            ].map { PublishedFigures.Figure(id: $0, name: $1, shown: $2) }
            if let share = flow.lostShareText {
                figures.append(PublishedFigures.Figure(id: "customers.left-share", name: "Left, of the base", shown: share))
            }
        }
        return figures
    }

    /// The figures of `briefing` as a build today shows them, for `cxsite freeze`.
    func figuresShown(in briefing: Briefing) throws -> [PublishedFigures.Figure] {
        let page = try briefingModel(briefing, root: "")
        return Self.figuresShown(metrics: page.metrics, flow: page.customerFlow)
    }

    /// A briefing's notes in three: the paragraphs before the first heading (the author's
    /// point), the section whose heading names decisions (its heading text apart), and the rest.
    static func splitNotes(_ html: String) -> (lead: String, decisions: String, decisionsHeading: String, rest: String) {
        let bytes = Array(html.utf8)
        let utf8 = html.utf8
        func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
        let headings = headingStarts(in: bytes)
        var decisions = ""
        var decisionsHeading = ""
        var rest = ""
        for (number, start) in headings.enumerated() {
            let end = number + 1 < headings.count ? headings[number + 1] : bytes.count
            guard decisions.isEmpty, let title = headingTitle(in: bytes, from: start, to: end),
                case let heading = html[index(title.text.lowerBound)..<index(title.text.upperBound)],
                heading.lowercased().contains("decision")
            else {
                rest += html[index(start)..<index(end)]
                continue
            }
            decisionsHeading = String(heading)
            decisions = String(html[index(title.end)..<index(end)])
        }
        return (String(html[..<index(headings.first ?? bytes.count)]), decisions, decisionsHeading, rest)
    }

    /// Where each heading of level 2 to 6 opens (`<h2>`, `<h3 id="…">`), by byte offset: the
    /// sections a briefing's notes are split at. Bytes, not a regular expression: each
    /// briefing's page is made at every build, and a `Regex` is compiled where it is used.
    private static func headingStarts(in bytes: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var offset = 0
        while offset + 3 < bytes.count {
            if bytes[offset] == UInt8(ascii: "<"), bytes[offset + 1] == UInt8(ascii: "h"),
                (UInt8(ascii: "2")...UInt8(ascii: "6")).contains(bytes[offset + 2]),
                bytes[offset + 3] == UInt8(ascii: " ") || bytes[offset + 3] == UInt8(ascii: ">")
            {
                starts.append(offset)
                offset += 4
            } else {
                offset += 1
            }
        }
        return starts
    }

    /// The text of the heading that opens `bytes[start..<end]` (`<h3 id="d">Decisions</h3>`),
    /// on one line, and where the section goes on after its closing tag and a line break.
    private static func headingTitle(in bytes: [UInt8], from start: Int, to end: Int) -> (text: Range<Int>, end: Int)? {
        let level = bytes[start + 2]
        guard let open = bytes[(start + 3)..<end].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let closing: [UInt8] = Array("</h".utf8) + [level, UInt8(ascii: ">")]
        var cursor = open + 1
        while cursor + closing.count <= end {
            if bytes[cursor] == UInt8(ascii: "\n") || bytes[cursor] == UInt8(ascii: "\r") { return nil }
            if bytes[cursor..<(cursor + closing.count)].elementsEqual(closing) {
                let after = cursor + closing.count
                let text = (open + 1)..<cursor
                guard !String(decoding: bytes[text], as: UTF8.self).contains(where: \.isNewline) else { return nil }
                return (text, after < end && bytes[after] == UInt8(ascii: "\n") ? after + 1 : after)
            }
            cursor += 1
        }
        return nil
    }

    func briefingSummary(_ briefing: Briefing, root: String) -> BriefingSummary {
        BriefingSummary(
            slug: briefing.slug, title: Typography.smarten(briefing.title), date: briefing.date.description,
            dateText: briefing.date.longText, period: briefing.period.description,
            periodLabel: briefing.period.label, href: root + briefing.route.href)
    }
}
