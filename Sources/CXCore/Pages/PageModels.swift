import Mustache

// The models the templates read: one type per template, their members the template's keys.
// `MustacheValue(encoding:)` turns them into template data in one place, so a key a
// template reads exists here under the same name or the build does not compile.

/// A page type: the model one template reads. See ARCHITECTURE.md, "Adding a page".
protocol PageModel: Encodable, Sendable {
    /// The template that renders it: `templates/NAME.mustache`.
    static var template: String { get }
}

/// The sections of the navigation; a page's own is marked current.
enum Section: String, CaseIterable, Sendable {
    case briefing, briefings, stories, journeys, touchpoints, gap, loops, scorecard, themes

    var label: String {
        switch self {
        case .briefing: "Latest briefing"
        case .briefings: "Briefings"
        case .stories: "Stories"
        case .journeys: "Journeys"
        case .touchpoints: "Touchpoints"
        case .gap: "Perception gap"
        case .loops: "Open loops"
        case .scorecard: "Scorecard"
        case .themes: "Themes"
        }
    }

    var route: Route {
        switch self {
        case .briefing: Routes.home
        case .briefings: Routes.briefings
        case .stories: Routes.stories
        case .journeys: Routes.journeys
        case .touchpoints: Routes.touchpoints
        case .gap: Routes.gap
        case .loops: Routes.loops
        case .scorecard: Routes.scorecard
        case .themes: Routes.themes
        }
    }
}

/// What the layout reads on every page, beside the page's own model.
struct PageFrame: Encodable, Sendable {
    /// The relative path back to the site root (`""`, `"../"`), or `base_url` on `404.html`.
    let root: String
    let pageTitle: String
    let site: SiteTitle
    /// The same for every page of a folder and section: encoded once for all of them.
    let nav: Prepared<[NavItem]>

    struct SiteTitle: Encodable, Sendable {
        let title: String
        /// The site's logo (`logo` in cxsite.yaml), beside the title.
        let logo: Logo?
    }

    struct Logo: Encodable, Sendable {
        /// Its output path, from the root.
        let src: String
        let width: Int
        let height: Int
    }

    struct NavItem: Encodable, Sendable {
        let label: String
        let href: String
        let current: Bool
    }

    static func navigation(root: String, section: Section?) throws -> Prepared<[NavItem]> {
        try Prepared(Section.allCases.map { NavItem(label: $0.label, href: root + $0.route.href, current: $0 == section) })
    }
}

// MARK: - Pages

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
    /// The briefing's own notes, as HTML.
    let notes: String
    let hasNotes: Bool
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
    /// What a printed copy says it is: the period, and the day the site's figures run to.
    let printStamp: String
}

/// "N joined, M left": the customers gained and lost in a period, the periods before as a
/// chart, and the stories of the people who left.
struct CustomerFlowPart: Encodable, Sendable {
    let periodLabel: String
    let gainedText: String
    let lostText: String
    let netText: String
    /// `better` when more joined than left, `worse` when fewer, `flat`.
    let netDirection: String
    /// "1.4% of the 84,000 customers at the start of the period", when the base is counted.
    let lostShareText: String?
    /// "They held 2.1% of revenue", when the site gives it.
    let revenueText: String?
    /// The net of each period up to this one, as SVG bars, and as a table, newest first.
    let chart: String
    let history: [Row]
    let leavers: [EncodedCard]
    let hasLeavers: Bool

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

    struct Row: Encodable, Sendable {
        let touchpoint: String
        let touchpointHref: String
        /// `CSAT` or `CES`.
        let measure: String
        let rText: String
        let intervalText: String
        let n: Int
        let significant: Bool
    }
}

/// The themes customers write about, ranked by what they cost in the latest complete period.
struct ThemesPage: PageModel {
    static let template = "themes"
    let periodLabel: String?
    let themes: [ThemeSummary]
    let hasThemes: Bool
    /// False when the site has no `content/themes.yaml`.
    let configured: Bool
    let minimumN: Int
    /// Phrases that set detractors apart in the period, which no theme names yet.
    let suggestions: [Suggestion]
    let hasSuggestions: Bool
    /// Where the score and the words disagree in the period.
    let mismatches: Mismatches?

