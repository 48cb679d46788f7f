import TestSupport
import Testing

@testable import Markdown

/// cmark-gfm through the wrapper: extensions, safety, links and summaries.
struct MarkdownTests {
    let renderer = MarkdownRenderer()

    @Test(arguments: [
        ("| a | b |\n|---|---|\n| 1 | 2 |\n", "<table>"),
        ("~~gone~~", "<del>gone</del>"),
        ("see https://example.com now", "<a href=\"https://example.com\">https://example.com</a>"),
        ("- [x] done\n- [ ] todo\n", "type=\"checkbox\""),
        ("\"quoted\" -- and...", "“quoted” – and…"),
    ])
    func githubExtensionsAndSmartPunctuation(_ markdown: String, _ expected: String) {
        #expect(renderer.render(markdown).html.contains(expected))
    }

    @Test func taskBoxesAreNamedForScreenReaders() {
        let html = renderer.render("- [x] refund sent\n- [ ] call back\n").html
        #expect(html.contains(#"<li><input type="checkbox" checked="" disabled="" aria-label="done" /> refund sent</li>"#))
        #expect(html.contains(#"<li><input type="checkbox" disabled="" aria-label="not done" /> call back</li>"#))
    }

    @Test func rawHTMLIsOmittedByDefault() {
        let html = renderer.render("<b>bold</b>\n\n<script>alert(1)</script>\n").html
        #expect(!html.contains("<b>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("<!-- raw HTML omitted -->"))
    }

    @Test func rawHTMLPassesWhenAllowedButTheTagfilterStillApplies() {
        let html = MarkdownRenderer(allowsRawHTML: true).render("<b>bold</b>\n\n<script>alert(1)</script>\n<iframe src=x></iframe>\n").html
        #expect(html.contains("<b>bold</b>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script>"))
        #expect(!html.contains("<iframe"))
    }

    @Test(arguments: [
        ("<a href=\"javascript:alert(1)\" title=x>a</a>", "<a href=\"\" title=\"x\">a</a>"),
        ("<img src=x onerror=alert(1)>", "<img src=\"x\">"),
        ("<span ONCLICK='alert(1)' class=\"c\">s</span>", "<span class=\"c\">s</span>"),
        ("<a href=\"&#106;avascript:alert(1)\">e</a>", "<a href=\"\">e</a>"),
        ("<a href=\"&#106avascript:alert(1)\">e</a>", "<a href=\"\">e</a>"),
        ("<a href=\"java&#x73;cript&colon;alert(1)\">e</a>", "<a href=\"\">e</a>"),
        ("<a href=\"https://example.com/?a=1&amp;b=2\">ok</a>", "<a href=\"https://example.com/?a=1&amp;b=2\">ok</a>"),
    ])
    func rawHTMLKeepsNoEventHandlersOrDangerousURLs(_ raw: String, _ expected: String) {
        let html = MarkdownRenderer(allowsRawHTML: true).render("Text \(raw) more.\n").html
        #expect(html == "<p>Text \(expected) more.</p>\n")
    }

