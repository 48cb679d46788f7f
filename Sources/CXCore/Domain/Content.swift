import Diagnostics
import Markdown

/// How a story ended for the customer.
public enum Outcome: String, CaseIterable, Sendable {
    case success, failure
}

/// Whether the loop on a story is still open.
public enum LoopStatus: String, CaseIterable, Sendable {
    case open, closed
}

/// The level at which a story's feedback loop closes.
public enum LoopLevel: String, CaseIterable, Sendable {
    case operational, tactical, strategic
}

/// One customer's experience, from `content/stories/SLUG.md`. A class: the model shares one
/// story among many lists (newest first, by touchpoint, open loops), and copying a struct of
/// twenty strings and lists to each costs more than rendering it.
public final class Story: Sendable {
    public let slug: String
    public let title: String
    public let date: Day
    public let outcome: Outcome
    public let customer: String?
    public let segment: String?
    /// Touchpoint ids, validated against `cxsite.yaml`.
    public let touchpoints: [String]
    /// The journeys the story names (`journeys`), validated; without any, the site infers them.
    public let journeys: [String]
    /// The customer's own 0–10 score.
    public let score: Int?
    public let quote: String?
    public let tags: [String]
    /// The themes the story names (`content/themes.yaml` ids), where each is written.
    public let themes: [ThemeReference]
    public let owner: String?
    public let status: LoopStatus?
    public let loop: LoopLevel?
    public let actions: [Action]
    public let draft: Bool
    /// The customer left (`left: true`, or the date they left).
    public let left: Bool
    public let leftDate: Day?
    /// A loop meant to run long: when it should close, and why it takes that long.
    public let expectedClose: ExpectedClose?
    /// The picture its cards show (`image:`), relative to the story's file, where it is written.
    public let image: ImageReference?
    /// Where `date` and `status` are written, for warnings about them.
    public let dateLocation: SourceLocation?
    public let statusLocation: SourceLocation?
    /// The markdown after the front matter, rendered.
    public let body: StoryBody
    /// The file line the body starts on.
    public let bodyLine: Int
    public let path: String
    /// The stable hash of the file's text: what the story, its markdown and its page are
    /// made from, given the config.
    public let sourceHash: UInt64
    /// What the story's card is made from, given the config: the file's text and its path (a
    /// renamed story's card links elsewhere). Hashed once: every list page that shows the
    /// card is known by it.
    let cardHash: UInt64

    public init(
        slug: String, title: String, date: Day, outcome: Outcome, customer: String?, segment: String?,
        touchpoints: [String], journeys: [String] = [], score: Int?, quote: String?, tags: [String], themes: [ThemeReference] = [], owner: String?,
        status: LoopStatus?, loop: LoopLevel?, actions: [Action], draft: Bool, left: Bool = false, leftDate: Day? = nil,
        expectedClose: ExpectedClose? = nil, image: ImageReference? = nil, dateLocation: SourceLocation? = nil, statusLocation: SourceLocation?,
        body: StoryBody, bodyLine: Int, path: String, sourceHash: UInt64
    ) {
        self.slug = slug
        self.title = title
        self.date = date
        self.outcome = outcome
        self.customer = customer
        self.segment = segment
        self.touchpoints = touchpoints
        self.journeys = journeys
        self.score = score
        self.quote = quote
        self.tags = tags
        self.themes = themes
        self.owner = owner
        self.status = status
        self.loop = loop
        self.actions = actions
        self.draft = draft
        self.left = left
        self.leftDate = leftDate
        self.expectedClose = expectedClose
        self.image = image
        self.dateLocation = dateLocation
        self.statusLocation = statusLocation
        self.body = body
        self.bodyLine = bodyLine
        self.path = path
        self.sourceHash = sourceHash
        var card = StableHasher()
        card.combine(sourceHash)
        card.combine(path)
        cardHash = card.finalize()
    }

    /// A follow-up that closes the loop.
    /// A theme a story names, and where.
    public struct ThemeReference: Sendable, Equatable {
        public var id: String
        public var location: SourceLocation
    }

    public struct Action: Sendable {
        public var what: String
        public var owner: String?
        public var due: Day?
        public var done: Bool
    }

    /// `expected_close: {date: 2027-03-31, reason: …}`: the loop is meant to stay open until
    /// then, so the warning about a long-open loop waits for that date.
    public struct ExpectedClose: Sendable, Equatable {
        public var date: Day
        public var reason: String
    }

    /// `image: letter.png`: a picture beside the story, by its path from the story's file.
    public struct ImageReference: Sendable, Equatable {
        public var path: String
        public var location: SourceLocation
    }
}

extension Story {
    /// The front-matter fields of a story file, in the order `cxsite new` writes them: the
    /// one list the parser reads, checks unknown keys against, and `new` fills in.
    enum Field: String, CaseIterable, Sendable {
        case title, date, outcome, customer, segment, touchpoints, journeys, score, quote, image, tags, themes, owner, status, loop, left
        case
            expectedClose = "expected_close"
        case actions, draft

