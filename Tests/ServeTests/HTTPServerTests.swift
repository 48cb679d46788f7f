import Foundation
import TestSupport
import Testing

@testable import Serve

#if canImport(Glibc)
    import Glibc
#endif

/// The preview server's connections, with its deadlines passed in: a test need not wait the
/// ten seconds a browser is given.
struct HTTPServerTests {
    /// A server on a free port of this machine, answering every request with `ok`, on a thread
    /// of its own for the rest of the test run.
    private func startServer(_ timeouts: HTTPServer.Timeouts) throws -> UInt16 {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, timeouts: timeouts)
        Thread.detachNewThread {
            server.run { _ in .response(.ok, headers: [], body: Array("ok".utf8)) }
        }
        return server.port
    }

    /// A client that sends a byte now and then never finishes a request: it is closed at the
    /// request's deadline, which trickling does not move: not before it, and long before the
    /// client would stop.
    @Test func aTricklingClientIsClosedAtTheDeadline() throws {
        let port = try startServer(HTTPServer.Timeouts(request: 0.5))
        let connected = ContinuousClock.now
        let descriptor = Loopback.connect(Int(port))
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var sent = 0
        var closed = false
        while !closed, sent < 60 {
            if send(descriptor, "G", 1, Int32(MSG_NOSIGNAL)) < 0 { closed = true }
            var byte: UInt8 = 0
            if recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT)) == 0 { closed = true }
            if !closed {
                sent += 1
                usleep(50_000)
            }
        }
        #expect(closed, "a trickling client kept its connection for \(sent) bytes, a byte each 50 ms")
        #expect(ContinuousClock.now - connected >= .milliseconds(500), "closed after \(sent) bytes, before its deadline")
    }

    /// An event stream is closed at the end of its time, and the page opens another.
    @Test func anEventStreamIsClosedAtTheEndOfItsTime() throws {
        let server = try HTTPServer(host: "127.0.0.1", port: 0, timeouts: HTTPServer.Timeouts(eventStream: 0.3))
        Thread.detachNewThread { server.run { _ in .eventStream } }
        let descriptor = Loopback.connect(Int(server.port))
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET /__cxsite/events HTTP/1.1\r\n\r\n".utf8)
        #expect(send(descriptor, request, request.count, Int32(MSG_NOSIGNAL)) == request.count)
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var closed = false
        while !closed {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count < 0 { break }  // ten seconds without a word: not closed
            closed = count == 0
            answer += buffer[..<max(0, count)]
        }
        let text = String(decoding: answer, as: UTF8.self)
        #expect(closed, "the stream was still open after ten seconds")
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"))
        #expect(text.contains("retry: 1000\n"), "the page is told to open another stream a second later")
    }

    /// A whole request before the deadline is answered.
    @Test func aRequestWithinTheDeadlineIsAnswered() throws {
        let port = try startServer(HTTPServer.Timeouts(request: 5))
        let answer = Loopback.exchange(Int(port), Array("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".utf8))
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
    }
}
