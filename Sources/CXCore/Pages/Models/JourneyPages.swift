import Mustache

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
    /// The journeys after this one in `cxsite.yaml`, at most ``otherJourneysShown``, so a
    /// site of thousands of journeys does not write each one on every journey's page.
    let otherJourneys: [TouchpointLink]
    /// How many other journeys only the journeys page lists; nil when all are here.
    let moreJourneys: Int?
    let journeysHref: String

    /// A journey map stays readable: each step shows its newest stories, and the table its
    /// newest failures.
    static let storiesPerStep = 12
    static let compoundingShown = 50
    static let otherJourneysShown = 24

    /// The step where most of the journey's failures first went wrong.
    struct FailureStart: Encodable, Sendable {
        let step: String
        let href: String
        let count: Count
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
