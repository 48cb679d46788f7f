import Mustache

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
    /// The story's picture (``Site/cardImage(of:)``).
    let image: CardImage?

    struct CardImage: Encodable, Sendable {
        let src: String
        /// Empty when the picture only repeats the title.
        let alt: String
        let width: Int
        let height: Int
    }
}

/// A metric's value at one point: in a group (touchpoint, segment or all) and period.
struct PointValue: Encodable, Sendable {
    let name: String
    /// The level the value measures, where it is not every response.
    let level: String?
    let period: String
    let valueText: String
    /// The scale beside a value whose unit does not say it: `of 7` for CES.
    let scaleText: String?
    let marginText: String?
    let n: Count?
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

    /// Industry or competitor figures, at the headline only: never the target.
    let benchmarks: [BenchmarkText]

    /// "Industry average +32", its source and date, and how the value compares.
    struct BenchmarkText: Encodable, Sendable {
        let text: String
        let source: String
        let comparison: String
    }

    /// A target and how the value stands against it: `met`, `within` (the target lies inside
    /// the value's 95% interval: on target, within the margin) or `missed`.
    struct Target: Encodable, Sendable {
        let text: String
        let status: String
        let verdict: String
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
    /// Some period has its n: a table with none has no n column.
    let historyHasN: Bool
    let touchpoints: [TouchpointValue]
    let hasTouchpoints: Bool
    let touchpointsHaveN: Bool
    let touchpointChart: String
    let segments: [SegmentValue]
    let hasSegments: Bool
    /// The segments' own pages.
    let segmentPages: [NamedLink]
    let segmentChart: String
    let behind: BehindTheNumber?
    /// What customers wrote, from both sides of the score (``PageBuilder/voices(_:in:)``).
    let voices: [Voice]

    /// A customer's words under a number: the newest comment from one side of the score that
    /// mentions the period's costliest theme, or the theme that adds most.
    struct Voice: Encodable, Sendable {
        let text: String
        let score: Int
        /// `worse` (a critical score) or `better` (a top score).
        let side: String
        let theme: String
        let touchpoint: String?
    }

    struct HistoryRow: Encodable, Sendable {
        let period: String
        let valueText: String
        let marginText: String?
        let n: Count?
    }

    struct TouchpointValue: Encodable, Sendable {
        let name: String
        let href: String
        let valueText: String
        let marginText: String?
        let n: Count?
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
        let n: Count?
    }
}

/// The people behind a computed number: how many pulled it down, in their own words.
struct BehindTheNumber: Encodable, Sendable {
    let critical: Count
    let who: String
    let shareText: String
    let n: Count
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

/// A story named in a line, by its title and outcome.
struct StoryLink: Encodable, Sendable {
    let title: String
    let outcome: String
    let href: String

    init(_ story: Story, root: String) {
        title = Typography.smarten(story.title)
        outcome = story.outcome.rawValue
        href = root + story.route.href
    }
}

/// A page by its name: a segment's, a journey's, a theme's, a touchpoint's.
struct NamedLink: Encodable, Sendable {
    let name: String
    let href: String
}
