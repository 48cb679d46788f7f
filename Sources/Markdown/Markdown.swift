import CCMarkGFM
import CMarkdownArena
import Diagnostics

#if canImport(Glibc)
    import Glibc
#endif

/// Markdown to HTML through cmark-gfm, with GitHub's table, strikethrough, autolink,
/// tagfilter and task-list extensions and smart punctuation.
///
/// Every C pointer stays inside this file: callers get Swift values.
public struct MarkdownRenderer: Sendable {
    /// When false (the default), raw HTML in markdown is omitted. When true it passes
    /// through, still with GitHub's tagfilter (no `<script>`, `<iframe>`, `<style>`…), and
    /// without event-handler attributes or dangerous URLs.
    public var allowsRawHTML: Bool

    public init(allowsRawHTML: Bool = false) {
        self.allowsRawHTML = allowsRawHTML
    }

    /// The version of the cmark-gfm library in use, such as `0.29.0.gfm.6`.
    public static var libraryVersion: String { String(cString: cmark_version_string()) }

    /// Renders `markdown` to HTML and reports the links it contains. `headingOffset` moves
    /// every heading down that many levels, for markdown shown under a page's own headings.
    public func render(_ markdown: String, headingOffset: Int = 0) -> RenderedMarkdown {
        // Shapes that cost cmark-gfm time out of proportion to their size never reach it;
        // the loader reports them as located errors (`MarkdownLimits.checked(_:)`).
        guard case .success(let checked) = MarkdownLimits.checked(markdown) else { return RenderedMarkdown(html: "", links: []) }
        return render(checked, headingOffset: headingOffset)
    }