    struct Mismatches: Encodable, Sendable {
        let angryPromoters: Int
        let warmDetractors: Int
        let comments: [BehindTheNumber.Comment]
    }

    struct Suggestion: Encodable, Sendable {
        let phrase: String
        let zText: String
        let detractors: Int
        let promoters: Int
        /// The command that makes it a theme.
        let command: String
    }
}

/// One theme's page: its summary, its history, where it is mentioned and its stories.
struct ThemePage: PageModel {
    static let template = "theme"
    let theme: ThemeSummary
    let history: [HistoryRow]
    let touchpointMentions: [TouchpointMention]
    let hasTouchpointMentions: Bool
    let stories: [EncodedCard]
    let hasStories: Bool

    struct HistoryRow: Encodable, Sendable {
        let period: String
        let npsImpact: String
        let csatImpact: String
        let mentions: Int
        let shareText: String?
    }

    struct TouchpointMention: Encodable, Sendable {
        let name: String
        let href: String
        let mentions: Int
    }
}

/// A theme as a list shows it: what it costs on NPS in a period, how often it is mentioned,
/// its trend, where, and in whose words.
struct ThemeSummary: Encodable, Sendable {
    let id: String
    let name: String
    let href: String
    /// `−6.1` points of NPS, or "too few mentions (n = 12)".
    let impactText: String
    let marginText: String?
    /// `costs`, `adds` or `flat` (within the noise).
    let direction: String
    let suppressed: Bool
    let mentions: Int
    let shareText: String?
    let withText: String?
    let withoutText: String?
    /// "38% of its comments read negative".
    let negativeText: String?
    let sparkline: String
    let trend: PointValue.Trend?
    let touchpoints: [TouchpointLink]
    let hasTouchpoints: Bool
    let comments: [BehindTheNumber.Comment]
    let hasComments: Bool
    let storyCount: Int
    let hasStories: Bool
    let oneStory: Bool
}

/// A theme named where a number or a touchpoint is shown, with what it costs.
struct ThemeLink: Encodable, Sendable {
    let name: String
    let href: String
    /// The NPS points it costs or adds; nil when too few mention it to say.
    let impactText: String?
    let mentions: Int
}

/// How to read the scorecard's numbers: the methods, said once below the cards.
struct ReadingNote: Encodable, Sendable {
    let minimumN: Int
    /// In percent.
    let falseDiscoveryRate: Int
    let trendPeriods: Int
}

/// The stories index, newest first, a page of ``Routes/storiesPerPage`` at a time.
struct StoriesPage: PageModel {
    static let template = "stories"
    let stories: [EncodedCard]
    /// "19 stories, newest first: 12 failures and 7 successes", of all stories.
    let summaryText: String
    /// Of all stories, not only this page's.
    let count: Int
    let failureCount: Int
    let successCount: Int
    let touchpoints: [TouchpointCount]
    /// Nil when every story fits on one page.
    let pagination: Pagination?

    struct TouchpointCount: Encodable, Sendable {
        let name: String
        let href: String
        let count: Int
    }
}

/// Where a page of a list stands among the list's pages, and the links to the others.
struct Pagination: Encodable, Sendable {
    let current: Int
    let pageCount: Int
    /// The first and last item's place on this page, from 1.
    let first: Int
    let last: Int
    let previousHref: String?
    let nextHref: String?
    /// The words on the links to the pages before and after: "Newer", "Older".
    let previousLabel: String
    let nextLabel: String
    let pages: [PageLink]

    struct PageLink: Encodable, Sendable {
        let number: Int
        let href: String
        let current: Bool
    }

    /// Page `number` of `pageCount`, showing `shown` (positions from 0) of the list; nil when
    /// the list fits on one page. `href` links to a page by its number.
    init?(
        page number: Int, of pageCount: Int, showing shown: Range<Int>, previous: String = "Previous",
        next: String = "Next", href: (Int) -> String
    ) {
        guard pageCount > 1 else { return nil }
        current = number
        self.pageCount = pageCount
        first = shown.lowerBound + 1
        last = shown.upperBound
        previousHref = number > 1 ? href(number - 1) : nil
        nextHref = number < pageCount ? href(number + 1) : nil
        previousLabel = previous
        nextLabel = next
        pages = (1...pageCount).map { PageLink(number: $0, href: href($0), current: $0 == number) }
    }
}

