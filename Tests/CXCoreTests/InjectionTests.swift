import CXCore
import Foundation
import Testing

/// The `hostile` fixture carries script-injection payloads in every field a user can write:
/// titles, quotes, customer names, tags, config names, CSV segments and comments, perception
/// answers, raw HTML and links in markdown. It builds, and nothing from it can run.
struct InjectionTests {
    @Test func hostileContentBuildsAndNothingInTheOutputCanRun() throws {
        let site = try TestSite(fixture: "hostile")
        defer { site.cleanUp() }
        try site.build()
        let files = try site.outputFiles()
        #expect(files.count > 10)
        for (path, data) in files where path.hasSuffix(".html") || path.hasSuffix(".json") || path.hasSuffix(".xml") {
            let text = String(decoding: data, as: UTF8.self)
            let lower = text.lowercased()
            #expect(!lower.contains("<script"), "\(path) has a script element")
            #expect(
                !lower.contains("<iframe") && !lower.contains("<object") && !lower.contains("<style") && !lower.contains("<img src=x"),
                "\(path) has an element from content")
            #expect(Self.eventHandlerAttributes(in: text).isEmpty, "\(path) has event handlers: \(Self.eventHandlerAttributes(in: text))")
            for url in Self.urlAttributes(in: text) {
                let scheme = url.lowercased().filter { !$0.isWhitespace }
                #expect(
                    !scheme.hasPrefix("javascript:") && !scheme.hasPrefix("vbscript:") && !scheme.hasPrefix("data:"),
                    "\(path) links to \(url)")
            }
        }
        // The payloads are shown as text, escaped.
        let story = try site.page("stories/xss-everywhere.html")
        #expect(story.contains("&lt;script&gt;alert(&#39;story&#39;)&lt;/script&gt;"))
        #expect(story.contains("&lt;img src=x onerror=alert(&#39;customer&#39;)&gt;"))
    }

    @Test func theThemeForbidsInlineScriptAndExternalLoads() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        for (path, data) in try site.outputFiles() where path.hasSuffix(".html") {
            #expect(
                String(decoding: data, as: UTF8.self).contains(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'\">"
                ),
                "\(path) has no Content-Security-Policy")
        }
    }

    @Test func rawHTMLOptInStillFiltersScriptsAndLinks() throws {
        let site = try TestSite(fixture: "hostile")
        defer { site.cleanUp() }
        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write("cxsite.yaml", config + "markdown:\n  unsafe: true\n")
        try site.build()
        let story = try site.page("stories/xss-everywhere.html").lowercased()
        #expect(!story.contains("<script"))
        #expect(!story.contains("href=\"javascript:"))
        #expect(story.contains("&lt;script>"))  // the tagfilter's mark
    }

    /// Attributes named `on…` inside tags.
    static func eventHandlerAttributes(in html: String) -> [String] {
        let tags = try! NSRegularExpression(pattern: "<[a-zA-Z][^>]*>")
        let handler = try! NSRegularExpression(pattern: "[\\s/]on[a-z]+\\s*=", options: .caseInsensitive)
        let range = NSRange(html.startIndex..., in: html)
        return tags.matches(in: html, range: range).compactMap { match in
            let tag = String(html[Range(match.range, in: html)!])
            guard let found = handler.firstMatch(in: tag, range: NSRange(tag.startIndex..., in: tag)) else { return nil }
            return String(tag[Range(found.range, in: tag)!])
        }
    }

    /// The values of href, src and similar attributes.
    static func urlAttributes(in html: String) -> [String] {
        ["href=\"", "src=\"", "action=\"", "data=\""].flatMap { marker in
            html.components(separatedBy: marker).dropFirst().map { String($0.prefix { $0 != "\"" }) }
        }
    }
}
