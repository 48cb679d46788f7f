// `make bench`: throughput figures for the template engine and whole-site builds.
// Deterministic inputs (a fixed seed), release build, medians of several runs.
import CXCore
import Foundation
import Markdown
import Mustache

/// A small deterministic random generator (SplitMix64), so every run builds the same inputs.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
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
        "header": "<header class=\"site\"><h1>{{title}}</h1><nav><a href=\"index.html\">Home</a> <a href=\"stories/index.html\">Stories</a></nav></header>\n",
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
    let words = ["billing", "router", "install", "engineer", "fibre", "outage", "renewal", "support", "chat", "refund",
                 "upgrade", "speed", "contract", "delay", "apology", "customer", "website", "booking", "credit", "line"]
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
    let parseTimings = try (0..<200).map { _ in try seconds { _ = try TemplateSet(sources: ["page": String(repeating: "<p>{{#a}}{{b}}{{/a}}</p>\n", count: 40)]) } }
    print("Template engine — layout + partials around 2,000 stories (\(format(mb * 1000, 0)) KB of HTML)")
    print("  render: median \(format(median(timings) * 1000, 2)) ms → \(format(mb / median(timings), 0)) MB/s")
    print("  parse a 40-section template: median \(format(median(parseTimings) * 1_000_000, 0)) µs")
}

func zeroPad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

// MARK: - Whole-site builds and response aggregation

/// Writes a synthetic site of `count` stories with realistic bodies into `folder`.
func writeSyntheticSite(stories count: Int, into folder: URL) throws {
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
    var random = SeededGenerator(state: UInt64(count))
    let words = ["the", "engineer", "arrived", "late", "and", "billing", "charged", "twice", "customer", "called",
                 "support", "three", "times", "before", "refund", "was", "raised", "router", "failed", "again"]
    func sentence(_ n: Int) -> String {
        var text = (0..<n).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        text = text.prefix(1).uppercased() + text.dropFirst()
        return text + "."
    }
    for index in 0..<count {
        let day = 1 + index % 28, month = 1 + (index / 28) % 12
        let tps = (0..<(1 + index % 3)).map { touchpoints[(index + $0 * 2) % touchpoints.count] }
        let body = """
            ## What happened

            \((0..<5).map { _ in sentence(14) }.joined(separator: " "))

            - \(sentence(8))
            - \(sentence(9))
            - \(sentence(7))

            | Contact | Date | Outcome |
            |---------|------|---------|
            | 1 | 2026-\(zeroPad(month))-\(zeroPad(day)) | \(sentence(4)) |
            | 2 | 2026-\(zeroPad(month))-\(zeroPad(day)) | \(sentence(4)) |

            > \(sentence(16))

            ## What we learned

            \((0..<6).map { _ in sentence(15) }.joined(separator: " "))
            """
        try """
            ---
            title: "Story \(index): \(sentence(5).dropLast())"
            date: 2026-\(zeroPad(month))-\(zeroPad(day))
            outcome: \(index % 2 == 0 ? "failure" : "success")
            customer: "Customer \(index)"
            segment: \(["residential", "small-business", "enterprise"][index % 3])
            touchpoints: [\(tps.joined(separator: ", "))]
            score: \(index % 11)
            quote: "\(sentence(12))"
            tags: [synthetic, t\(index % 10)]
            ---
            \(body)
            """.write(to: folder.appendingPathComponent("content/stories/story-\(index).md"), atomically: false, encoding: .utf8)
    }
    try """
        ---
        title: Q3 review
        date: 2026-10-07
        period: 2026-Q3
        ---
        ## Agenda

        1. Stories
        2. Numbers
        """.write(to: folder.appendingPathComponent("content/briefings/q3.md"), atomically: true, encoding: .utf8)
    try "period,metric,value,n\n2026-Q2,nps,20,900\n2026-Q3,nps,31,1000\n"
        .write(to: folder.appendingPathComponent("content/metrics/q.csv"), atomically: true, encoding: .utf8)
}