    /// Renders markdown already checked against ``MarkdownLimits``, as ``render(_:headingOffset:)-(String,_)`` does.
    public func render(_ markdown: CheckedMarkdown, headingOffset: Int = 0) -> RenderedMarkdown {
        _ = Self.registerExtensions
        // Swift strings are valid UTF-8 already, so cmark need not check.
        let options =
            CMARK_OPT_SMART
            | (allowsRawHTML ? CMARK_OPT_UNSAFE : 0)
        // The document is allocated from this thread's arena, given back whole once its HTML
        // and links are Swift values: nothing cmark returns is freed, or used, after that.
        guard let parser = cmark_parser_new_with_mem(options, cx_arena_mem()) else { return RenderedMarkdown(html: "", links: []) }
        defer { cx_arena_reset() }
        for name in Self.extensionNames {
            if let extensionPointer = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, extensionPointer)
            }
        }
        var text = markdown.text
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return RenderedMarkdown(html: "", links: []) }

        // Named passes over the one tree, in order.
        let links = links(in: document, source: text)  // as written, before URLs are emptied
        emptyDangerousURLs(in: document)
        if allowsRawHTML { sanitizeRawHTML(in: document) }
        if headingOffset != 0 { shiftHeadings(in: document, by: headingOffset) }
        let summary = firstParagraphText(of: document)
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return RenderedMarkdown(html: "", links: links, summary: summary)
        }
        // Numeric entities can name control characters (`&#x1b;`), which no page may carry.
        var rendered = TextSafety.scrubbed(String(cString: html))
        if strstr(html, Self.taskBox) != nil { rendered = Self.labelTaskBoxes(rendered) }
        if allowsRawHTML { rendered = TagBalance.balanced(rendered) }
        return RenderedMarkdown(html: rendered, links: links, summary: summary)
    }

    /// The bytes this thread's arena holds between documents: one block, however many
    /// documents and however large (for tests).
    static var arenaBytesHeld: Int { Int(cx_arena_held()) }

    /// How a task-list box starts, looked for in the C string before any Swift string search:
    /// few stories have one, and `String.contains` was 6% of a 10,000-story build.
    static let taskBox = "<input type=\"checkbox\""

    /// cmark-gfm's task-list boxes, named for screen readers ("done", "not done"): a box
    /// with no accessible name is a critical accessibility failure (axe's `label` rule).
    static func labelTaskBoxes(_ html: String) -> String {
        return
            html
            .replacing(
                "<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
                with: "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"done\" />"
            )
            .replacing(
                "<input type=\"checkbox\" disabled=\"\" />",
                with: "<input type=\"checkbox\" disabled=\"\" aria-label=\"not done\" />")
    }

    /// The plain text of the first top-level paragraph, shortened at a word to about 240
    /// characters: a card's excerpt. The text is gathered from the paragraph's nodes as
    /// cmark-gfm's plain-text renderer would print it, in one pass: that renderer climbs to
    /// the root for every node, which is quadratic in how deeply emphasis nests.
    private func firstParagraphText(of document: OpaquePointer) -> String {
        var node = cmark_node_first_child(document)
        while let current = node, cmark_node_get_type(current) != CMARK_NODE_PARAGRAPH {
            node = cmark_node_next(current)
        }
        guard let paragraph = node, let iterator = cmark_iter_new(paragraph) else { return "" }
        defer { cmark_iter_free(iterator) }
        var bytes: [UInt8] = []
        func append(_ text: UnsafePointer<CChar>?) {
            guard let text else { return }
            bytes.append(contentsOf: UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: strlen(text)))
        }
        // The excerpt needs 240 characters; gather generously more, then stop.
        while bytes.count < 16_384 {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let current = cmark_iter_get_node(iterator) else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if event == CMARK_EVENT_ENTER { append(cmark_node_get_literal(current)) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                if event == CMARK_EVENT_ENTER { bytes.append(0x0A) }
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_EMPH, CMARK_NODE_STRONG, CMARK_NODE_LINK, CMARK_NODE_IMAGE, CMARK_NODE_HTML_INLINE:
                break
            default:
                if let type = cmark_node_get_type_string(current), strcmp(type, "strikethrough") == 0 { bytes.append(UInt8(ascii: "~")) }
            }
        }
        let text = Self.collapsingWhitespace(bytes)
        guard text.count > 240 else { return text }
        let cut = text.prefix(240)
        return String(cut[..<(cut.lastIndex(of: " ") ?? cut.endIndex)]) + "…"
    }

    /// Calls `body` with every node of `document` whose type is one of `types`, in document order.
    private func visit(_ document: OpaquePointer, _ types: [cmark_node_type], _ body: (OpaquePointer, cmark_node_type) -> Void) {
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if types.contains(type) { body(node, type) }
        }
    }

    /// Link and image destinations as written, with where each starts in the markdown.
    private func links(in document: OpaquePointer, source: String) -> [RenderedMarkdown.Link] {
        var links: [RenderedMarkdown.Link] = []
        var columns = ScalarColumns(source)
        visit(document, [CMARK_NODE_LINK, CMARK_NODE_IMAGE]) { node, type in
            guard let url = cmark_node_get_url(node) else { return }
            let line = Int(cmark_node_get_start_line(node))
            links.append(
                RenderedMarkdown.Link(
                    destination: String(cString: url), isImage: type == CMARK_NODE_IMAGE, line: line,
                    column: columns.column(line: line, byteColumn: Int(cmark_node_get_start_column(node)))))
        }
        return links
    }

    /// Empties link and image destinations whose scheme could run code (`javascript:`,
    /// `vbscript:`, `data:`), whatever the raw-HTML setting.
    private func emptyDangerousURLs(in document: OpaquePointer) {
        visit(document, [CMARK_NODE_LINK, CMARK_NODE_IMAGE]) { node, _ in
            if let url = cmark_node_get_url(node), URLSafety.isDangerous(String(cString: url)) { cmark_node_set_url(node, "") }
        }
    }

    /// Raw HTML, which passes only when the site opts in, through `RawHTMLSanitizer`.
    private func sanitizeRawHTML(in document: OpaquePointer) {
        visit(document, [CMARK_NODE_HTML_INLINE, CMARK_NODE_HTML_BLOCK]) { node, _ in
            guard let literal = cmark_node_get_literal(node) else { return }
            let original = String(cString: literal)
            let cleaned = RawHTMLSanitizer.sanitize(original)
            if cleaned != original { cmark_node_set_literal(node, cleaned) }
        }
    }

    /// Moves every heading down `offset` levels, within h1–h6.
    private func shiftHeadings(in document: OpaquePointer, by offset: Int) {
        visit(document, [CMARK_NODE_HEADING]) { node, _ in
            cmark_node_set_heading_level(node, min(6, max(1, cmark_node_get_heading_level(node) + Int32(offset))))
        }
    }

    /// The text of `input` with runs of ASCII whitespace collapsed to single spaces and
    /// trimmed, and characters no page may carry replaced.
    private static func collapsingWhitespace(_ input: [UInt8]) -> String {
        var bytes: [UInt8] = []
        var pendingSpace = false
        for byte in input {
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                pendingSpace = !bytes.isEmpty
            } else {
                if pendingSpace { bytes.append(0x20) }
                pendingSpace = false
                bytes.append(byte)
            }
        }
        return TextSafety.scrubbed(String(decoding: bytes, as: UTF8.self))
    }

    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    /// cmark-gfm's extension registry is global; fill it once, before the first parse.
    private static let registerExtensions: Void = cmark_gfm_core_extensions_ensure_registered()
}

