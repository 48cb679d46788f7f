import Testing

@testable import Serve

/// The reload script goes into every page the preview serves: before the last `</body>`, with
/// the page's security policy widened to load it, and nothing else of the page changed.
struct LiveReloadTests {
    static let script = "<script src=\"/__cxsite/live-reload.js\"></script>\n"
    static let widened = "default-src 'none'; script-src 'self'; connect-src 'self';"

    @Test(arguments: [
        (
            "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self'\"></head><body>é</body></html>",
            "<head><meta http-equiv=\"Content-Security-Policy\" content=\"\(widened) img-src 'self'\"></head><body>é\(script)</body></html>"
        ),
        ("<body><pre>&lt;/body&gt;</pre><p></body> text</body>", "<body><pre>&lt;/body&gt;</pre><p></body> text\(script)</body>"),
        ("no body, default-src 'none'; twice: default-src 'none';", "no body, \(widened) twice: \(widened)"),
        ("", ""),
    ])
    func theScriptGoesBeforeTheLastBodyEnd(page: String, expected: String) {
        #expect(String(decoding: LiveReload.inject(into: Array(page.utf8)), as: UTF8.self) == expected)
    }
}