/// Builds with the release `cxsite` binary in a child process, for honest wall time and memory;
/// also returns what `--verbose` printed.
@discardableResult
func buildWithBinary(_ site: URL, cache: Bool = true) throws -> (wall: Double, peakMiB: Double, output: String) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cxsite")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["bash", "-c", "command time -f '%M' \"$0\" build --verbose \(cache ? "" : "--no-cache") --source \"$1\" > \"$1/.out\" 2> \"$1/.time\"",
                         binary.path, site.path]
    let wall = try seconds {
        try process.run()
        process.waitUntilExit()
    }
    let memory = (try? String(contentsOf: site.appendingPathComponent(".time"), encoding: .utf8))?
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
        .flatMap { Double($0.replacingOccurrences(of: stage, with: "").replacingOccurrences(of: "ms", with: "").trimmingCharacters(in: .whitespaces)) } ?? .nan
}

/// Writes `rows` synthetic survey responses (a fixed seed) as one CSV file.
func writeResponses(rows: Int, to url: URL) throws {
    var random = SeededGenerator(state: 7)
    let touchpoints = ["website", "sales", "onboarding", "installation", "billing", "support", "renewal"]
    let segments = ["residential", "small-business", "enterprise"]
    let comments = ["", "", "", "", "", "", "Engineer never came, \"again\"", "Bill was wrong, twice", "Great help from Sam"]
    guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else { return }
    defer { try? handle.close() }
    var chunk = "date,metric,score,respondent,segment,touchpoint,comment\n"
    for index in 0..<rows {
        let metric = ["nps", "nps", "csat", "ces"][Int(random.next() % 4)]
        let score: UInt64 = metric == "nps" ? random.next() % 11 : metric == "csat" ? 1 + random.next() % 5 : 1 + random.next() % 7
        let month = 1 + Int(random.next() % 12), day = 1 + Int(random.next() % 28)
        let comment = comments[Int(random.next() % UInt64(comments.count))]
        chunk += "2026-\(zeroPad(month))-\(zeroPad(day)),\(metric),\(score),R-\(100_000 + index),"
            + "\(segments[Int(random.next() % 3)]),\(touchpoints[Int(random.next() % 7)]),"
            + (comment.contains(",") || comment.contains("\"") ? "\"" + comment.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : comment) + "\n"
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
    let baseline = try (0..<3).map { _ in try buildWithBinary(site) }
    try FileManager.default.createDirectory(at: site.appendingPathComponent("content/responses"), withIntermediateDirectories: true)
    let file = site.appendingPathComponent("content/responses/responses.csv")
    try writeResponses(rows: rows, to: file)
    let size = Double((try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0)
    let runs = try (0..<3).map { _ in try buildWithBinary(site) }
    let aggregation = median(runs.map { stageMilliseconds($0.output, "aggregate responses") }) / 1000
    let extraMemory = (runs.map(\.peakMiB).max() ?? 0) - (baseline.map(\.peakMiB).max() ?? 0)
    print("Responses — \(rows) rows (\(format(size / 1_000_000, 0)) MB CSV) on a 10-story site")
    print("  aggregation: median \(format(aggregation, 2)) s → \(format(Double(rows) / aggregation / 1_000_000, 2)) M rows/s, "
          + "\(format(size / 1_000_000 / aggregation, 0)) MB/s; peak memory \(format(runs.map(\.peakMiB).max() ?? 0, 0)) MiB, "
          + "\(format(extraMemory, 0)) MiB more than without the responses")
    try? FileManager.default.removeItem(at: site)
}

/// cxsite's markdown renderer on the same text as the `cmark-gfm` tool (when installed), both
/// with the same extensions and smart punctuation, one document of all the stories.
func markdownBenchmark(site: URL, count: Int) throws {
    let text = (0..<count).compactMap {
        try? String(contentsOf: site.appendingPathComponent("content/stories/story-\($0).md"), encoding: .utf8)
    }.joined(separator: "\n\n")
    let renderer = MarkdownRenderer()
    let ours = median((0..<3).map { _ in seconds { _ = renderer.render(text) } })
    var line = "    markdown, one \(format(Double(text.utf8.count) / 1_000_000, 1)) MB document: cxsite \(format(ours, 2)) s"
    let file = site.appendingPathComponent(".all.md")
    try text.write(to: file, atomically: true, encoding: .utf8)
    // Timed by bash around the tool alone (median of 3), not around starting a process from here.
    let timings = site.appendingPathComponent(".cmark-times")
    let tool = Process()
    tool.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tool.arguments = ["bash", "-c", """
        command -v cmark-gfm >/dev/null || exit 1; TIMEFORMAT=%R
        for i in 1 2 3; do { time cmark-gfm --smart -e table -e strikethrough -e autolink -e tagfilter -e tasklist "$0" > /dev/null; } 2>> "$1"; done
        """, file.path, timings.path]
    try tool.run()
    tool.waitUntilExit()
    let toolTimes = ((try? String(contentsOf: timings, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
    if tool.terminationStatus == 0, !toolTimes.isEmpty {
        let theirs = median(toolTimes)
        line += ", the cmark-gfm tool \(format(theirs, 2)) s (×\(format(ours / theirs, 2)))"
    } else {
        line += " (install cmark-gfm to compare with the tool)"
    }
    print(line)
}

func siteBenchmark(sizes: [Int]) throws {
    print("Whole-site build (release binary, synthetic stories of ~2.5 KB)")
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-bench")
    for count in sizes {
        let site = root.appendingPathComponent("site-\(count)")
        try writeSyntheticSite(stories: count, into: site)
        let markdownBytes = (0..<count).reduce(0) { total, index in
            total + ((try? FileManager.default.attributesOfItem(atPath: site.appendingPathComponent("content/stories/story-\(index).md").path)[.size] as? Int) ?? 0)
        }
        // Builds from scratch: no output, no spare, no build cache.
        var runs: [(wall: Double, peakMiB: Double, output: String)] = []
        for _ in 0..<3 {
            try removeBuildProducts(of: site)
            runs.append(try buildWithBinary(site))
        }
        let wall = median(runs.map(\.wall))
        let peak = runs.map(\.peakMiB).max() ?? 0
        print("  \(count) stories (\(format(Double(markdownBytes) / 1_000_000, 1)) MB markdown): build from scratch median \(format(wall, 2)) s wall, "
              + "\(format(Double(count) / wall, 0)) stories/s, \(format(Double(markdownBytes) / 1_000_000 / wall, 1)) MB/s, peak \(format(peak, 0)) MiB")
        print("    stages: " + stageSummary(runs.sorted { $0.wall < $1.wall }[runs.count / 2].output))
        // Rebuilds after changing one story, with the build cache and the spare of the
        // previous output.
        try buildWithBinary(site)
        var rebuilds: [(wall: Double, peakMiB: Double, output: String)] = []
        for round in 0..<3 {
            let story = site.appendingPathComponent("content/stories/story-\(count / 2).md")
            let text = try String(contentsOf: story, encoding: .utf8)
            try text.replacingOccurrences(of: "title: \"Story", with: "title: \"Edit \(round) of story").write(to: story, atomically: true, encoding: .utf8)
            rebuilds.append(try buildWithBinary(site))
        }
        print("    rebuild after changing one story: median \(format(median(rebuilds.map(\.wall)), 2)) s wall, "
              + "peak \(format(rebuilds.map(\.peakMiB).max() ?? 0, 0)) MiB")
        print("    stages: " + stageSummary(rebuilds.sorted { $0.wall < $1.wall }[rebuilds.count / 2].output))
        if count <= 10_000 { try markdownBenchmark(site: site, count: count) }
    }
    try? FileManager.default.removeItem(at: root)
}

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "--generate", arguments.count == 3, let count = Int(arguments.dropFirst().first!) {
    // `cxsite-bench --generate N DIR`: write the synthetic site only, for profiling.
    try writeSyntheticSite(stories: count, into: URL(fileURLWithPath: arguments.last!))
    exit(0)
}
print("cxsite benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores")
try templateBenchmark()
try responsesBenchmark(rows: 1_000_000)
try siteBenchmark(sizes: arguments.isEmpty ? [1_000, 10_000, 100_000] : arguments.compactMap { Int($0) })
print("peak memory of the benchmark process: \(format(peakMemoryMiB(), 0)) MiB")