/// HTML produced from markdown, with the links found in it.
public struct RenderedMarkdown: Sendable, Equatable {
    public struct Link: Sendable, Equatable {
        /// The destination as written in the markdown.
        public var destination: String
        public var isImage: Bool
        /// Where the link starts in the markdown: 1-based, the column in Unicode scalars, as
        /// every diagnostic counts (cmark-gfm counts bytes; ``ScalarColumns`` converts).
        public var line: Int
        public var column: Int

        public init(destination: String, isImage: Bool, line: Int, column: Int) {
            self.destination = destination
            self.isImage = isImage
            self.line = line
            self.column = column
        }
    }

    public var html: String
    public var links: [Link]
    /// The first paragraph as plain text, shortened for excerpts.
    public var summary: String = ""

    public init(html: String, links: [Link], summary: String = "") {
        self.html = html
        self.links = links
        self.summary = summary
    }
}

/// Converts cmark-gfm's columns, which count UTF-8 bytes from the start of the line, into
/// columns of Unicode scalars, the unit of every diagnostic. Line starts are found once, and
/// links come in document order, so counting resumes where the last link of the line left
/// off: thousands of links on one long line cost one pass over it.
private struct ScalarColumns {
    private let bytes: [UInt8]
    private var lineStarts: [Int]?
    /// Where the last conversion ended: a line, a byte offset in the text, its column.
    private var cursor = (line: 0, offset: 0, column: 1)

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func column(line: Int, byteColumn: Int) -> Int {
        if lineStarts == nil {
            lineStarts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
        }
        guard let starts = lineStarts, line >= 1, line <= starts.count else { return byteColumn }
        let target = min(bytes.count, starts[line - 1] + max(0, byteColumn - 1))
        if cursor.line != line || cursor.offset > target { cursor = (line, starts[line - 1], 1) }
        var column = cursor.column
        for index in cursor.offset..<target where bytes[index] & 0xC0 != 0x80 { column += 1 }
        cursor = (line, target, column)
        return column
    }
}

/// Which URLs may appear in a page.
public enum URLSafety {
    /// True for URLs whose scheme can run code or smuggle content: `javascript:`,
    /// `vbscript:` and `data:`, however they are cased or padded with whitespace and controls.
    public static func isDangerous(_ url: String) -> Bool {
        var scheme = ""
        for scalar in url.unicodeScalars {
            if scalar == ":" { break }
            if scalar.value <= 0x20 || scalar == "\u{7F}" { continue }  // browsers skip these
            if scheme.count > 16 { return false }
            scheme.unicodeScalars.append(scalar)
        }
        guard url.unicodeScalars.contains(":") else { return false }
        return ["javascript", "vbscript", "data"].contains(scheme.lowercased())
    }
}