struct StoryPage: PageModel {
    static let template = "story"
    let story: MustacheMerged<EncodedCard, StoryDetails>

    /// What a story's own page shows beyond its card.
    struct StoryDetails: Encodable, Sendable {
        /// The story's markdown, as HTML.
        let html: String
        let actions: [Action]
        let hasActions: Bool
        let lastChange: LastChange?
        /// How the customer's quote reads, when not neutral.
        let quoteTone: String?
    }

    struct Action: Encodable, Sendable {
        let what: String
        let owner: String?
        /// The due date as text, or `""`.
        let due: String
        let done: Bool
    }

    struct LastChange: Encodable, Sendable {
        let dateText: String
        let date: String
        let author: String
    }
}

/// A touchpoint's stories, failures first, a page of ``Routes/storiesPerPage`` at a time,
/// and its scores.
struct TouchpointPage: PageModel {
    static let template = "touchpoint"
    let touchpoint: Step
    /// This page's failures and successes.
    let failures: [EncodedCard]
    let successes: [EncodedCard]
    let hasStories: Bool
    /// Of all the touchpoint's stories, not only this page's.
    let count: Int
    /// Nil when every story fits on one page.
    let pagination: Pagination?
    let scores: [PointValue]
    let hasScores: Bool
    /// The themes mentioned here most in the latest complete period.
    let themes: [ThemeLink]
    let hasThemes: Bool
    /// "31% of the comments here in Q3 2026 read negative", when there are comments.
    let negativeText: String?
    /// The inventory's entry: channel, owner, what happens here.
    let channel: String?
    let owner: String?
    let interactions: [TouchpointsPage.Interaction]
    let hasInteractions: Bool
    /// Each journey this touchpoint is a step of, with its steps.
    let journeys: [JourneyPlace]

    struct Step: Encodable, Sendable {
        let id: String
        let name: String
    }

    /// This touchpoint's place in one journey.
    struct JourneyPlace: Encodable, Sendable {
        let name: String
        let href: String
        /// Its step in the journey, from 1.
        let step: Int
        let steps: [JourneyLink]
    }

    struct JourneyLink: Encodable, Sendable {
        let name: String
        let href: String
        let current: Bool
    }
}

struct ScorecardPage: PageModel {
    static let template = "scorecard"
    let metrics: [MetricCard]
    let hasMetrics: Bool
    let reading: ReadingNote
    let drivers: DriversPart?
    /// NPS (and any survey metric answered at several levels) at the three levels.
    let levels: [LevelsPart]
    /// What a printed copy says it is: the day the site's figures run to.
    let printStamp: String
}

/// `404.html`: the layout alone, its links from `base_url`.
struct NotFoundPage: PageModel {
    static let template = "404"
}

/// The perception gap: what leaders, staff and customers say about the same statements.
struct GapPage: PageModel {
    static let template = "gap"
    let hasRound: Bool
    let round: RoundSummary?
    /// The chart of the newest round, as SVG.
    let chart: String?
    let ratings: [Rating]
    let groups: [GroupLabel]
    let questions: [QuestionRow]
    let hasTrend: Bool
    let trendRounds: [TrendRound]
    let trend: [TrendRow]
    let earlierRounds: [RoundSummary]

    struct Rating: Encodable, Sendable {
        let statement: String
        let gapText: String
        let groups: [Share]
    }

    struct Share: Encodable, Sendable {
        let text: String
        let n: Int?
        let missing: Bool
    }

    struct GroupLabel: Encodable, Sendable {
        let label: String
    }

    /// One of the four questions, with every group's answers; those given by one group only
    /// are marked.
    struct QuestionRow: Encodable, Sendable {
        let question: String
        let groups: [GroupAnswers]
    }

    struct GroupAnswers: Encodable, Sendable {
        let label: String
        let answers: [Answer]
        let hasAnswers: Bool
        /// Why a small group's answers are not shown (`min_n_comments`), when they are not.
        let hidden: String?
    }

    struct Answer: Encodable, Sendable {
        let text: String
        let only: Bool
        /// How the answer reads, when not neutral.
        let tone: String?
    }

    struct TrendRound: Encodable, Sendable {
        let title: String
        let dateText: String
    }

