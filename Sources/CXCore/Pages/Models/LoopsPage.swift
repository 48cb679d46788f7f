import Mustache

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

/// An open loop as of a date: its age and what is still to do.
struct LoopRow: Encodable, Sendable {
    let title: String
    let href: String
    let age: Int
    let ageText: String
    /// Open longer than ``Site/staleLoopDays``, or past its expected close.
    let stale: Bool
    /// When a loop meant to run long should close, and why.
    let expectedText: String?
    let owner: String?
    let loop: String?
    let outcome: String
    let touchpoints: [NamedLink]
    let openActions: Int
    let overdueActions: Int
    let hasOverdue: Bool
    let nextAction: String?
}
