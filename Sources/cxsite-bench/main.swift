import CXCore
// `make bench`: throughput figures for the template engine and whole-site builds.
// Deterministic inputs (a fixed seed), release build, medians of several runs.
import ChildProcess
import Foundation
import Markdown
import Mustache
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// Peak resident memory of this process so far, in MiB (VmHWM).
func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kb / 1024
}

func format(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }

// MARK: - Template engine: the page of the issue

func templateBenchmark() throws {
    let set = try TemplateSet(sources: [
        "layout": """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{{title}}</title><link rel="stylesheet" href="style.css"></head>
        <body>
        {{>header}}
        <main>
        {{$content}}{{/content}}
        </main>
        {{>footer}}
        </body>
        </html>
        """,
        "header":
            "<header class=\"site\"><h1>{{title}}</h1><nav><a href=\"index.html\">Home</a> <a href=\"stories/index.html\">Stories</a></nav></header>\n",
        "footer": "<footer><p>{{footer}}</p></footer>\n",
        "page": """
        {{<layout}}{{$content}}
        <ol class="stories">
        {{#stories}}
          <li class="story">
            <article data-outcome="{{outcome}}">
              <h2><a href="stories/{{slug}}/index.html">{{title}}</a></h2>
              <p class="meta"><time datetime="{{date}}">{{date}}</time> · {{#failure}}<strong class="failure">Failure</strong>{{/failure}}{{^failure}}<strong class="success">Success</strong>{{/failure}}</p>
              {{#quote}}<blockquote><p>{{quote}}</p></blockquote>{{/quote}}
              <ul class="tags">{{#tags}}<li>{{.}}</li>{{/tags}}</ul>
            </article>
          </li>
        {{/stories}}
        </ol>
        {{/content}}{{/layout}}
        """,
    ])
    var random = SeededGenerator(state: 42)
    let words = [
        "billing", "router", "install", "engineer", "fibre", "outage", "renewal", "support", "chat", "refund",
        "upgrade", "speed", "contract", "delay", "apology", "customer", "website", "booking", "credit", "line",
    ]
    let stories: [MustacheValue] = (0..<2000).map { index in
        let title = (0..<7).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        let quote = (0..<18).map { _ in words.randomElement(using: &random)! }.joined(separator: " ") + " & more"
        return [
            "slug": .string("story-\(index)"), "title": .string(title.capitalized),
            "date": .string("2026-\(zeroPad(index % 12 + 1))-\(zeroPad(index % 28 + 1))"),
            "outcome": .string(index % 3 == 0 ? "failure" : "success"), "failure": .bool(index % 3 == 0),
            "quote": .string(quote), "tags": .array((0..<3).map { _ in .string(words.randomElement(using: &random)!) }),
        ]
    }
    let data: MustacheValue = ["title": "Northwind — all stories", "footer": "Built with cxsite", "stories": .array(stories)]
    guard let page = set["page"] else { return }
    var size = 0
    var timings: [Double] = []
    for _ in 0..<30 {
        timings.append(try seconds { size = try page.renderBytes(data, partials: set, options: RenderOptions(expectedSize: 1 << 20)).count })
    }
    let mb = Double(size) / 1_000_000
    let parseTimings = try (0..<200).map { _ in
        try seconds { _ = try TemplateSet(sources: ["page": String(repeating: "<p>{{#a}}{{b}}{{/a}}</p>\n", count: 40)]) }
    }
    print("Template engine — layout + partials around 2,000 stories (\(format(mb * 1000, 0)) KB of HTML)")
    print("  render: median \(format(median(timings) * 1000, 2)) ms → \(format(mb / median(timings), 0)) MB/s")
    print("  parse a 40-section template: median \(format(median(parseTimings) * 1_000_000, 0)) µs")
}

func zeroPad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

// MARK: - Whole-site builds and response aggregation

/// The shape of a synthetic site: two differently shaped corpora keep any figure from being
/// tuned to one.
struct Corpus: Sendable {
    let name: String
    /// Paragraphs of prose in each of a story's two sections.
    let paragraphs: Int
    let touchpointsPerStory: ClosedRange<Int>
    let tags: Int
    let briefings: Int
    let responses: Int

    /// Stories of about 2.5 KB with headings, a list, a table and a quote; 1–3 touchpoints,
    /// two tags, one briefing.
    static let long = Corpus(name: "A (long stories)", paragraphs: 5, touchpointsPerStory: 1...3, tags: 2, briefings: 1, responses: 0)
    /// Stories of about 0.8 KB crossing 2–5 touchpoints, five tags, 24 briefings and
    /// 200,000 survey responses.
    static let short = Corpus(
        name: "B (short stories, many briefings, responses)", paragraphs: 1, touchpointsPerStory: 2...5,
        tags: 5, briefings: 24, responses: 200_000)
}

