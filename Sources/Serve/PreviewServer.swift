import CXCore
import Foundation
import Mustache

/// `cxsite serve`: builds the site into memory, serves it over HTTP, watches the sources and
/// rebuilds on change (debounced), and tells open pages to reload through server-sent events.
/// While a build fails, every page shows its errors, the same text as the terminal.
/// The reload script exists only here: `build` output never carries it.
public struct PreviewServer: Sendable {
    public let options: BuildOptions
    public let host: String
    public let port: UInt16
    /// Reads the clock for each rebuild (the command line passes the system's; a test, its own),
    /// in place of the one `options` holds: a server runs for days.
    public let clock: @Sendable () -> Clock
    /// Where messages go (the terminal).
    public let log: @Sendable (String) -> Void
    /// The `Host:` names answered.
    public let hosts: HostCheck

    public init(
        options: BuildOptions, host: String = "127.0.0.1", port: UInt16 = 8080, hosts: HostCheck = HostCheck(),
        clock: @escaping @Sendable () -> Clock, log: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.host = host
        self.port = port
        self.hosts = hosts
        self.clock = clock
        self.log = log
    }

    /// Serves until the process stops. Throws at once, before building, when the port
    /// cannot be had.
    public func run() throws -> Never {
        let server = try HTTPServer(host: host, port: port)
        let state = PreviewState(hosts: hosts)
        let watcher = SourceWatcher(root: options.source)  // before the first build: no save is missed
        let first = rebuild(into: state, server: server, reusing: nil)
        if !Self.isLoopback(host) {
            log(
                "warning: listening on \(host), not on this machine alone: anyone who can reach it on the network can read "
                    + "the site, unreleased customer stories included; serve on 127.0.0.1 unless that is what you mean")
        }
        log("Serving \(options.source.path) at http://\(host):\(server.port)/ — watching for changes (Ctrl-C stops)")
        let thread = Thread {
            var previous = first
            while true {
                watcher.waitForChange()
                previous = rebuild(into: state, server: server, reusing: previous)
            }
        }
        thread.start()
        server.run { state.reply(to: $0) }
    }

    /// True for an address only this machine can reach.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Rebuilds into memory, reusing what the previous build parsed and rendered where the
    /// sources it came from are unchanged; returns what the next rebuild may reuse.
    private func rebuild(into state: PreviewState, server: HTTPServer, reusing previous: RenderedSite?) -> RenderedSite? {
        var kept = previous
        var options = options
        options.clock = clock()
        do {
            let site = try SiteBuilder.renderInMemory(options, reusing: previous)
            for warning in site.warnings { log(warning.description) }
            log(site.summary)
            kept = site
            state.publish(.site(site.files))
        } catch let errors as DiagnosticList {
            log(errors.description)
            log("build failed: the pages show the errors until the next good save")
            state.publish(.failure(errors.description))
        } catch {
            log("build failed: \(error)")
            state.publish(.failure("\(error)"))
        }
        server.broadcast(Array("data: reload\n\n".utf8))
        return kept
    }
}

/// What the server shows: the last good site, or the errors of the last build.
final class PreviewState: @unchecked Sendable {
    enum Content {
        case site([String: [UInt8]])
        case failure(String)
    }

    private let lock = NSLock()
    private var content: Content = .failure("building…")
    private let hosts: HostCheck

    init(hosts: HostCheck) {
        self.hosts = hosts
    }

    func publish(_ newContent: Content) {
        lock.withLock { content = newContent }
    }

    /// The answer to one request: `GET` and `HEAD` only; `/stories/` is its `index.html`,
    /// `/stories` moves there; unknown paths get the site's 404 page.
    func reply(to request: HTTPRequestHead) -> HTTPServer.Reply {
        guard hosts.allows(request.fields["host"]) else {
            return .response(
                .forbidden, headers: [("Content-Type", "text/plain; charset=utf-8")],
                body: Array(
                    "403 Forbidden: this preview answers to localhost and its own address; start it with --allow-host NAME for another name\n".utf8))
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .response(
                .methodNotAllowed, headers: [("Allow", "GET, HEAD"), ("Content-Type", "text/plain; charset=utf-8")],
                body: Array("405 Method Not Allowed\n".utf8))
        }
        let path = String(request.target.prefix { $0 != "?" && $0 != "#" })
        guard path.hasPrefix("/") else {
            return .response(.badRequest, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("400 Bad Request\n".utf8))
        }
        switch path {
        case "/__cxsite/events":
            return .eventStream
        case "/__cxsite/live-reload.js":
            return .response(
                .ok, headers: [("Content-Type", "text/javascript; charset=utf-8"), ("Cache-Control", "no-store")],
                body: Array(LiveReload.script.utf8))
        default:
            break
        }
        let relative = Self.filePath(for: path)
        switch lock.withLock({ content }) {
        case .failure(let text):
            guard relative.hasSuffix(".html") else { return .response(.serviceUnavailable, headers: [], body: []) }
            return .response(.internalServerError, headers: Self.headers(for: "error.html"), body: Array(LiveReload.errorPage(text).utf8))
        case .site(let files):
            if let bytes = files[relative] {
                return .response(
                    .ok, headers: Self.headers(for: relative),
                    body: relative.hasSuffix(".html") ? LiveReload.inject(into: bytes) : bytes)
            }
            if !relative.isEmpty, files[relative + "/index.html"] != nil {
                // From the normalised path: `//stories` must not become a link to a host.
                let encoded =
                    relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#;"))) ?? relative
                let location = "/" + encoded + "/"
                return .response(.movedPermanently, headers: [("Location", location)], body: [])
            }
            let notFound = files["404.html"].map { LiveReload.inject(into: $0) } ?? Array("Not found".utf8)
            return .response(.notFound, headers: Self.headers(for: "404.html"), body: notFound)
        }
    }

