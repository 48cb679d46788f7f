import Diagnostics
import Foundation
import Markdown
import Mustache
import Spreadsheet
import Yams

#if FUZZING
    private typealias Arguments = UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
    private typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    @_silgen_name("LLVMFuzzerRunDriver")
    private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: Arguments, _ test: TestOneInput) -> CInt

    /// The target libFuzzer's driver calls; C callbacks cannot capture, so it is kept here.
    nonisolated(unsafe) private var fuzzedTarget: (([UInt8]) -> Void)?
#endif

/// What the fuzz targets (`make fuzz`) and their regression test feed with arbitrary bytes:
/// each must return, never crash or hang, whatever the input.
public enum FuzzEntryPoints {
    /// The main of a fuzz target: under `make fuzz` it hands `target` to libFuzzer; in a
    /// normal build it feeds it the files named on the command line.
    public static func main(_ target: @escaping ([UInt8]) -> Void) -> Never {
        #if FUZZING
            fuzzedTarget = target
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(
                runFuzzerDriver(&argc, &argv) { data, size in
                    fuzzedTarget?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
                    return 0
                })
        #else
            for path in CommandLine.arguments.dropFirst() {
                if let data = FileManager.default.contents(atPath: path) { target(Array(data)) }
            }
            exit(0)
        #endif
    }

    /// Parses a template, and renders it with itself as a partial and as a parent, so the
    /// recursion bound is exercised too.
    public static func template(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let set = try? TemplateSet(sources: ["self": text, "layout": "<{{$body}}{{/body}}>{{>self}}"]) else { return }
        let data: MustacheValue = [
            "title": "T", "items": [["name": "a"], ["name": "b"]], "flag": true,
            "lambda": .lambda(MustacheLambda(section: { "[" + $0 + "]" })),
        ]
        _ = try? set.render("self", data, options: RenderOptions(maximumDepth: 20))
        _ = try? set.render("self", data, options: RenderOptions(strict: true, maximumDepth: 20))
    }

    /// Splits front matter and reads a story's fields from it, holding the front matter reader
    /// to Yams.
    public static func frontMatter(_ bytes: [UInt8]) {
        guard let text = String(validatingUTF8Bytes: bytes) else { return }
        let file = SourceFile(path: "content/stories/fuzz.md", text: text)
        // The front matter reader must read what it reads as Yams does.
        if case .success(let parts) = FrontMatter.split(file, what: "a story"), let flat = FlatYAML.compose(parts.yaml) {
            let yams = (try? Yams.compose(yaml: parts.yaml, .basic, .default, .utf8)).flatMap { $0.map(YAMLNode.init) }
            precondition(flat == yams, "FlatYAML and Yams read the front matter differently")
        }
        var validator = ContentValidator(config: fuzzConfig)
        _ = validator.parseStory(file)
        _ = validator.parseBriefing(SourceFile(path: "content/briefings/fuzz.md", text: text))
    }

    /// Reads CSV records, then the rows as metric snapshots.
    public static func csv(_ bytes: [UInt8]) {
        var reader = CSVReader(bytes)
        var records = 0
        while records < 100_000 {
            do {
                guard try reader.next() else { break }
                _ = reader.record.strings
            } catch {
                reader.skipLine()
            }
            records += 1
        }
        var validator = ContentValidator(config: fuzzConfig)
        _ = validator.parseSnapshots(SourceFile(path: "content/metrics/fuzz.csv", text: String(decoding: bytes, as: UTF8.self)))
    }

    /// Reads a workbook (bytes starting `PK`) and every row of each of its sheets; other
    /// bytes are read as a sheet's XML, fed in chunks whose size the first byte sets, so tags
    /// and entities straddle chunk ends.
    public static func workbook(_ bytes: [UInt8]) {
        var rows = 0
        let count = { (_: SheetRow) -> Bool in
            rows += 1
            return rows < 100_000
        }
        guard bytes.starts(with: [0x50, 0x4B]) else {
            let chunk = Int(bytes.first ?? 1) % 64 + 1
            try? Workbook.forEachRow(inSheetXML: Array(bytes.dropFirst()), chunk: chunk, count)
            return
        }
        guard let workbook = try? Workbook(bytes: bytes) else { return }
        for sheet in workbook.sheets { try? workbook.forEachRow(in: sheet, count) }
    }

    private static let fuzzConfig = SiteConfig(
        title: "Fuzz", period: .quarter,
        touchpoints: [Touchpoint(id: "website", name: "Website"), Touchpoint(id: "billing", name: "Billing")],
        metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil)

    /// Renders markdown with and without raw HTML: it must return, and no page may get a
    /// script tag, a control character or an element left open (or closed that it did not
    /// open) from it.
    public static func markdown(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for renderer in [MarkdownRenderer(), MarkdownRenderer(allowsRawHTML: true)] {
            let rendered = renderer.render(text, headingOffset: 1)
            precondition(!rendered.html.lowercased().contains("<script"), "a script tag got through")
            precondition(TextSafety.firstForbidden(in: rendered.html) == nil, "a control character got through")
            precondition(TagBalance.balanced(rendered.html) == rendered.html, "an element was left open or closed twice")
        }
    }
}