    struct TrendRow: Encodable, Sendable {
        let statement: String
        let cells: [Cell]
    }

    struct Cell: Encodable, Sendable {
        let text: String
    }
}

/// The journey: every step with its score and stories, then the failures that crossed steps.
/// Every journey: its own NPS, its steps, its stories, and where its failures start; then
/// NPS at the three levels.
struct JourneysPage: PageModel {
    static let template = "journeys"
    let journeys: [Summary]
    let hasJourneys: Bool
    let levels: [LevelsPart]

    struct Summary: Encodable, Sendable {
        let name: String
        let href: String
        /// The journey's own NPS (responses that name it), latest complete period.
        let score: PointValue?
        let steps: [TouchpointLink]
        /// "4 stories", "1 failure".
        let storiesText: String
        let failuresText: String
        let failureStart: JourneyPage.FailureStart?
    }
}

/// One journey: its NPS, each step with its transactional score and stories, the failures
/// drawn across the steps they crossed, and the step where most of them start.
struct JourneyPage: PageModel {
    static let template = "journey"
    let name: String
    let score: PointValue?
    let failureStart: FailureStart?
    let steps: [Step]
    let stepNames: [StepName]
    /// The newest ``JourneyPage/compoundingShown``.
    let compounding: [CompoundingFailure]
    let hasCompounding: Bool
    /// How many older ones are not drawn; nil when all are.
    let moreCompounding: Int?
    let otherJourneys: [TouchpointLink]

    /// A journey map stays readable: each step shows its newest stories, and the table its
    /// newest failures.
    static let storiesPerStep = 12
    static let compoundingShown = 50

    /// The step where most of the journey's failures first went wrong.
    struct FailureStart: Encodable, Sendable {
        let step: String
        let href: String
        let count: Int
        let of: Int
    }

    struct Step: Encodable, Sendable {
        let name: String
        let href: String
        /// The first metric with a value at this step.
        let score: PointValue?
        /// "3 successes", "1 failure".
        let successText: String
        let failureText: String
        /// The newest ``JourneyPage/storiesPerStep``; the touchpoint's page has them all.
        let stories: [StoryLink]
        /// How many more the touchpoint's page lists; nil when all are here.
        let moreStories: Int?
    }

    struct StoryLink: Encodable, Sendable {
        let title: String
        let outcome: String
        let href: String
    }

    struct StepName: Encodable, Sendable {
        let name: String
    }

    /// A failure drawn across the journey's steps, from the first it touched to the last.
    struct CompoundingFailure: Encodable, Sendable {
        let title: String
        let href: String
        let dateText: String
        let isOpen: Bool
        let cells: [Cell]
    }

    struct Cell: Encodable, Sendable {
        /// `outside`, `between`, `only`, `first`, `last` or `touched`.
        let state: String
        let touched: Bool
        let step: String
    }
}

/// The touchpoint inventory: every touchpoint with its channel, owner, what happens there,
/// the journeys it is a step of, its latest scores, its themes and its stories.
struct TouchpointsPage: PageModel {
    static let template = "touchpoints"
    let touchpoints: [Row]

    struct Row: Encodable, Sendable {
        let name: String
        let href: String
        let channel: String?
        let owner: String?
        let interactions: [Interaction]
        let hasInteractions: Bool
        let journeys: [TouchpointLink]
        let scores: [PointValue]
        let themes: [ThemeLink]
        /// "5 stories"; "1 failure", nil without one.
        let storiesText: String
        let failuresText: String?
    }

    struct Interaction: Encodable, Sendable {
        let text: String
    }
}

struct LoopsPage: PageModel {
    static let template = "loops"
    let loops: [LoopRow]
    /// "3 stories still waiting".
    let countText: String
    let hasLoops: Bool
    let todayText: String
    let byOwner: [LoopGroup]
    let byTouchpoint: [LoopGroup]

    struct LoopGroup: Encodable, Sendable {
        let name: String
        let loops: [LoopRow]
    }
}

// MARK: - Parts

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

