import Mustache

/// A segment (a business unit, a plan, a region) against the whole company: its scores with
/// the test of the difference, why they moved, its themes, stories and open loops.
struct SegmentPage: PageModel {
    static let template = "segment"
    let name: String
    let periodLabel: String?
    let scores: [Score]
    let hasScores: Bool
    let movement: MovementPart?
    let themes: [Mention]
    let hasThemes: Bool
    let stories: [EncodedCard]
    let hasStories: Bool
    let openLoops: [LoopRow]
    let hasOpenLoops: Bool
    let otherSegments: [NamedLink]

    /// One metric: the segment's value, the company's, and whether they differ beyond chance.
    struct Score: Encodable, Sendable {
        let metric: String
        let valueText: String
        let marginText: String?
        let n: Count
        let companyText: String
        let differenceText: String
        /// "above the company, beyond chance", "no clear difference", or why there is no test.
        let verdict: String
        let clear: Bool
    }

    struct Mention: Encodable, Sendable {
        let name: String
        let href: String
        let mentions: Count
    }
}
