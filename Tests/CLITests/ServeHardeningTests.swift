import ChildProcess
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `cxsite serve` under hostile or careless clients (issue #12): oversized requests are
/// refused at once, abandoned event streams are released, HTTP is answered as a browser
/// expects, and a busy port is one clear line.
@Suite(.serialized)
struct ServeHardeningTests {
    /// A running `cxsite serve` of the basic fixture on a free port.
    final class Server {
        let scratch: Scratch
        let serve: ServeProcess
        var port: Int { serve.port }
        var running: ChildProcess { serve.process }

        init(arguments: [String] = [], host: String = "127.0.0.1") throws {
            scratch = try Scratch()
            try FileManager.default.removeItem(at: scratch.folder)
            try FileManager.default.copyItem(at: BuildCommandTests.fixture, to: scratch.folder)
            serve = try ServeProcess(source: scratch.folder.path, arguments: arguments, host: host)
        }

        deinit {
            serve.stop()
            scratch.cleanUp()
        }
    }

    /// An open event stream of the server on `port`, connected once `: connected` has come.
    final class EventStream {
        private let descriptor: Int32

        init?(port: Int) {
            descriptor = Loopback.connect(port)
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let request = Array("GET /__cxsite/events HTTP/1.1\r\n\r\n".utf8)
            guard descriptor >= 0, send(descriptor, request, request.count, Int32(MSG_NOSIGNAL)) == request.count,
                read(until: ": connected", seconds: 10)
            else { return nil }
        }

        deinit { close(descriptor) }

        /// Reads until `text` has come, for at most `seconds`.
        func read(until text: String, seconds: Int) -> Bool {
            var received = ""
            var buffer = [UInt8](repeating: 0, count: 4096)
            for _ in 0..<seconds {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count == 0 { return false }
                if count > 0 { received += String(decoding: buffer[..<count], as: UTF8.self) }
                if received.contains(text) { return true }
            }
            return false
        }
    }

    private static func request(_ port: Int, _ text: String) -> String {
        Loopback.exchange(port, Array(text.utf8))
    }

    @Test func oversizedRequestsAreRefusedAtOnceAndServingGoesOn() throws {
        let server = try Server()
        #expect(server.port != 0)
        let line = Loopback.exchange(server.port, Array(("GET /" + String(repeating: "a", count: 200_000) + " HTTP/1.1\r\n\r\n").utf8))
        #expect(line.hasPrefix("HTTP/1.1 414 URI Too Long\r\n"))
        for _ in 0..<5 {
            let header = Loopback.exchange(server.port, Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "b", count: 1 << 20) + "\r\n\r\n").utf8))
            #expect(header.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        }
        #expect(Self.request(server.port, "GET /index.html HTTP/1.1\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test func eventStreamsClosedByTheirClientsAreReleased() throws {
        let server = try Server()
        #expect(server.port != 0)
        for _ in 0..<2_000 {
            let answer = Loopback.exchange(server.port, Array("GET /__cxsite/events HTTP/1.1\r\n\r\n".utf8), firstReplyOnly: true)
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"))
        }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(server.running.isRunning)
        #expect(Self.request(server.port, "GET /index.html HTTP/1.1\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 200 OK\r\n"))
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(server.running.pid)/fd").count
        #expect(open < 64, "\(open) descriptors open after the streams closed")
    }

    /// A page on the web whose name is made to resolve to this machine (DNS rebinding) gets
    /// 403: only localhost, IP addresses and names given with `--allow-host` are answered.
    @Test func onlyTheNamesThePreviewIsReachedByAreAnswered() throws {
        let server = try Server(arguments: ["--allow-host", "preview.test"])
        #expect(server.port != 0)
        func status(_ host: String) -> String {
            let answer = Self.request(server.port, "GET /index.html HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
            return answer.components(separatedBy: "\r\n")[0]
        }
        #expect(status("attacker.example") == "HTTP/1.1 403 Forbidden")
        #expect(status("attacker.example:\(server.port)") == "HTTP/1.1 403 Forbidden")
        #expect(status("localhost.attacker.example") == "HTTP/1.1 403 Forbidden")
        for allowed in ["localhost:\(server.port)", "127.0.0.1:\(server.port)", "[::1]:\(server.port)", "Preview.Test"] {
            #expect(status(allowed) == "HTTP/1.1 200 OK", "\(allowed)")
        }
    }

    /// Serving to the network says so before it serves.
    @Test func servingToTheNetworkSaysSo() throws {
        let server = try Server(host: "0.0.0.0")
        #expect(server.port != 0)
        #expect(server.serve.greeting.contains("warning: listening on 0.0.0.0, not on this machine alone"), "\(server.serve.greeting)")
        let local = try Server()
        #expect(!local.serve.greeting.contains("warning: listening"))
    }

    /// Event streams are bounded per client: the rest are refused at once, and pages are
    /// still served (515 streams used to take every connection for good).
    @Test func eventStreamsAreBoundedAndPagesStillServed() throws {
        let server = try Server()
        #expect(server.port != 0)
        var streams: [EventStream] = []
        for _ in 0..<40 {
            if let stream = EventStream(port: server.port) { streams.append(stream) }
        }
        #expect(streams.count == 16)
        let refused = Loopback.exchange(server.port, Array("GET /__cxsite/events HTTP/1.1\r\n\r\n".utf8))
        #expect(refused.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(Self.request(server.port, "GET /index.html HTTP/1.1\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    /// More header fields than the bound are refused as soon as they have come, not when the
    /// head ends (it may never).
    @Test func tooManyFieldsAreRefusedBeforeTheHeadEnds() throws {
        let server = try Server()
        #expect(server.port != 0)
        let head = "GET / HTTP/1.1\r\n" + String(repeating: "X: a\r\n", count: 101)
        let answer = Loopback.exchange(server.port, Array(head.utf8), firstReplyOnly: true)
        #expect(answer.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
    }

    @Test func headFoldersAndMethodsAreAnsweredAsHTTPSays() throws {
        let server = try Server()
        #expect(server.port != 0)
        let get = Self.request(server.port, "GET /index.html HTTP/1.1\r\nConnection: close\r\n\r\n")
        let head = Self.request(server.port, "HEAD /index.html HTTP/1.1\r\nConnection: close\r\n\r\n")
        let getHead = get.components(separatedBy: "\r\n\r\n")[0]
        #expect(head == getHead + "\r\n\r\n", "HEAD answers GET's status and fields, without the body")
        #expect(get.count > head.count)
        #expect(Self.request(server.port, "GET /stories/ HTTP/1.1\r\nConnection: close\r\n\r\n").contains("Installed in a day"))
        let moved = Self.request(server.port, "GET /stories HTTP/1.1\r\nConnection: close\r\n\r\n")
        #expect(moved.hasPrefix("HTTP/1.1 301 Moved Permanently\r\n") && moved.contains("Location: /stories/\r\n"))
        let post = Self.request(server.port, "POST /index.html HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")
        #expect(post.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n") && post.contains("Allow: GET, HEAD\r\n"))
        // A body the server never reads must not turn the answer into a reset.
        let big = Self.request(server.port, "POST /index.html HTTP/1.1\r\nContent-Length: 300000\r\n\r\n" + String(repeating: "x", count: 300_000))
        #expect(big.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        let slashes = Self.request(server.port, "GET //stories HTTP/1.1\r\nConnection: close\r\n\r\n")
        #expect(slashes.contains("Location: /stories/\r\n"), "a redirect to //stories/ would name a host")
        let kept = Self.request(server.port, "GET /index.html HTTP/1.1\r\n\r\nGET /feed.xml HTTP/1.1\r\nConnection: close\r\n\r\n")
        #expect(kept.components(separatedBy: "HTTP/1.1 200 OK").count == 3, "two requests on one connection, two answers")
    }

    @Test func aBusyPortIsOneClearLine() throws {
        let server = try Server()
        #expect(server.port != 0)
        let second = try CXSiteBinary.run(["serve", "--source", server.scratch.folder.path, "--port", String(server.port)])
        #expect(second.status == 1)
        #expect(second.stderr == "error: port \(server.port) on 127.0.0.1 is in use by another program: choose another with --port\n")
    }

    /// Requests sent one after another without reading are answered one at a time, in order.
    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let server = try Server()
        #expect(server.port != 0)
        let requests =
            String(repeating: "GET /feed.xml HTTP/1.1\r\n\r\nHEAD /index.html HTTP/1.1\r\n\r\n", count: 25)
            + "GET /missing.html HTTP/1.1\r\nConnection: close\r\n\r\n"
        let answer = Self.request(server.port, requests)
        #expect(answer.components(separatedBy: "HTTP/1.1 200 OK").count == 51)
        #expect(answer.hasSuffix("</html>\n") || answer.contains("HTTP/1.1 404 Not Found"))
        #expect(
            Self.request(server.port, "HEAD /__cxsite/events HTTP/1.1\r\nConnection: close\r\n\r\n").hasPrefix(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"))
    }
}