/// A story as lists show it (`partials/story-card`).
struct StoryCard: Encodable, Sendable {
    let slug: String
    let href: String
    let title: String
    let date: String
    let dateText: String
    let outcome: String
    let isFailure: Bool
    let outcomeLabel: String
    let customer: String?
    let segment: String?
    let score: Int?
    /// `promoter`, `passive`, `detractor`, or `""` without a score.
    let scoreClass: String
    let quote: String?
    /// The first paragraph of the story, as text.
    let summary: String
    let tags: [String]
    let owner: String?
    let status: String?
    let isOpen: Bool
    let loop: String?
    let draft: Bool
    let touchpoints: [TouchpointLink]
    let hasTouchpoints: Bool
    let crossesTouchpoints: Bool
}

struct TouchpointLink: Encodable, Sendable {
    let id: String
    let name: String
    let href: String
}

/// A metric's value at one point: in a group (touchpoint, segment or all) and period.
struct PointValue: Encodable, Sendable {
    let name: String
    let period: String
    let valueText: String
    let marginText: String?
    let n: Int?
    /// Kish's effective sample size, rounded, when the responses carry weights.
    let effectiveN: String?
    /// Fewer responses than `min_n`: `valueText` says so, and nothing else is shown.
    let suppressed: Bool
    /// The period is in progress ("so far").
    let partial: Bool
    let change: Change?
    let trend: Trend?
    let target: Target?

    /// The trend test over the last periods.
    struct Trend: Encodable, Sendable {
        /// `rising`, `falling` or `none`.
        let direction: String
        let text: String
    }

    /// Since the period before, and whether it is more than noise.
    struct Change: Encodable, Sendable {
        let previousText: String
        let previousPeriod: String
        let deltaText: String
        let arrow: String
        /// `better`, `worse` or `flat` (noise counts as flat).
        let direction: String
        let significant: Bool
        let noise: Bool
    }

    struct Target: Encodable, Sendable {
        let text: String
        let met: Bool
    }
}

/// A metric's card (`partials/metric-card`): its value with the history, breakdowns and the
/// people behind the number.
typealias MetricCard = MustacheMerged<PointValue, MetricDetails>

struct MetricDetails: Encodable, Sendable {
    let id: String
    /// The last up to 8 periods, as SVG.
    let sparkline: String
    let history: [HistoryRow]
    let touchpoints: [TouchpointValue]
    let hasTouchpoints: Bool
    let touchpointChart: String
    let segments: [SegmentValue]
    let hasSegments: Bool
    let segmentChart: String
    let behind: BehindTheNumber?

    struct HistoryRow: Encodable, Sendable {
        let period: String
        let valueText: String
        let marginText: String?
        let n: Int?
    }

    struct TouchpointValue: Encodable, Sendable {
        let name: String
        let href: String
        let valueText: String
        let marginText: String?
        let n: Int?
        /// How many pulled the number down.
        let critical: Int?
        /// "5 stories"; "1 failure", nil without one.
        let storiesText: String
        let failuresText: String?
    }

    struct SegmentValue: Encodable, Sendable {
        let name: String
        let valueText: String
        let marginText: String?
        let n: Int?
    }
}

/// The people behind a computed number: how many pulled it down, in their own words.
struct BehindTheNumber: Encodable, Sendable {
    let critical: Int
    let who: String
    let shareText: String
    let n: Int
    let hasComments: Bool
    let comments: [Comment]

    struct Comment: Encodable, Sendable {
        let text: String
        let score: Int
        let dateText: String
        let date: String
        let touchpoint: String?
        let touchpointHref: String?
        let segment: String?
    }
}

/// The headline of a perception round: its largest gap.
struct GapHeadline: Encodable, Sendable {
    let round: String
    let dateText: String
    let statement: String
    let leadership: String?
    let staff: String?
    let customers: String?
    let gapText: String
    let href: String
}

struct RoundSummary: Encodable, Sendable {
    let title: String
    let date: String
    let dateText: String
}

/// An open loop as of a date: its age and what is still to do.
struct LoopRow: Encodable, Sendable {
    let title: String
    let href: String
    let age: Int
    let ageText: String
    let stale: Bool
    let owner: String?
    let loop: String?
    let outcome: String
    let touchpoints: [TouchpointName]
    let openActions: Int
    let overdueActions: Int
    let hasOverdue: Bool
    let nextAction: String?

    struct TouchpointName: Encodable, Sendable {
        let name: String
        let href: String
    }
}
