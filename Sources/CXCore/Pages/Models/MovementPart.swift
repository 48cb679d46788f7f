/// Why the scores moved in a period: each headline change in one sentence that names its
/// biggest parts, and every split with each part's interval (`partials/movement`).
struct MovementPart: Encodable, Sendable {
    let periodLabel: String
    let metrics: [Metric]

    /// One metric's change and its splits.
    struct Metric: Encodable, Sendable {
        let sentence: String
        let splits: [Split]
    }

    /// A change split one way: by theme, segment, touchpoint or journey.
    struct Split: Encodable, Sendable {
        let title: String
        let rows: [Row]
        let chart: String
    }

    /// One part: its group, what it adds, the interval, and whether the group's share or its
    /// value moved.
    struct Row: Encodable, Sendable {
        let name: String
        let href: String?
        let contributionText: String
        let intervalText: String?
        let shareText: String
        let reason: String?
        let clear: Bool
    }
}
