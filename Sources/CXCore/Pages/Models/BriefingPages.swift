import Mustache

/// `index.html` of a site with no briefing yet: the newest stories.
struct HomePage: PageModel {
    static let template = "home"
    let stories: [EncodedCard]
}

struct BriefingsPage: PageModel {
    static let template = "briefings"
    let briefings: [BriefingSummary]
}

/// A briefing: stories first, then the numbers, the gap and the open loops.
struct BriefingPage: PageModel {
    static let template = "briefing"
    let briefing: BriefingSummary
    let stories: [EncodedCard]
    /// True when cxsite added the failure because the briefing named none.
    let addedFailure: Bool
    let hasStories: Bool
    let metrics: [MetricCard]
    let hasMetrics: Bool
    /// Why the period's scores moved.
    let movement: MovementPart?
    /// Each segment's page: the company's units one by one.
    let segments: [NamedLink]
    /// Themes and phrases whose share of the comments rose by more than chance.
    let rising: [RisingLink]
    let hasRising: Bool
    /// The author's point and the decisions asked of the room, straight after the stories
    /// (or before them, `agenda: top`); nil when the notes have neither.
    let point: PointPart?
    let agendaAtTop: Bool
    /// The rest of the briefing's own notes (the agenda, actions), as HTML.
    let notes: String
    let hasNotes: Bool
    /// Each part's place on the printed one-page handout (`handout:`).
    let handout: HandoutPlaces
    let gap: GapHeadline?
    let openLoops: [LoopRow]
    let otherBriefings: [BriefingSummary]
    let reading: ReadingNote
    let drivers: DriversPart?
    /// The three themes that cost the most NPS points in the briefing's period.
    let costlyThemes: [ThemeLink]
    let hasCostlyThemes: Bool
    /// Customers who joined and left in the briefing's period, when the site counts them.
    let customerFlow: CustomerFlowPart?
    /// The figures as frozen beside today's, when the briefing's were (`cxsite freeze`).
    let figures: FiguresNote?
    /// What a printed copy says it is: the briefing's day and the period its figures are of.
    let printStamp: String
}

/// A briefing's figures as frozen, beside today's where late responses changed them.
struct FiguresNote: Encodable, Sendable {
    /// "7 October 2026".
    let frozenText: String
    let revisions: [Revision]
    let hasRevisions: Bool
    /// "2 figures have", "1 figure has".
    let countText: String

    struct Revision: Encodable, Sendable {
        let name: String
        let frozen: String
        /// As shown today: "not shown" when the briefing no longer shows the figure.
        let now: String
    }

    init(_ published: PublishedFigures, now: [PublishedFigures.Figure]) {
        frozenText = published.frozen.longText
        revisions = published.figures.compactMap { figure in
            let current = now.first { $0.id == figure.id }
            guard current?.shown != figure.shown else { return nil }
            return Revision(name: figure.name, frozen: figure.shown, now: current?.shown ?? "not shown")
        }
        hasRevisions = !revisions.isEmpty
        countText = revisions.count == 1 ? "1 figure has" : "\(NumberText.count(revisions.count)) figures have"
    }
}

/// A briefing's opening notes split from the rest: the paragraphs before its first heading,
/// and the section whose heading names decisions.
struct PointPart: Encodable, Sendable {
    let lead: String
    let decisions: String
    let decisionsHeading: String
}

/// A class for each part of a briefing: `handout-N` for its place on the printed page, or
/// `not-in-handout`.
struct HandoutPlaces: Encodable, Sendable {
    let stories, decisions, customers, gap, scores, movement, loops: String

    init(_ parts: [HandoutPart]) {
        func place(_ part: HandoutPart) -> String {
            parts.firstIndex(of: part).map { "handout-\($0 + 1)" } ?? "not-in-handout"
        }
        (stories, decisions, customers, gap) = (place(.stories), place(.decisions), place(.customers), place(.gap))
        (scores, movement, loops) = (place(.scores), place(.movement), place(.loops))
    }
}

struct BriefingSummary: Encodable, Sendable {
    let slug: String
    let title: String
    let date: String
    let dateText: String
    let period: String
    let periodLabel: String
    let href: String
}

/// A story's card, encoded once for every page that shows it.
typealias EncodedCard = Prepared<StoryCard>

/// "N joined, M left": the customers gained and lost in a period, the periods before as a
/// chart, and the stories of the people who left.
struct CustomerFlowPart: Encodable, Sendable {
    let periodLabel: String
    let gainedText: String
    let lostText: String
    let netText: String
    /// `better` when more joined than left, `worse` when fewer, `flat`.
    let netDirection: String
    /// More joined than left: the growth can hide the loss, and the page says so.
    let isGrowing: Bool
    /// "1.4% of the 84,000 customers at the start of the period", when the base is counted.
    let lostShareText: String?
    /// What "Left, of the base" divides by, in a line, when the base is counted.
    let baseDefinition: String?
    /// "They held 2.1% of revenue", when the site gives it.
    let revenueText: String?
    /// The net of each period up to this one, as SVG bars, and as a table, newest first.
    let chart: String
    let history: [Row]
    let leavers: [EncodedCard]
    let hasLeavers: Bool
    /// Leavers whose stories the briefing opens with: named, not shown again.
    let namedLeavers: [StoryLink]

    struct Row: Encodable, Sendable {
        let period: String
        let gainedText: String
        let lostText: String
        let netText: String
        let lostShareText: String?
    }
}

/// A survey metric at the three levels of the relation in one period: the relationship,
/// each journey, and all touchpoints together, each with its interval and trend.
struct LevelsPart: Encodable, Sendable {
    /// The metric's id, for the section's anchor.
    let id: String
    let metricName: String
    let periodLabel: String
    let rows: [Row]
    /// The values with their intervals, as SVG bars.
    let chart: String

    struct Row: Encodable, Sendable {
        /// `Relationship`, `Journey` or `Transactional`.
        let level: String
        let name: String
        let href: String?
        let value: PointValue
        let sparkline: String
    }
}

/// "What drives the score": how strongly each touchpoint's CSAT and CES move with the same
/// people's NPS in a period, strongest first.
struct DriversPart: Encodable, Sendable {
    let periodLabel: String
    let rows: [Row]
    /// The correlations with their intervals, as SVG bars.
    let chart: String
    /// Importance against performance, one chart per measure with two touchpoints or more
    /// (the scorecard's; a briefing names only what to fix first).
    let priorities: [Priorities]
    /// "CSAT: fix Installation first", one a measure, on a briefing.
    let fixFirst: [String]
    /// The drivers a briefing leaves to the scorecard.
    let more: More?

    struct Priorities: Encodable, Sendable {
        let measure: String
        let chart: String
        /// The touchpoints above the mean r and below the mean score, in words.
        let fixFirst: String?

        /// "By CSAT, act first on Installation": the chart's finding as a line.
        var fixFirstLine: String? { fixFirst.map { "By \(measure), act first on \($0)" } }
    }

    struct More: Encodable, Sendable {
        /// "3 more touchpoint measures".
        let text: String
        let href: String
    }

    struct Row: Encodable, Sendable {
        let touchpoint: String
        let touchpointHref: String
        /// `CSAT` or `CES`.
        let measure: String
        let rText: String
        let intervalText: String
        /// "1", or "1–3" where the intervals do not set it apart.
        let rankText: String
        /// The touchpoint's own score in the period, with its interval.
        let scoreText: String?
        let n: Count
        /// "strong link" … "no clear link".
        let finding: String
    }
}
