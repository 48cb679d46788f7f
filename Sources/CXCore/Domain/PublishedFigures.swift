/// The figures a briefing showed when it was frozen (`cxsite freeze SLUG`), kept in
/// `content/briefings/SLUG.figures.yaml`: a late response dated in a past period changes that
/// period's figures, and the briefing then shows both.
public struct PublishedFigures: Sendable {
    /// The day the figures were frozen.
    public var frozen: Day
    public var figures: [Figure]
    public var path: String

    /// One figure as the briefing showed it: `+30.5 ± 2.9 (n = 1,240)`.
    public struct Figure: Sendable, Equatable {
        /// The metric's id, or `customers.joined` and the like for the customer counts.
        public var id: String
        public var name: String
        public var shown: String
    }

    /// How the figures file of a briefing ends: `SLUG.figures.yaml`.
    static let suffix = ".figures.yaml"

    /// Where the figures of briefing `slug` are kept.
    static func path(of slug: String) -> String { "content/briefings/" + slug + suffix }

    /// The briefing a figures file at `path` belongs to.
    static func slug(of path: String) -> String {
        String(path.split(separator: "/").last?.dropLast(suffix.count) ?? "")
    }

    /// The file's text: a comment that says what it is, then the fields.
    func text(briefing slug: String) -> String {
        var text = """
            # The figures briefing \(slug) showed when they were frozen, written by
            # `cxsite freeze \(slug)`. A build compares them with today's and shows both
            # where late responses changed them. Keep this file in git beside the briefing.
            frozen: \(frozen)
            figures:

            """
        for figure in figures {
            text += "  - id: \(Authoring.yamlString(figure.id))\n    name: \(Authoring.yamlString(figure.name))\n"
            text += "    shown: \(Authoring.yamlString(figure.shown))\n"
        }
        return text
    }
}
