import Mustache

/// The perception gap: what leaders, staff and customers say about the same statements.
struct GapPage: PageModel {
    static let template = "gap"
    let hasRound: Bool
    let round: RoundSummary?
    /// The chart of the newest round, as SVG.
    let chart: String?
    let ratings: [Rating]
    /// Which groups answered in fewer than `min_n`, when any did.
    let smallGroups: String?
    let groups: [GroupLabel]
    let questions: [QuestionRow]
    let hasTrend: Bool
    let trendRounds: [TrendRound]
    let trend: [TrendRow]
    let earlierRounds: [RoundSummary]

    struct Rating: Encodable, Sendable {
        let statement: String
        let gapText: String
        /// The gap's 95% interval, or why it has none; nil without a gap.
        let uncertainty: String?
        let groups: [Share]
    }

    struct Share: Encodable, Sendable {
        let text: String
        let n: Count?
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

/// The headline of a perception round: its largest gap.
struct GapHeadline: Encodable, Sendable {
    let round: String
    let dateText: String
    let statement: String
    /// Each group's share and, where counts were given, its n.
    let sharesText: String
    let gapText: String
    /// The gap's 95% interval, or why it has none.
    let uncertainty: String
    let href: String
    /// The statement as one row of the gap chart: a marker per group on a line.
    let chart: String
}

struct RoundSummary: Encodable, Sendable {
    let title: String
    let date: String
    let dateText: String
}
