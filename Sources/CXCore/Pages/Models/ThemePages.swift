import Mustache

/// The themes customers write about, ranked by what they cost in the latest complete period.
struct ThemesPage: PageModel {
    static let template = "themes"
    let periodLabel: String?
    let themes: [ThemeSummary]
    let hasThemes: Bool
    /// False when the site has no `content/themes.yaml`.
    let configured: Bool
    let minimumN: Int
    /// "4 phrases", when phrases no theme names set detractors apart: the analysts' page
    /// lists them.
    let suggestionsText: String?
    let analysisHref: String
    /// Where the score and the words disagree in the period.
    let mismatches: Mismatches?

    struct Mismatches: Encodable, Sendable {
        let angryPromoters: Int
        let warmDetractors: Int
        let comments: [BehindTheNumber.Comment]
    }
}

/// For analysts: how every figure is made, and the phrases that set detractors apart which
/// no theme names yet, with the command that names one. Leaders' pages link here.
struct AnalysisPage: PageModel {
    static let template = "analysis"
    let reading: ReadingNote
    let periodLabel: String?
    let suggestions: [Suggestion]
    let hasSuggestions: Bool

    struct Suggestion: Encodable, Sendable {
        let phrase: String
        let zText: String
        let detractors: Count
        let promoters: Count
        /// The command that makes it a theme.
        let command: String
        let risingText: String?
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
        let mentions: Count
        let shareText: String?
    }

    struct TouchpointMention: Encodable, Sendable {
        let name: String
        let href: String
        let mentions: Count
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
    let mentions: Count
    let shareText: String?
    let withText: String?
    let withoutText: String?
    /// "38% of its comments read negative".
    let negativeText: String?
    /// "Rising: 6% of the comments, up from 2% in the 6 periods before", when its share rose
    /// by more than chance.
    let risingText: String?
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
/// A theme or phrase whose share of the comments rose by more than chance, as a briefing names it.
struct RisingLink: Encodable, Sendable {
    let name: String
    let href: String?
    /// "6% of the comments, up from 2% in the 6 periods before".
    let text: String
}

struct ThemeLink: Encodable, Sendable {
    let name: String
    let href: String
    /// The NPS points it costs or adds; nil when too few mention it to say.
    let impactText: String?
    let mentions: Count
}

/// How to read the scorecard's numbers: the methods, said once below the cards.
struct ReadingNote: Encodable, Sendable {
    let analysisHref: String
    let minimumN: Int
    /// In percent.
    let falseDiscoveryRate: Int
    let trendPeriods: Int
}