/// Writes a synthetic site of `count` stories shaped like `corpus` into `folder`.
/// The year the synthetic content is dated in: a past one, so that no story is dated after the
/// day the benchmark runs (such stories are warnings, which a real site does not have).
let benchYear = 2025

func writeSyntheticSite(stories count: Int, into folder: URL, corpus: Corpus = .long) throws {
    let fileManager = FileManager.default
    try? fileManager.removeItem(at: folder)
    for sub in ["content/stories", "content/briefings", "content/metrics"] {
        try fileManager.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    let touchpoints = ["website", "sales", "onboarding", "installation", "billing", "support", "renewal"]
    try """
    title: Synthetic Broadband — CX briefing
    period: quarter
    journey:
    \(touchpoints.map { "  - id: \($0)\n    name: \($0.capitalized)" }.joined(separator: "\n"))
    """.write(to: folder.appendingPathComponent("cxsite.yaml"), atomically: true, encoding: .utf8)
    var random = SeededGenerator(state: UInt64(count) &+ UInt64(corpus.paragraphs))
    let words = [
        "the", "engineer", "arrived", "late", "and", "billing", "charged", "twice", "customer", "called",
        "support", "three", "times", "before", "refund", "was", "raised", "router", "failed", "again",
    ]
    func sentence(_ n: Int) -> String {
        var text = (0..<n).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        text = text.prefix(1).uppercased() + text.dropFirst()
        return text + "."
    }
    let spread = corpus.touchpointsPerStory.count
    for index in 0..<count {
        let day = 1 + index % 28
        let month = 1 + (index / 28) % 12
        let crossed = corpus.touchpointsPerStory.lowerBound + index % spread
        let tps = (0..<crossed).map { touchpoints[(index + $0 * 2) % touchpoints.count] }
        let body = """
            ## What happened

            \((0..<corpus.paragraphs).map { _ in sentence(14) }.joined(separator: " "))

            - \(sentence(8))
            - \(sentence(9))
            - \(sentence(7))
            \(corpus.paragraphs < 3 ? "" : """

                | Contact | Date | Outcome |
                |---------|------|---------|
                | 1 | \(benchYear)-\(zeroPad(month))-\(zeroPad(day)) | \(sentence(4)) |
                | 2 | \(benchYear)-\(zeroPad(month))-\(zeroPad(day)) | \(sentence(4)) |
                """)

            > \(sentence(16))

            ## What we learned

            \((0..<(corpus.paragraphs + 1)).map { _ in sentence(15) }.joined(separator: " "))
            """
        let tags = ["synthetic"] + (1..<corpus.tags).map { "t\((index + $0) % 10)" }
        try """
        ---
        title: "Story \(index): \(sentence(5).dropLast())"
        date: \(benchYear)-\(zeroPad(month))-\(zeroPad(day))
        outcome: \(index % 2 == 0 ? "failure" : "success")
        customer: "Customer \(index)"
        segment: \(["residential", "small-business", "enterprise"][index % 3])
        touchpoints: [\(tps.joined(separator: ", "))]
        score: \(index % 11)
        quote: "\(sentence(12))"
        tags: [\(tags.joined(separator: ", "))]
        ---
        \(body)
        """.write(to: folder.appendingPathComponent("content/stories/story-\(index).md"), atomically: false, encoding: .utf8)
    }
    for index in 0..<corpus.briefings {
        let month = 1 + index % 12
        try """
        ---
        title: Review \(index + 1)
        date: \(benchYear)-\(zeroPad(month))-28
        period: \(benchYear)-Q\(1 + (month - 1) / 3)
        ---
        ## Agenda

        1. Stories
        2. Numbers
        """.write(to: folder.appendingPathComponent("content/briefings/review-\(index + 1).md"), atomically: true, encoding: .utf8)
    }
    try "period,metric,value,n\n\(benchYear)-Q2,nps,20,900\n\(benchYear)-Q3,nps,31,1000\n"
        .write(to: folder.appendingPathComponent("content/metrics/q.csv"), atomically: true, encoding: .utf8)
    if corpus.responses > 0 {
        try fileManager.createDirectory(at: folder.appendingPathComponent("content/responses"), withIntermediateDirectories: true)
        try writeResponses(rows: corpus.responses, to: folder.appendingPathComponent("content/responses/responses.csv"))
    }
}

/// The same stories as a Hugo site: their files as they are (Hugo reads the same front
/// matter, and makes the tags a taxonomy), with a layout of a page per story and lists.
func writeHugoSite(from site: URL, into folder: URL) throws {
    let fileManager = FileManager.default
    try? fileManager.removeItem(at: folder)
    let stories = folder.appendingPathComponent("content/stories")
    try fileManager.createDirectory(at: stories, withIntermediateDirectories: true)
    let layouts = folder.appendingPathComponent("layouts/_default")
    try fileManager.createDirectory(at: layouts, withIntermediateDirectories: true)
    for name in try fileManager.contentsOfDirectory(atPath: site.appendingPathComponent("content/stories").path) {
        try fileManager.copyItem(at: site.appendingPathComponent("content/stories/" + name), to: stories.appendingPathComponent(name))
    }
    try "baseURL = \"https://example.org/\"\ntitle = \"Synthetic Broadband\"\npaginate = 100\n"
        .write(to: folder.appendingPathComponent("config.toml"), atomically: true, encoding: .utf8)
    try """
    <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title><link rel="stylesheet" href="/style.css"></head>
    <body><nav><a href="/">Home</a> <a href="/stories/">Stories</a></nav><main>{{ block "main" . }}{{ end }}</main></body></html>
    """.write(to: layouts.appendingPathComponent("baseof.html"), atomically: true, encoding: .utf8)
    try """
    {{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2 January 2006" }} · {{ .Params.outcome }} · {{ .Params.customer }}</p>
    {{ with .Params.quote }}<blockquote>{{ . }}</blockquote>{{ end }}<ul>{{ range .Params.touchpoints }}<li>{{ . }}</li>{{ end }}</ul>{{ .Content }}</article>{{ end }}
    """.write(to: layouts.appendingPathComponent("single.html"), atomically: true, encoding: .utf8)
    try """
    {{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
    <p>{{ .Date.Format "2 January 2006" }} · {{ .Params.outcome }}</p><p>{{ .Summary }}</p></article>{{ end }}
    {{ with .Paginator.Next }}<a href="{{ .URL }}">Older</a>{{ end }}{{ end }}
    """.write(to: layouts.appendingPathComponent("list.html"), atomically: true, encoding: .utf8)
}

/// Builds with the release `cxsite` binary in a child process, for honest wall time and memory;
/// also returns what `--verbose` printed.
@discardableResult
func runBuild(_ site: URL, cache: Bool = true, output: URL? = nil) throws -> (wall: Double, peakMiB: Double, output: String) {
    let outputFlag = output.map { " --output '\($0.path)'" } ?? ""
    let wall = try seconds {
        _ = try ChildProcess(
            "bash",
            [
                "-c",
                "command time -f '%M' \"$0\" build --verbose \(cache ? "" : "--no-cache")\(outputFlag) --source \"$1\" > \"$1/.out\" 2> \"$1/.time\"",
                cxsiteBinary, site.path,
            ]
        ).wait()
    }
    let memory =
        (try? String(contentsOf: site.appendingPathComponent(".time"), encoding: .utf8))?
        .split(separator: "\n").last.flatMap { Double($0) } ?? 0
    let output = (try? String(contentsOf: site.appendingPathComponent(".out"), encoding: .utf8)) ?? ""
    return (wall, memory / 1024, output)
}

/// Deletes what a build leaves: the output, its spare and manifests, and the build cache.
func removeBuildProducts(of site: URL) throws {
    for name in try FileManager.default.contentsOfDirectory(atPath: site.path)
    where name == "public" || name.hasPrefix(".public.") || name == ".cxsite-cache" {
        try FileManager.default.removeItem(at: site.appendingPathComponent(name))
    }
}

/// The per-stage times `--verbose` printed, on one line.
func stageSummary(_ output: String) -> String {
    output.split(separator: "\n").filter { $0.hasSuffix(" ms") }
        .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        .joined(separator: ", ")
}

/// Milliseconds `--verbose` reported for a stage.
func stageMilliseconds(_ output: String, _ stage: String) -> Double {
    output.split(separator: "\n").first { $0.contains(stage) }
        .flatMap {
            Double($0.replacingOccurrences(of: stage, with: "").replacingOccurrences(of: "ms", with: "").trimmingCharacters(in: .whitespaces))
        } ?? .nan
}

/// How the benchmark's responses are written: cxsite's long form, or a Qualtrics export of
/// the same responses (three header rows, a column per question, one answered per row).
enum ResponseLayout {
    case long, qualtrics

    /// The mapping that reads the Qualtrics export, for cxsite.yaml.
    static let qualtricsMapping = """
        responses:
          - files: "*.qualtrics.csv"
            format: qualtrics
            date: RecordedDate
            respondent: ExternalReference
            segment: Q12
            touchpoint: Q3
            where: {Finished: "1"}
            questions:
              - {column: Q1, metric: nps, comment: Q2}
              - {column: Q5, metric: csat}
              - {column: Q7, metric: ces}

        """
}

/// What the benchmark's customers write about: words of real comments, a few themes' phrases.
let commentVocabulary = """
    the engineer never came again and i waited on hold for an hour my bill was wrong twice great help from sam \
    router keeps dropping every evening price rise too expensive thanks to the team who fixed it quickly \
    nobody called back after three days support said it was sorted but it was not install went well
    """.split(separator: " ").map(String.init)

/// A comment of 3 to 12 words from ``commentVocabulary``, some with a comma or a quoted word.
func commentWords(_ random: inout SeededGenerator) -> String {
    let count = 3 + Int(random.next() % 10)
    var words = (0..<count).map { _ in commentVocabulary[Int(random.next() % UInt64(commentVocabulary.count))] }
    words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
    switch random.next() % 6 {
    case 0: words[1] += ","
    case 1: words[count - 1] = "\"" + words[count - 1] + "\""
    default: break
    }
    return words.joined(separator: " ")
}

/// Writes `rows` synthetic survey responses (a fixed seed) as one CSV file: a third with a
/// comment of 3 to 12 words.
func writeResponses(rows: Int, to url: URL, layout: ResponseLayout = .long) throws {
    var random = SeededGenerator(state: 7)
    let touchpoints = ["website", "sales", "onboarding", "installation", "billing", "support", "renewal"]
    let segments = ["residential", "small-business", "enterprise"]
    guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else { return }
    defer { try? handle.close() }
    var chunk =
        layout == .long
        ? "date,metric,score,respondent,segment,touchpoint,comment\n"
        : "RecordedDate,ResponseId,Finished,ExternalReference,Q1,Q1_NPS_GROUP,Q2,Q3,Q5,Q7,Q12\n"
            + "Recorded Date,Response ID,Finished,External Data Reference,How likely are you to recommend us?,Group,Why?,"
            + "Which part?,How satisfied were you?,It was easy,Which describes you?\n"
            + (0..<11).map { "\"{\"\"ImportId\"\":\"\"QID\($0)\"\"}\"" }.joined(separator: ",") + "\n"
    for index in 0..<rows {
        let metric = ["nps", "nps", "csat", "ces"][Int(random.next() % 4)]
        let score: UInt64 = metric == "nps" ? random.next() % 11 : metric == "csat" ? 1 + random.next() % 5 : 1 + random.next() % 7
        let month = 1 + Int(random.next() % 12)
        let day = 1 + Int(random.next() % 28)
        let raw = random.next() % 3 == 0 ? commentWords(&random) : ""
        let comment = raw.contains(",") || raw.contains("\"") ? "\"" + raw.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : raw
        let segment = segments[Int(random.next() % 3)]
        let touchpoint = touchpoints[Int(random.next() % 7)]
        let date = "\(benchYear)-\(zeroPad(month))-\(zeroPad(day))"
        switch layout {
        case .long:
            chunk += "\(date),\(metric),\(score),R-\(100_000 + index),\(segment),\(touchpoint),\(comment)\n"
        case .qualtrics:
            let group = score >= 9 ? "3" : score >= 7 ? "2" : "1"
            let answers =
                metric == "nps"
                ? "\(score),\(group),\(comment),\(touchpoint),," : metric == "csat" ? ",,,\(touchpoint),\(score)," : ",,,\(touchpoint),,\(score)"
            chunk += "\(date) 09:12:33,R_\(index),1,R-\(100_000 + index),\(answers),\(segment)\n"
        }
        if chunk.utf8.count > 1 << 20 {
            handle.write(Data(chunk.utf8))
            chunk = ""
        }
    }
    handle.write(Data(chunk.utf8))
}

func responsesBenchmark(rows: Int) throws {
    let site = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-bench-responses")
    try writeSyntheticSite(stories: 10, into: site)
    // Without the cache: with it, a build after the first takes the totals from the cache.
    let baseline = try (0..<3).map { _ in try runBuild(site, cache: false) }
    try FileManager.default.createDirectory(at: site.appendingPathComponent("content/responses"), withIntermediateDirectories: true)
    let file = site.appendingPathComponent("content/responses/responses.csv")
    try writeResponses(rows: rows, to: file)
    let size = Double((try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0)
    let runs = try (0..<3).map { _ in try runBuild(site, cache: false) }
    let aggregation = median(runs.map { stageMilliseconds($0.output, "aggregate responses") }) / 1000
    let extraMemory = (runs.map(\.peakMiB).max() ?? 0) - (baseline.map(\.peakMiB).max() ?? 0)
    print("Responses — \(rows) rows (\(format(size / 1_000_000, 0)) MB CSV) on a 10-story site")
    print(
        "  aggregation: median \(format(aggregation, 2)) s → \(format(Double(rows) / aggregation / 1_000_000, 2)) M rows/s, "
            + "\(format(size / 1_000_000 / aggregation, 0)) MB/s; peak memory \(format(runs.map(\.peakMiB).max() ?? 0, 0)) MiB, "
            + "\(format(extraMemory, 0)) MiB more than without the responses")
    if let duckdb = try duckDBGroupBy(file) {
        print(
            "  DuckDB's group-by of the same CSV (period, metric, segment, touchpoint): median \(format(duckdb, 2)) s; cxsite ×\(format(aggregation / duckdb, 2))"
        )
    } else {
        print("  (pip install duckdb to compare with DuckDB's group-by)")
    }
    // The same responses with five themes to tag them with (and the suggested themes).
    try """
    themes:
      - {id: no-show, name: Engineer never came, match: [never came, engineer never]}
      - {id: billing, name: Bill was wrong, match: [bill was wrong, wrong bill, twice]}
      - {id: thanks, name: Thanks to the team, match: [great help, thanks]}
      - {id: waits, name: Waits, match: [on hold, queue]}
      - {id: prices, name: Prices, match: [price rise, too expensive]}

    """.write(to: site.appendingPathComponent("content/themes.yaml"), atomically: true, encoding: .utf8)
    let themed = try (0..<3).map { _ in try runBuild(site, cache: false) }
    let themedAggregation = median(themed.map { stageMilliseconds($0.output, "aggregate responses") }) / 1000
    print(
        "  with 5 themes to tag the comments with: median \(format(themedAggregation, 2)) s "
            + "(×\(format(themedAggregation / aggregation, 2))); peak memory \(format(themed.map(\.peakMiB).max() ?? 0, 0)) MiB")
    // The same responses as a Qualtrics export, read through a mapping (themes still on).
    try FileManager.default.removeItem(at: file)
    let export = site.appendingPathComponent("content/responses/responses.qualtrics.csv")
    try writeResponses(rows: rows, to: export, layout: .qualtrics)
    let config = site.appendingPathComponent("cxsite.yaml")
    try (String(contentsOf: config, encoding: .utf8) + "\n" + ResponseLayout.qualtricsMapping).write(
        to: config, atomically: true, encoding: .utf8)
    let exported = try (0..<3).map { _ in try runBuild(site, cache: false) }
    let exportedAggregation = median(exported.map { stageMilliseconds($0.output, "aggregate responses") }) / 1000
    print(
        "  the same rows as a Qualtrics export, through a mapping: median \(format(exportedAggregation, 2)) s "
            + "(×\(format(exportedAggregation / themedAggregation, 2)) of the long form); peak memory "
            + "\(format(exported.map(\.peakMiB).max() ?? 0, 0)) MiB")
    try? FileManager.default.removeItem(at: site)
}

/// DuckDB's group-by of the responses CSV by quarter, metric, segment and touchpoint (counts,
/// mean score, promoters, detractors, comments), timed inside Python around the query alone:
/// the median of 3, or nil when Python has no duckdb.
func duckDBGroupBy(_ file: URL) throws -> Double? {
    let timings = file.deletingLastPathComponent().appendingPathComponent(".duckdb-times")
    let script = """
        import sys, time, duckdb
        query = ("SELECT date_trunc('quarter', date) AS period, metric, segment, touchpoint, count(*), avg(score), "
                 "count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6), count(comment) "
                 "FROM read_csv(?, header = true) GROUP BY ALL")
        with open(sys.argv[2], "w") as out:
            for _ in range(3):
                start = time.perf_counter(); duckdb.execute(query, [sys.argv[1]]).fetchall()
                print(time.perf_counter() - start, file=out)
        """
    let ended = try ChildProcess("python3", ["-c", script, file.path, timings.path]).wait()
    defer { try? FileManager.default.removeItem(at: timings) }
    let times = ((try? String(contentsOf: timings, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
    return ended == .exited(0) && !times.isEmpty ? median(times) : nil
}

/// cxsite's markdown renderer on the site's story files, one document each as a build renders
/// them, against the `cmark-gfm` tool (when installed) on all of them as one document, both
/// with the same extensions and smart punctuation.
func markdownBenchmark(site: URL, count: Int) throws {
    let stories = (0..<count).compactMap {
        try? String(contentsOf: site.appendingPathComponent("content/stories/story-\($0).md"), encoding: .utf8)
    }
    let text = stories.joined(separator: "\n\n")
    let renderer = MarkdownRenderer()
    let ours = median((0..<3).map { _ in seconds { for story in stories { _ = renderer.render(story) } } })
    var line = "    markdown, \(format(Double(text.utf8.count) / 1_000_000, 1)) MB: cxsite \(format(ours, 2)) s (a document per story, one core)"
    let file = site.appendingPathComponent(".all.md")
    try text.write(to: file, atomically: true, encoding: .utf8)
    // Timed by bash around the tool alone (median of 3), not around starting a process from here.
    let timings = site.appendingPathComponent(".cmark-times")
    let tool = try ChildProcess(
        "bash",
        [
            "-c",
            """
            command -v cmark-gfm >/dev/null || exit 1; TIMEFORMAT=%R
            for i in 1 2 3; do { time cmark-gfm --smart -e table -e strikethrough -e autolink -e tagfilter -e tasklist "$0" > /dev/null; } 2>> "$1"; done
            """, file.path, timings.path,
        ]
    ).wait()
    let toolTimes = ((try? String(contentsOf: timings, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
    if tool == .exited(0), !toolTimes.isEmpty {
        let theirs = median(toolTimes)
        line += ", the cmark-gfm tool \(format(theirs, 2)) s (×\(format(ours / theirs, 2)))"
    } else {
        line += " (install cmark-gfm to compare with the tool)"
    }
    print(line)
}

/// Runs `command` through bash with its output discarded; the wall time around the child.
func timedCommand(_ command: String, _ arguments: [String]) throws -> Double {
    var ended = ChildProcess.Termination.exited(0)
    let wall = try seconds {
        ended = try ChildProcess("bash", ["-c", command + " > /dev/null 2>&1"] + arguments).wait()
    }
    guard ended == .exited(0) else { throw BenchError("failed: \(command) \(arguments)") }
    return wall
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `median 0.84 s (0.80–0.91)`
func spread(_ values: [Double]) -> String {
    "median \(format(median(values), 2)) s (\(format(values.min() ?? 0, 2))–\(format(values.max() ?? 0, 2)))"
}

let cxsiteBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cxsite").path

/// Changes a story's title, as a writer saving it would; returns the new title.
@discardableResult
func retitle(_ story: URL, _ round: Int) throws -> String {
    let text = try String(contentsOf: story, encoding: .utf8)
    let title = "Edited \(round) \(UInt32.random(in: 0...UInt32.max))"
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
        line.hasPrefix("title: ") ? "title: \"\(title)\"" : String(line)
    }
    try lines.joined(separator: "\n").write(to: story, atomically: false, encoding: .utf8)
    return title
}

/// The body of `GET path` from the server on 127.0.0.1:`port`, or nil.
func httpGet(port: UInt16, _ path: String) -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { return nil }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response += buffer[0..<count]
    }
    return String(decoding: response, as: UTF8.self)
}

/// `cxsite serve` on `site`: the time from saving a story to its page showing the change.
func serveBenchmark(site: URL, story: Int, rounds: Int) throws -> [Double] {
    let port = UInt16(18_000 + Int.random(in: 0..<2000))
    let server = try ChildProcess(cxsiteBinary, ["serve", "--source", site.path, "--port", String(port)])
    defer {
        server.send(SIGTERM)
        _ = server.wait()
    }
    let page = "/stories/story-\(story).html"
    let file = site.appendingPathComponent("content/stories/story-\(story).md")
    let deadline = Date().addingTimeInterval(120)
    while httpGet(port: port, page)?.contains("200 OK") != true {
        guard Date() < deadline else { throw BenchError("serve did not start") }
        Thread.sleep(forTimeInterval: 0.05)
    }
    var times: [Double] = []
    for round in 0..<rounds {
        Thread.sleep(forTimeInterval: 1)
        let start = DispatchTime.now().uptimeNanoseconds
        let title = try retitle(file, round)
        while httpGet(port: port, page)?.contains(title) != true {
            guard Date() < deadline.addingTimeInterval(Double(round) * 60) else { throw BenchError("serve never showed the change") }
            Thread.sleep(forTimeInterval: 0.002)
        }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times
}

/// The issue's table for one corpus of 10,000 stories: builds from scratch with the previous
/// output present (on the disk, then into tmpfs), beside Hugo on the same stories in the same
/// run, alternating; the one-story rebuild; and `serve`'s save-to-page time.
func corpusBenchmark(_ corpus: Corpus, count: Int, runs: Int, root: URL) throws {
    let site = root.appendingPathComponent("site")
    let hugo = root.appendingPathComponent("hugo")
    try writeSyntheticSite(stories: count, into: site, corpus: corpus)
    try writeHugoSite(from: site, into: hugo)
    let markdown = (0..<count).reduce(0) { total, index in
        total
            + ((try? FileManager.default.attributesOfItem(atPath: site.appendingPathComponent("content/stories/story-\(index).md").path)[.size]
                as? Int) ?? 0)
    }
    print(
        "Corpus \(corpus.name): \(count) stories, \(format(Double(markdown) / 1_000_000, 1)) MB markdown, "
            + "\(corpus.briefings) briefings, \(corpus.responses) responses")
    let memory = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm/cxsite-bench") : root
    try? FileManager.default.removeItem(at: memory)
    var hugoOnDisk = 0.0  // the issue's yardstick for a rebuild: Hugo's full build, output on the disk
    for (label, outputs) in [("on the disk", root), ("output on tmpfs", memory)] {
        let ours = outputs.appendingPathComponent("cxsite-out").path
        let theirs = outputs.appendingPathComponent("hugo-out").path
        let cx = "\"$0\" build --no-cache --quiet --source \"$1\" --output \"$2\""
        let hg = "hugo --quiet -s \"$0\" -d \"$1\""
        // The previous output is present, as it is for a user: one build of each first.
        _ = try timedCommand(cx, [cxsiteBinary, site.path, ours])
        _ = try timedCommand(hg, [hugo.path, theirs])
        var cxsite: [Double] = []
        var hugoTimes: [Double] = []
        for _ in 0..<runs {
            cxsite.append(try timedCommand(cx, [cxsiteBinary, site.path, ours]))
            hugoTimes.append(try timedCommand(hg, [hugo.path, theirs]))
        }
        print(
            "  full build, --no-cache, previous output present, \(label): cxsite \(spread(cxsite)), Hugo \(spread(hugoTimes)) "
                + "→ ×\(format(median(cxsite) / median(hugoTimes), 2)) of Hugo")
        if outputs == root { hugoOnDisk = median(hugoTimes) }
        // A file that holds a page's bytes already is not written again: the same build when
        // every page differs (the site's title changes each run), as after a template's edit.
        let config = site.appendingPathComponent("cxsite.yaml")
        let original = try Data(contentsOf: config)
        var changed: [Double] = []
        for round in 0..<runs {
            _ = try retitle(config, round)
            changed.append(try timedCommand(cx, [cxsiteBinary, site.path, ours]))
        }
        try original.write(to: config)
        print(
            "    every page changed (the site's title), \(label): cxsite \(spread(changed)) "
                + "→ ×\(format(median(changed) / median(hugoTimes), 2)) of Hugo")
    }
    try? FileManager.default.removeItem(at: memory)
    // The rebuild after one story's title changes, with the cache and the spare. Each is
    // timed once what the runs before wrote is on the disk (`sync`, untimed), as a user's
    // edit meets it some seconds after the last build: not behind the writeback of the
    // gigabytes the full builds above just wrote, which made single rebuilds take seconds.
    // The first rebuild after the cache is made also makes the spare (a copy of every page),
    // as a user's second build does: timed apart from the rebuilds that follow. These are
    // quick, and this host's noise moves one by a third: nine of them.
    let rebuild = "\"$0\" build --quiet --source \"$1\""
    _ = try timedCommand(rebuild, [cxsiteBinary, site.path])
    let story = site.appendingPathComponent("content/stories/story-\(count / 2).md")
    var rebuilds: [Double] = []
    for round in 0...(2 * runs - 1) {
        try retitle(story, round)
        _ = try ChildProcess("sync", []).wait()
        rebuilds.append(try timedCommand(rebuild, [cxsiteBinary, site.path]))
    }
    let steady = Array(rebuilds.dropFirst())
    print(
        "  rebuild after one story's title changes (cache on): \(spread(steady)) "
            + "→ ×\(format(median(steady) / hugoOnDisk, 3)) of Hugo's full build on the disk; "
            + "the first, which also makes the spare: \(format(rebuilds[0], 2)) s")
    let verbose = try runBuild(site)
    print("    stages: " + stageSummary(verbose.output))
    print("  serve, save a story → its page shows it: \(spread(try serveBenchmark(site: site, story: count / 3, rounds: runs)))")
    try? FileManager.default.removeItem(at: root)
}

/// One build from scratch (no output, no cache) at each size: time and peak memory, to see
/// how both grow; then the same with the output on tmpfs, where the file system's cost of
/// making files (ext4's inode allocator, on the disk) is out of the ratio: the median of
/// three, as one build of 100,000 stories here took from 10.7 to 16.5 s. Each build starts
/// once what was written before it is on the disk (`sync`, untimed): the site just generated
/// and the output just deleted, a gigabyte at the larger size, were otherwise written back
/// during the builds that followed, and slowed the larger size's only.
func growthBenchmark(sizes: [Int], root: URL) throws {
    print("Growth — corpus \(Corpus.long.name), built from scratch")
    var previous: (count: Int, wall: Double, memory: Double, tmpfsWall: Double)?
    let memory = URL(fileURLWithPath: "/dev/shm/cxsite-growth")
    for count in sizes {
        let site = root.appendingPathComponent("site-\(count)")
        try writeSyntheticSite(stories: count, into: site, corpus: .long)
        try removeBuildProducts(of: site)
        _ = try ChildProcess("sync", []).wait()
        let run = try runBuild(site, cache: false)
        var line = "  \(count) stories: \(format(run.wall, 2)) s wall, peak \(format(run.peakMiB, 0)) MiB"
        if let previous {
            line +=
                " (×\(format(run.wall / previous.wall, 1)) the time and ×\(format(run.peakMiB / previous.memory, 1)) the memory "
                + "of ×\(count / previous.count) the stories)"
        }
        print(line)
        print("    stages: " + stageSummary(run.output))
        try removeBuildProducts(of: site)
        let tmpfsRuns = try (0..<3).map { _ in
            try? FileManager.default.removeItem(at: memory)
            defer { try? FileManager.default.removeItem(at: memory) }
            _ = try ChildProcess("sync", []).wait()
            return try runBuild(site, cache: false, output: memory)
        }
        let inMemory = tmpfsRuns.sorted { $0.wall < $1.wall }[1]
        line =
            "    output on tmpfs: median \(format(inMemory.wall, 2)) s wall (\(format(tmpfsRuns.map(\.wall).min()!, 2))–\(format(tmpfsRuns.map(\.wall).max()!, 2)))"
        if let previous { line += " (×\(format(inMemory.wall / previous.tmpfsWall, 1)) the time)" }
        print(line + "; stages: " + stageSummary(inMemory.output))
        if count == 10_000 { try markdownBenchmark(site: site, count: count) }
        previous = (count, run.wall, run.peakMiB, inMemory.wall)
        try? FileManager.default.removeItem(at: site)
    }
}

let arguments = CommandLine.arguments.dropFirst()
if let flag = arguments.first, ["--generate", "--generate-b"].contains(flag), arguments.count == 3,
    let count = Int(arguments.dropFirst().first!)
{
    // `cxsite-bench --generate N DIR` (corpus A) or `--generate-b N DIR` (corpus B): write the
    // synthetic site only, for profiling.
    try writeSyntheticSite(stories: count, into: URL(fileURLWithPath: arguments.last!), corpus: flag == "--generate" ? .long : .short)
    exit(0)
}
if arguments.first == "--generate-responses", arguments.count == 3, let rows = Int(arguments.dropFirst().first!) {
    // `cxsite-bench --generate-responses N DIR`: a 10-story site with N responses, for profiling.
    let site = URL(fileURLWithPath: arguments.last!)
    try writeSyntheticSite(stories: 10, into: site)
    try FileManager.default.createDirectory(at: site.appendingPathComponent("content/responses"), withIntermediateDirectories: true)
    try writeResponses(rows: rows, to: site.appendingPathComponent("content/responses/responses.csv"))
    exit(0)
}
print("cxsite benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores")
let benchRoot = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-bench")
if arguments.first == "--responses" {
    // `cxsite-bench --responses`: the million responses only.
    try responsesBenchmark(rows: 1_000_000)
    exit(0)
}
if arguments.first == "--template" {
    // `cxsite-bench --template`: the template engine only.
    try templateBenchmark()
    exit(0)
}
try templateBenchmark()
try responsesBenchmark(rows: 1_000_000)
let storyCount = arguments.first.flatMap { Int($0) } ?? 10_000
for corpus in [Corpus.long, Corpus.short] {
    try corpusBenchmark(corpus, count: storyCount, runs: 5, root: benchRoot)
}
try growthBenchmark(sizes: arguments.isEmpty ? [10_000, 100_000] : [storyCount], root: benchRoot)
print("peak memory of the benchmark process: \(format(peakMemoryMiB(), 0)) MiB")
