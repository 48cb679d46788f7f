import Mustache

struct ScorecardPage: PageModel {
    static let template = "scorecard"
    let metrics: [MetricCard]
    let hasMetrics: Bool
    /// Why the latest complete period's scores moved.
    let movement: MovementPart?
    let reading: ReadingNote
    let drivers: DriversPart?
    /// NPS (and any survey metric answered at several levels) at the three levels.
    let levels: [LevelsPart]
    /// What a printed copy says it is: the day the site's figures run to.
    let printStamp: String
}