    /// Opting in to raw HTML never lets a script, handler, refresh or dangerous URL through,
    /// however the HTML is shaped to make the sanitiser and the browser read it differently.
    @Test(arguments: [
        (
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></p></noscript>",
            "&lt;noscript><p title=\"&lt;/noscript&gt;&lt;img src=x onerror=alert(1)&gt;\"></p>&lt;/noscript>"
        ),
        (
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "&lt;meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">"
        ),
        ("<!-- <p title=\"--> <img src=x onerror=alert(1)> \">", " <img src=\"x\"> \">"),
        ("<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>", "&lt;svg><a>x</a>&lt;/svg>"),
        ("<style>*{background:url(javascript:alert(1))}</style>", "&lt;style>*{background:url(javascript:alert(1))}&lt;/style>"),
        ("<a href=\"java\tscript:alert(1)\">t</a>", "<a href=\"\">t</a>"),
        ("<a href=\"livescript:alert(1)\">l</a>", "<a href=\"\">l</a>"),
        ("<a href=\"/stories/a.html#x\" target=_blank>ok</a>", "<a href=\"/stories/a.html#x\">ok</a>"),
        ("<img src=\"x\" style=\"position:fixed\" />", "<img src=\"x\" />"),
        ("<p title='a\"b'>q</p>", "<p title=\"a&quot;b\">q</p>"),
        ("<?php evil ?><![CDATA[x]]>", "&lt;?php evil ?>&lt;![CDATA[x]]>"),
        ("<a href=\"javascript&#0000000058;alert(1)\">z</a>", "<a href=\"\">z</a>"),
        ("<a href=\"javascript&#x000000003a;alert(1)\">z</a>", "<a href=\"\">z</a>"),
        ("<a href=\"https://x.org/?a=1&amp;b=&lt;2&gt;\">q</a>", "<a href=\"https://x.org/?a=1&amp;b=&lt;2&gt;\">q</a>"),
        ("<x<x<x<x>after", "&lt;x&lt;x&lt;x&lt;x>after"),
    ])
    func rawHTMLOutsideTheAllowlistShowsAsText(_ raw: String, _ expected: String) {
        let html = MarkdownRenderer(allowsRawHTML: true).render("<div>\n\(raw)\n</div>\n").html
        #expect(html == "<div>\n\(expected)\n</div>\n")
    }