    /// `/` → `index.html`, `/stories/` → `stories/index.html`, percent-decoded; `.` and `..`
    /// segments name nothing.
    static func filePath(for path: String) -> String {
        let decoded = path.removingPercentEncoding ?? path
        let segments = decoded.split(separator: "/")
        if segments.contains(where: { $0 == "." || $0 == ".." }) { return "" }
        var relative = segments.joined(separator: "/")
        if relative.isEmpty || decoded.hasSuffix("/") { relative += relative.isEmpty ? "index.html" : "/index.html" }
        return relative
    }

    static func headers(for path: String) -> [(String, String)] {
        let type: String
        switch (path as NSString).pathExtension.lowercased() {
        case "html": type = "text/html; charset=utf-8"
        case "css": type = "text/css; charset=utf-8"
        case "json": type = "application/json"
        case "xml": type = path.hasSuffix("feed.xml") ? "application/atom+xml" : "application/xml"
        case "svg": type = "image/svg+xml"
        case "png": type = "image/png"
        case "jpg", "jpeg": type = "image/jpeg"
        case "gif": type = "image/gif"
        case "webp": type = "image/webp"
        case "avif": type = "image/avif"
        case "ico": type = "image/x-icon"
        case "pdf": type = "application/pdf"
        case "woff": type = "font/woff"
        case "woff2": type = "font/woff2"
        default: type = "application/octet-stream"
        }
        return [("Content-Type", type), ("Cache-Control", "no-store")]
    }
}

/// The sources a build reads, as paths with sizes and modification times.
struct SourceFingerprint: Equatable {
    private var entries: [String: [Double]] = [:]

    init(of folder: URL) {
        let fileManager = FileManager.default
        for top in SourceWatcher.sources {
            let url = folder.appendingPathComponent(top)
            record(url, as: top)
            guard let enumerator = fileManager.enumerator(atPath: url.path) else { continue }
            while let relative = enumerator.nextObject() as? String {
                record(url.appendingPathComponent(relative), as: top + "/" + relative)
            }
        }
    }

    private mutating func record(_ url: URL, as key: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = Double((attributes[.size] as? Int) ?? 0)
        entries[key] = [modified, size]
    }
}

/// The reload script, its injection into served pages, and the page that shows build errors.
enum LiveReload {
    static let script = """
        // cxsite serve: reload this page when the site is rebuilt.
        new EventSource("/__cxsite/events").onmessage = function () { location.reload(); };

        """

    /// Adds the script before the last `</body>` and lets the page's security policy load it.
    /// On the page's bytes: bridged to Foundation's `replacingOccurrences`, every page a
    /// browser fetched after a rebuild cost 4% of the preview's time.
    static func inject(into page: [UInt8]) -> [UInt8] {
        let policy = Array("default-src 'none';".utf8)
        let widened = Array("default-src 'none'; script-src 'self'; connect-src 'self';".utf8)
        var html: [UInt8] = []
        html.reserveCapacity(page.count + 128)
        var copied = 0
        while let found = offset(of: policy, in: page, from: copied) {
            html += page[copied..<found] + widened
            copied = found + policy.count
        }
        html += page[copied...]
        var end: Int?
        var from = 0
        while let found = offset(of: Array("</body>".utf8), in: html, from: from) {
            end = found
            from = found + 1
        }
        if let end { html.insert(contentsOf: Array("<script src=\"/__cxsite/live-reload.js\"></script>\n".utf8), at: end) }
        return html
    }

    /// Where `needle` (not empty) first is in `bytes` at or after `start`: its first byte
    /// found by `memchr`, the rest compared by `memcmp`.
    private static func offset(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                guard let base = haystack.baseAddress, let first = needle.first else { return nil }
                var index = start
                while index + needle.count <= haystack.count {
                    guard let hit = memchr(base + index, Int32(first), haystack.count - needle.count + 1 - index) else { return nil }
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + at, needle.baseAddress!, needle.count) == 0 { return at }
                    index = at + 1
                }
                return nil
            }
        }
    }

    static func errorPage(_ text: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Build failed — cxsite</title></head>
        <body style="font: 16px/1.5 monospace; margin: 2rem; background: #fff; color: #111">
        <h1 style="color: #b3261e; font-family: sans-serif">The build failed</h1>
        <p style="font-family: sans-serif">Fix the errors below and save: this page reloads by itself.</p>
        <pre style="white-space: pre-wrap; border-left: 6px solid #b3261e; padding-left: 1rem">\(HTML.escape(text))</pre>
        <script src="/__cxsite/live-reload.js"></script>
        </body></html>

        """
    }
}
