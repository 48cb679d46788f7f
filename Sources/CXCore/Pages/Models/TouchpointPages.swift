import Mustache

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
    let count: Count
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

struct TouchpointLink: Encodable, Sendable {
    let id: String
    let name: String
    let href: String
}
