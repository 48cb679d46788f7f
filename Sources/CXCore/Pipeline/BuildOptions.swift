import Diagnostics
import Foundation
import Mustache

/// The version of cxsite, which `--version` prints and the build cache keys on.
public let cxsiteVersion = "0.2.0"

/// What `cxsite build` is asked to do.
public struct BuildOptions: Sendable {
    /// The site folder, holding `cxsite.yaml`, `content/` and optionally `templates/`.
    public var source: URL
    /// Where the site is written; `SOURCE/public` by default.
    public var output: URL
    /// Include stories marked `draft: true`.
    public var includeDrafts: Bool
    /// The command's clock, read once at the command line's edge: `SOURCE_DATE_EPOCH` fixes
    /// the build's date; without it the newest date in the content stands for "today". Content
    /// dated after ``Clock/today`` is "from the future", moves no "today", and is a warning
    /// unless `allowsFuture`; file stamps settled at its instant are kept by the cache.
    public var clock: Clock
    /// Stories dated after today are meant (`--future`): no warning.
    public var allowsFuture = false
    /// Show on each story when it last changed and who changed it, from git.
    public var useGit = true
    /// Keep the previous output beside the new one, and a build cache in
    /// `SOURCE/.cxsite-cache/`, so the next build parses, renders and writes only what
    /// changed (`--no-cache` turns both off).
    public var useCache = true
    /// The public address for this build in place of `cxsite.yaml`'s `base_url`
    /// (`--base-url`, for a staging copy).
    public var baseURL: String?

    /// The most steps one page's template may take before the build stops with an error at
    /// the section that repeats (50 million: a second or so).
    public var maximumRenderSteps = RenderOptions().maximumSteps

    /// Told the share of a large response import done so far (for a progress bar).
    public var progress: (@Sendable (Double) -> Void)?

    /// Told, once, that another build is writing the same output and this one waits for it.
    public var waiting: (@Sendable (String) -> Void)?

    /// The site's model and caches are not freed when `build` returns but left for the
    /// process's exit to reclaim at once: for a command that exits right after the build
    /// (freeing ten thousand stories object by object is a tenth of a one-story rebuild).
    public var leavesMemoryToExit = false

    public init(source: URL, output: URL? = nil, includeDrafts: Bool = false, clock: Clock) {
        self.source = source
        self.output = output ?? source.appendingPathComponent("public")
        self.includeDrafts = includeDrafts
        self.clock = clock
    }
}

/// What a finished build made.
public struct BuildSummary: Sendable {
    public var stories: Int
    public var briefings: Int
    public var pages: Int
    public var seconds: Double
    public var output: URL
    /// Warnings found on the way; errors stop the build instead.
    public var warnings: [Diagnostic]
    /// Seconds spent in each stage, in pipeline order.
    public var stages: [(name: String, seconds: Double)]
    /// What the build cache saved: story files taken from it rather than parsed (and their
    /// markdown not rendered again), and pages the spare still held rather than rendered.
    public var reuse = Reuse()
    /// Contact details masked in customers' comments (`privacy:` in `cxsite.yaml`).
    public var maskedContactDetails = 0

    public struct Reuse: Sendable, Equatable {
        public var storiesParsed = 0
        public var storiesReused = 0
        /// Of the stories reused, those whose files were not even read: their metadata was as
        /// the cache had it.
        public var storiesNotRead = 0
        public var pagesRendered = 0
        public var pagesKept = 0

        public init(storiesParsed: Int = 0, storiesReused: Int = 0, storiesNotRead: Int = 0, pagesRendered: Int = 0, pagesKept: Int = 0) {
            self.storiesParsed = storiesParsed
            self.storiesReused = storiesReused
            self.storiesNotRead = storiesNotRead
            self.pagesRendered = pagesRendered
            self.pagesKept = pagesKept
        }
    }

    /// `Built 18 stories and 3 briefings into 34 pages in 0.21 s, with 2 warnings → public/`
    public var line: String {
        let warned = warnings.count { $0.severity == .warning }
        return "Built \(NumberText.counted(stories, "story", "stories")) and \(NumberText.counted(briefings, "briefing", "briefings")) "
            + "into \(NumberText.counted(pages, "page", "pages")) in \(String(format: "%.2f", seconds)) s"
            + (warned == 0 ? "" : ", with \(NumberText.counted(warned, "warning", "warnings"))")
            + (maskedContactDetails == 0
                ? "" : ", \(NumberText.counted(maskedContactDetails, "contact detail", "contact details")) masked in comments")
            + " → \(output.path)"
    }
}

/// A site rendered into memory: output paths and their bytes.
public struct RenderedSite: Sendable {
    public let files: [String: [UInt8]]
    public let warnings: [Diagnostic]
    public let summary: String
    /// What the next build into memory may reuse: the stories parsed and the pages rendered.
    let cache: BuildCache?
    /// How many stories were parsed, and how many pages rendered rather than kept.
    public let reuse: BuildSummary.Reuse
}