    @Test(arguments: ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " vbscript:msgbox", "data:text/html;base64,PHNjcmlwdD4="])
    func dangerousLinksAreEmptiedEvenWithRawHTML(_ url: String) {
        for renderer in [MarkdownRenderer(), MarkdownRenderer(allowsRawHTML: true)] {
            let rendered = renderer.render("[click](<\(url)>) and ![img](<\(url)>)")
            #expect(!rendered.html.lowercased().contains("script:"))
            #expect(!rendered.html.contains("data:"))
            #expect(rendered.links.count == 2)
        }
    }

    @Test func linksAreReportedWithTheirPositions() {
        let rendered = renderer.render("Intro\n\nSee [the story](../stories/a/index.html).\n")
        #expect(rendered.links == [RenderedMarkdown.Link(destination: "../stories/a/index.html", isImage: false, line: 3, column: 5)])
    }

    /// Columns count Unicode scalars, as diagnostics do: after "Café — " the link starts at
    /// column 8, not at byte 11 (the caret used to land three places to the right).
    @Test func linkColumnsCountCharactersNotBytes() {
        let rendered = renderer.render("Café — [the story](missing.html) and 🙂 [x](y.html)\n")
        #expect(rendered.links.map(\.column) == [8, 40])
    }

    @Test func theSummaryIsTheFirstParagraphAsPlainText() {
        let rendered = renderer.render("## Heading\n\nThe *engineer* came [early](x).\n\nSecond.\n")
        #expect(rendered.summary == "The engineer came early.")
    }

    @Test func headingsMoveDownByTheOffset() {
        #expect(renderer.render("## Agenda\n", headingOffset: 1).html == "<h3>Agenda</h3>\n")
        #expect(renderer.render("###### Deep\n", headingOffset: 2).html == "<h6>Deep</h6>\n")
    }

    /// The excerpt is gathered as cmark-gfm's plain-text renderer prints it (checked against
    /// `cmark-gfm -t plaintext`), but in one pass.
    @Test func theSummaryReadsEveryKindOfInline() {
        let markdown =
            "Hello *em* **strong** ~~strike~~ `code` [link](http://x) ![alt *x*](y.png) <b>html</b> &amp; \"quotes\"\nsoft\\\nhard https://auto.link\n"
        for renderer in [MarkdownRenderer(), MarkdownRenderer(allowsRawHTML: true)] {
            #expect(
                renderer.render(markdown).summary
                    == "Hello em strong ~strike~ code link alt x html & \u{201C}quotes\u{201D} soft hard https://auto.link")
        }
    }

    /// Stars around a letter nest emphasis half as deep: cmark-gfm parses it at once, but its
    /// plain-text renderer climbed to the root for every node (68 s for 200,000 stars).
    @Test func deeplyNestedEmphasisRendersInLinearTime() {
        let nested: (Int) -> String = { String(repeating: "*", count: $0) + "x" + String(repeating: "*", count: $0) + "\n" }
        let rendered = MarkdownRenderer().render(nested(20_000))
        #expect(rendered.summary.contains("x"))
        #expect(rendered.html.hasPrefix("<p>"))
        #expect(LinearCost.growth(from: 5_000, input: nested) { _ = MarkdownRenderer().render($0) } < LinearCost.bound)
    }

    private static let runTogether = "more than 16 web addresses run together without a space: put spaces between them"
    private static let quoteRuns = String(repeating: "'\"", count: 12_000)
    private static let tooManyRuns = "more than 500 runs of *, _, ~ or quote marks in one paragraph: put blank lines between its parts"
    private static let tooDeep =
        "block quotes and lists nested more than 16 levels deep on one line (every two columns of indentation count as a level): cxsite renders at most 16"

    @Test(arguments: [
        (
            "|" + String(repeating: "a|", count: 10_000) + "\n|" + String(repeating: "-|", count: 10_000) + "\n",
            MarkdownLimits.Problem(message: "a table row with more than 300 cells: cxsite renders tables of at most 300 columns", line: 1, column: 1)
        ),
        (
            "Intro\n\n| a | b |\n|---|---|\n" + String(repeating: "| 1 | 2 |\n", count: 60_000),
            MarkdownLimits.Problem(
                message: "tables with more than 100000 cells in all: split them over several stories, or link to the data",
                line: 50_003, column: 1)
        ),
        (
            "|" + String(repeating: "h|", count: 300) + "\n|" + String(repeating: "-|", count: 300) + "\n" + String(repeating: "x\n", count: 400),
            MarkdownLimits.Problem(
                message: "tables with more than 100000 cells in all: split them over several stories, or link to the data",
                line: 334, column: 1)
        ),
        (
            "> |" + String(repeating: "a|", count: 400) + "\n> |" + String(repeating: "-|", count: 400) + "\n",
            MarkdownLimits.Problem(message: "a table row with more than 300 cells: cxsite renders tables of at most 300 columns", line: 1, column: 1)
        ),
        (String(repeating: "> ", count: 17) + "x\n", MarkdownLimits.Problem(message: MarkdownTests.tooDeep, line: 1, column: 33)),
        ("text\n\n" + String(repeating: "- ", count: 70) + "x\n", MarkdownLimits.Problem(message: MarkdownTests.tooDeep, line: 3, column: 33)),
        // Indentation nests as deep as markers do; a lone CR ends a line as LF does.
        (
            (0...16).map { String(repeating: "  ", count: $0) + "- x" }.joined(separator: "\r"),
            MarkdownLimits.Problem(message: MarkdownTests.tooDeep, line: 1, column: 337)  // 304 bytes of lines before, then 32 spaces
        ),
        ("Où\n«" + String(repeating: "www.é", count: 20), MarkdownLimits.Problem(message: MarkdownTests.runTogether, line: 2, column: 82)),
        (
            String(repeating: "www.a_", count: 4_000),
            MarkdownLimits.Problem(
                message: MarkdownTests.runTogether, line: 1, column: 97)
        ),
        (
            "Intro\r\n" + String(repeating: "<http://a", count: 3_000),
            MarkdownLimits.Problem(
                message: MarkdownTests.runTogether, line: 2, column: 150)
        ),
        (
            "www.a" + String(repeating: ")", count: 25_000),
            MarkdownLimits.Problem(
                message: "a web address with more than 64 closing parentheses: write it as a link, [text](address)", line: 1, column: 70)
        ),
        (
            String(repeating: "a@", count: 12_000),
            MarkdownLimits.Problem(
                message: "more than 64 e-mail addresses on one line: put them on lines of their own", line: 1, column: 130)
        ),
        (
            String(repeating: "![[]()\n", count: 4_000),
            MarkdownLimits.Problem(
                message: "more than 128 images in one paragraph: put blank lines between them", line: 129, column: 1)
        ),
        (MarkdownTests.quoteRuns, MarkdownLimits.Problem(message: MarkdownTests.tooManyRuns, line: 1, column: 501)),
        (
            String(repeating: "<!a", count: 8_000),
            MarkdownLimits.Problem(
                message: "more than 64 '<!' or '<?' in one paragraph: put blank lines between them, or write them as code", line: 1,
                column: 193)
        ),
        // A fence is not code where cmark-gfm reads markdown: inside an HTML block, or once the
        // list item holding it has ended.
        ("<div>\n```\n\n" + MarkdownTests.quoteRuns, MarkdownLimits.Problem(message: MarkdownTests.tooManyRuns, line: 4, column: 501)),
        ("<!--\n\n```\n-->\n" + MarkdownTests.quoteRuns, MarkdownLimits.Problem(message: MarkdownTests.tooManyRuns, line: 5, column: 501)),
        ("- a\n  ```\n" + MarkdownTests.quoteRuns, MarkdownLimits.Problem(message: MarkdownTests.tooManyRuns, line: 3, column: 501)),
        (
            "[a]: /" + String(repeating: "x", count: 100_000) + "\n\n" + String(repeating: "[a] ", count: 200),
            MarkdownLimits.Problem(
                message:
                    "a link reference definition of 100004 bytes, in a story with 201 ']' that could use it, could render more than 16 MiB: shorten it, or link to it fewer times",
                line: 1, column: 1)
        ),
    ])
    func shapesThatCostCmarkOutOfProportionAreRefused(_ markdown: String, _ problem: MarkdownLimits.Problem) {
        #expect(MarkdownLimits.problem(in: markdown) == problem)
        #expect(MarkdownRenderer().render(markdown).html.isEmpty)
    }

    /// Each shape just inside its bound, repeated: the work grows with the size of the story,
    /// however often the shape repeats.
    @Test(arguments: [
        String(repeating: "www.a_", count: 16) + " ",
        String(repeating: "<http://a", count: 16) + " ",
        "www.a" + String(repeating: ")", count: 64) + " ",
        String(repeating: "a@", count: 64) + "\n",
        String(repeating: "![[]()", count: 128) + "\n\n",
        String(repeating: "'\"", count: 250) + "\n\n",
        String(repeating: "<!a", count: 64) + "\n\n",
        String(repeating: "- ", count: 16) + "x\n" + String(repeating: "y\n", count: 64),
    ])
    func shapesWithinTheLimitsRenderInLinearTime(_ unit: String) {
        let markdown: (Int) -> String = { String(repeating: unit, count: $0) }
        #expect(MarkdownLimits.problem(in: markdown(400)) == nil)
        let renderer = MarkdownRenderer()
        #expect(LinearCost.growth(from: 25_000 / unit.utf8.count, input: markdown) { _ = renderer.render($0) } < LinearCost.bound)
    }

    /// A tag whose attribute never closes swallows the rest of its HTML block in a browser:
    /// all of it shows as text.
    @Test func aTagThatNeverEndsShowsAsText() {
        #expect(
            MarkdownRenderer(allowsRawHTML: true).render("<div>\n<b title=\"unclosed>x\n</div>\n").html
                == "<div>\n&lt;b title=\"unclosed>x\n&lt;/div>\n</div>")
    }

    /// Raw HTML cannot leave an element open past the story, nor close one it did not open:
    /// an unclosed link would wrap the rest of the page, a stray `</div>` close the theme's.
    @Test(arguments: [
        (
            "Text <a href=\"https://x.test\">unclosed\n\nNext paragraph.\n",
            "<p>Text <a href=\"https://x.test\">unclosed</a></p>\n<p>Next paragraph.</p>\n"
        ),
        ("<div><span>a\n\nb</div>\n", "<div><span>a\n<p>b</p></span></div>\n"),
        ("a </div></span> b\n", "<p>a  b</p>\n"),
        ("<b>bold <i>both</b> after\n", "<p><b>bold <i>both</i></b> after</p>\n"),
        ("<p>a<br>b<img src=\"x.png\" alt=\"\"></p>\n", "<p>a<br>b<img src=\"x.png\" alt=\"\"></p>\n"),
    ])
    func rawHTMLIsClosedWithinTheStory(_ markdown: String, _ expected: String) {
        #expect(MarkdownRenderer(allowsRawHTML: true).render(markdown).html == expected)
    }

    /// Tags that never end cost one pass, not one per `<` (raw HTML, when a site opts in); and
    /// each `<` escaped is appended, not the whole text copied again (300,000 took 59 s).
    @Test(arguments: [("<b", ""), ("<a x=\"", ""), ("<x", ">")])
    func unfinishedTagsAreReadInLinearTime(_ unit: String, _ end: String) {
        let markdown: (Int) -> String = { "<div>\n" + String(repeating: unit, count: $0) + end + "\n" }
        let renderer = MarkdownRenderer(allowsRawHTML: true)
        let html = renderer.render(markdown(10_000)).html
        #expect(!html.contains("<b") && !html.contains("<a") && !html.contains("<x"))
        #expect(LinearCost.growth(from: 10_000, input: markdown) { _ = renderer.render($0) } < LinearCost.bound)
    }

    /// Code is not parsed as markdown, so its quotes and indentation are not counted: a long
    /// JSON or YAML sample in a fence is no error.
    @Test func fencedCodeIsNotCounted() {
        let json = "{\n" + String(repeating: "  \"key\": \"value\",\n", count: 1_000) + "}"
        let yaml = (0..<20).map { String(repeating: "  ", count: $0) + "- item" }.joined(separator: "\n")
        for code in ["```json\n\(json)\n```\n", "~~~~\n\(yaml)\n~~~~\n", "- list\n\n  ```\n  \(json)\n  ```\n"] {
            #expect(MarkdownLimits.problem(in: "Intro\n\n" + code + "\nAfter.\n") == nil, "\(code.prefix(20))")
        }
    }

    @Test func ordinaryTablesAndListsAreWithinTheLimits() {
        let markdown = "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n- a\n  - b\n    1. c\n\n> > quoted\n\n* * *\n"
        #expect(MarkdownLimits.problem(in: markdown) == nil)
        #expect(MarkdownRenderer().render(markdown).html.contains("<table>"))
    }

    /// A document is allocated from the thread's arena and given back whole: the arena holds
    /// one block between documents, after a hundred small ones or one larger than a block,
    /// and what it rendered is a Swift value that outlives it.
    @Test func theArenaHoldsOneBlockBetweenDocumentsWhateverTheirSize() {
        let large = (1...6_000).map { "- item \($0) with *emphasis* and a [link](page-\($0).html)\n" }.joined()
        let first = renderer.render("# One\n\nA *first* document.\n")
        let held = MarkdownRenderer.arenaBytesHeld
        #expect(held > 0)
        for number in 1...100 {
            _ = renderer.render("Story \(number): the **engineer** never came. | a |\n|---|\n| \(number) |\n")
            #expect(MarkdownRenderer.arenaBytesHeld == held)
        }
        let rendered = renderer.render(large)
        #expect(rendered.links.count == 6_000 && rendered.html.hasSuffix("</ul>\n"))
        #expect(MarkdownRenderer.arenaBytesHeld == held)
        #expect(first.html == "<h1>One</h1>\n<p>A <em>first</em> document.</p>\n")
    }

    @Test func controlCharactersFromEntitiesAreReplaced() {
        let rendered = MarkdownRenderer().render("Bell &#7; escape &#x1b; fine &#233;\n")
        #expect(rendered.html == "<p>Bell \u{FFFD} escape \u{FFFD} fine \u{E9}</p>\n")
        #expect(rendered.summary == "Bell \u{FFFD} escape \u{FFFD} fine \u{E9}")
    }
}
