import CXCore
import FlyingFox
import FlyingSocks
import Mustache
import Foundation

/// `cxsite serve`: builds the site into memory, serves it over HTTP, watches the sources and
/// rebuilds on change (debounced), and tells open pages to reload through server-sent events.
/// While a build fails, every page shows its errors, the same text as the terminal.
/// The reload script exists only here: `build` output never carries it.
public struct PreviewServer: Sendable {
    public let options: BuildOptions
    public let host: String
    public let port: UInt16
    /// Where messages go (the terminal).
    public let log: @Sendable (String) -> Void

    public init(options: BuildOptions, host: String = "127.0.0.1", port: UInt16 = 8080,
                log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.host = host
        self.port = port
        self.log = log
    }

    /// Serves until the task is cancelled or the process stops.
    public func run() async throws {
        let state = PreviewState()
        await rebuild(into: state)
        let server = HTTPServer(address: try .inet(ip4: host, port: port), timeout: 3600)
        await server.appendRoute("GET /__cxsite/events") { _ in await state.eventResponse() }
        await server.appendRoute("GET /__cxsite/live-reload.js") { _ in
            HTTPResponse(statusCode: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-store"],
                         body: Data(LiveReload.script.utf8))
        }
        await server.appendRoute("GET *") { request in await state.response(for: request.path) }
        log("Serving \(options.source.path) at http://\(host):\(port)/ — watching for changes (Ctrl-C stops)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            group.addTask { try await watch(state) }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Polls the sources four times a second; a change rebuilds once they have been still
    /// for a moment, so a save of many files makes one build.
    private func watch(_ state: PreviewState) async throws {
        var seen = SourceFingerprint(of: options.source)
        while !Task.isCancelled {
            try await Task.sleep(nanoseconds: 250_000_000)
            var now = SourceFingerprint(of: options.source)
            guard now != seen else { continue }
            repeat {  // debounce: wait until nothing changes for 150 ms
                seen = now
                try await Task.sleep(nanoseconds: 150_000_000)
                now = SourceFingerprint(of: options.source)
            } while now != seen
            await rebuild(into: state)
        }
    }

    private func rebuild(into state: PreviewState) async {
        let options = self.options
        // The build blocks (files, git): run it on a thread of its own, not the concurrency pool.
        let result = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Result { try SiteBuilder.renderInMemory(options) }) }
        }
        do {
            let site = try result.get()
            for warning in site.warnings { log(warning.description) }
            log(site.summary)
            await state.publish(.site(site.files))
        } catch let errors as DiagnosticList {
            log(errors.description)
            log("build failed: the pages show the errors until the next good save")
            await state.publish(.failure(errors.description))
        } catch {
            log("build failed: \(error)")
            await state.publish(.failure("\(error)"))
        }
    }
}

/// What the server shows: the last good site, or the errors of the last build.
actor PreviewState {
    enum Content {
        case site([String: [UInt8]])
        case failure(String)
    }

    private var content: Content = .failure("building…")
    private var listeners: [UUID: AsyncStream<[UInt8]>.Continuation] = [:]

    func publish(_ newContent: Content) {
        content = newContent
        for listener in listeners.values { listener.yield(Array("data: reload\n\n".utf8)) }
    }

    func response(for path: String) -> HTTPResponse {
        let relative = Self.filePath(for: path)
        switch content {
        case .failure(let text):
            guard relative.hasSuffix(".html") else { return HTTPResponse(statusCode: .serviceUnavailable) }
            return HTTPResponse(statusCode: .internalServerError, headers: Self.headers(for: "error.html"),
                                body: Data(LiveReload.errorPage(text).utf8))
        case .site(let files):
            if let bytes = files[relative] {
                return HTTPResponse(statusCode: .ok, headers: Self.headers(for: relative),
                                    body: Data(relative.hasSuffix(".html") ? LiveReload.inject(into: bytes) : bytes))
            }
            let notFound = files["404.html"].map { LiveReload.inject(into: $0) } ?? Array("Not found".utf8)
            return HTTPResponse(statusCode: .notFound, headers: Self.headers(for: "404.html"), body: Data(notFound))
        }
    }

    /// An endless `text/event-stream` that says `reload` after every build.
    func eventResponse() -> HTTPResponse {
        let id = UUID()
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
        continuation.yield(Array(": connected\n\n".utf8))
        continuation.onTermination = { _ in Task { await self.remove(id) } }
        listeners[id] = continuation
        return HTTPResponse(statusCode: .ok,
                            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: HTTPBodySequence(from: EventBytes(stream: stream)))
    }

    private func remove(_ id: UUID) {
        listeners[id] = nil
    }

    /// `/` → `index.html`, `/stories/` → `stories/index.html`, percent-decoded.
    static func filePath(for path: String) -> String {
        var relative = (path.removingPercentEncoding ?? path).split(separator: "/").joined(separator: "/")
        if relative.isEmpty || path.hasSuffix("/") { relative += relative.isEmpty ? "index.html" : "/index.html" }
        return relative
    }

    static func headers(for path: String) -> HTTPHeaders {
        let type: String
        switch (path as NSString).pathExtension {
        case "html": type = "text/html; charset=utf-8"
        case "css": type = "text/css; charset=utf-8"
        case "json": type = "application/json"
        case "xml": type = path.hasSuffix("feed.xml") ? "application/atom+xml" : "application/xml"
        case "svg": type = "image/svg+xml"
        default: type = "application/octet-stream"
        }
        return [.contentType: type, .cacheControl: "no-store"]
    }
}

/// An `AsyncStream` of byte chunks as FlyingFox's buffered body sequence.
struct EventBytes: AsyncBufferedSequence {
    typealias Element = UInt8
    let stream: AsyncStream<[UInt8]>

    func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<[UInt8]>.Iterator
        var pending: [UInt8] = []

        mutating func next() async -> UInt8? {
            if pending.isEmpty { pending = await base.next() ?? [] }
            return pending.isEmpty ? nil : pending.removeFirst()
        }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            if pending.isEmpty { pending = await base.next() ?? [] }
            guard !pending.isEmpty else { return nil }
            let chunk = Array(pending.prefix(count))
            pending.removeFirst(chunk.count)
            return chunk
        }
    }
}

/// The sources a build reads, as paths with sizes and modification times.
struct SourceFingerprint: Equatable {
    private var entries: [String: [Double]] = [:]

    init(of folder: URL) {
        let fileManager = FileManager.default
        for top in ["cxsite.yaml", "content", "templates"] {
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

    /// Adds the script before `</body>` and lets the page's security policy load it.
    static func inject(into page: [UInt8]) -> [UInt8] {
        var html = String(decoding: page, as: UTF8.self)
        html = html.replacingOccurrences(of: "default-src 'none';", with: "default-src 'none'; script-src 'self'; connect-src 'self';")
        if let end = html.range(of: "</body>", options: .backwards) {
            html.insert(contentsOf: "<script src=\"/__cxsite/live-reload.js\"></script>\n", at: end.lowerBound)
        }
        return Array(html.utf8)
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