        /// What `cxsite new` writes after the value, as a comment.
        var hint: String? {
            switch self {
            case .outcome: Self.choices(Outcome.self)
            case .segment: "e.g. residential, small-business, enterprise"
            case .score: "the customer's own \(SurveyMetric.text(SurveyMetric.nps.scale))"
            case .owner: "who closes the loop"
            case .status: Self.choices(LoopStatus.self)
            case .loop: Self.choices(LoopLevel.self)
            case .themes: "ids from content/themes.yaml"
            case .journeys: "ids from cxsite.yaml; left out, the journeys holding every touchpoint"
            case .left: "true, or the date the customer left"
            case .image: "a picture beside the story for its cards; else the first in the text"
            case .expectedClose: "{date: YYYY-MM-DD, reason: why} for a loop meant to run long"
            case .title, .date, .customer, .touchpoints, .quote, .tags, .actions, .draft: nil
            }
        }

        /// The values a field of `choice` takes, as its hint lists them: `open | closed`.
        private static func choices<Choice: CaseIterable & RawRepresentable<String>>(_ choice: Choice.Type) -> String {
            choice.allCases.map(\.rawValue).joined(separator: " | ")
        }
    }

    /// Where the story's page is, and how links name it.
    var route: Route { Routes.story(slug) }

    /// Newest first; on the same day, by slug.
    static func newestFirst(_ a: Story, _ b: Story) -> Bool { (a.date, b.slug) > (b.date, a.slug) }
}

/// A leadership-meeting briefing, from `content/briefings/SLUG.md`.
public struct Briefing: Sendable {
    public var slug: String
    public var title: String
    public var date: Day
    public var period: Period
    /// Stories to open with, as written, with where each slug stands for errors.
    public var storyReferences: [(slug: String, location: SourceLocation)]
    /// Where the `stories` field is written, or the top of the file: for warnings.
    public var storiesLocation: SourceLocation
    /// The briefing's notes, rendered with their headings a level down (they sit under the
    /// page's own).
    public var body: RenderedMarkdown
    /// The file line the body starts on.
    public var bodyLine: Int
    public var path: String
    /// Where the author's note and the decisions go: after the stories (the default) or
    /// before them (`agenda: top`).
    public var agenda: AgendaPlace = .afterStories
    /// What the one-page printed handout holds, in order (`handout:`).
    public var handout: [HandoutPart] = HandoutPart.allCases
    /// The figures it showed when frozen (`cxsite freeze`), to show beside today's.
    public var published: PublishedFigures?
}

/// Where a briefing puts its author's note and decisions (`agenda:`).
public enum AgendaPlace: String, CaseIterable, Sendable {
    case top
    case afterStories = "after-stories"
}

/// A part of a briefing the printed handout can hold (`handout:`), in the default order.
public enum HandoutPart: String, CaseIterable, Sendable {
    case stories, decisions, customers, gap, scores, movement, loops
}

extension Briefing {
    /// Where the briefing's page is, and how links name it.
    var route: Route { Routes.briefing(slug) }
}

/// One row of a metric snapshot file: an already-aggregated value.
public struct MetricSnapshot: Sendable {
    public var period: Period
    public var metric: String
    public var value: Double
    public var n: Int?
    /// Everyone, or the segment, touchpoint, journey or level the row gives.
    var group: Scorecard.Group
    public var target: Double?
    public var location: SourceLocation
}

/// Everything under `content/`, parsed and validated against the config.
public struct Content: Sendable {
    public var stories: [Story] = []
    public var briefings: [Briefing] = []
    public var snapshots: [MetricSnapshot] = []
    /// Survey tallies, in file order.
    public var tallies: [MetricTally] = []
    /// The themes of `content/themes.yaml`.
    var themes = ThemeCatalog()
    /// What reads the polarity of comments: the site's lexicon or the built-in one.
    var sentiment = SentimentLexicon.builtIn
    /// A hash of the site's lexicon (0 for the built-in one).
    var sentimentHash: UInt64 = 0
    /// Perception-gap survey rounds, in file order.
    public var perceptionRounds: [PerceptionRound] = []
    /// Files copied into the output as they are (`static/`, images beside the stories).
    var staticFiles: [StaticFile] = []
    /// The files read, by path, so later stages can quote the line an error points at.
    var files: [String: SourceFile] = [:]
    /// When each content file last changed in git, and who changed it.
    var history = GitHistory()

    /// An error at `location` in one of the content files, with its source line when the
    /// file was read (one taken from the build cache is quoted by `Load.quote`).
    func diagnostic(_ message: String, at location: SourceLocation, _ severity: Diagnostic.Severity = .error) -> Diagnostic {
        guard let file = files[location.path] else { return Diagnostic(severity, message, at: location) }
        return file.diagnostic(message, line: location.line, column: location.column, severity: severity)
    }
}
