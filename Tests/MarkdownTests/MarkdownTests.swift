import Markdown
import Testing

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

    @Test func theSummaryIsTheFirstParagraphAsPlainText() {
        let rendered = renderer.render("## Heading\n\nThe *engineer* came [early](x).\n\nSecond.\n")
        #expect(rendered.summary == "The engineer came early.")
    }

    @Test func headingsMoveDownByTheOffset() {
        #expect(renderer.render("## Agenda\n", headingOffset: 1).html == "<h3>Agenda</h3>\n")
        #expect(renderer.render("###### Deep\n", headingOffset: 2).html == "<h6>Deep</h6>\n")
    }
}
