import CXCore
import Foundation
import Testing

@testable import Serve

/// The preview server's request reader: bounded, linear, and the same whatever pieces the
/// bytes arrive in (issue #12: a 200 KB request line took 23 s and froze the server).
struct HTTPRequestHeadTests {
    private func read(_ text: String) -> HTTPRequestHead.Reading {
        HTTPRequestHead.read(Array(text.utf8)[...])
    }

    @Test func aRequestIsReadWithItsFields() {
        let text = "GET /stories/a.html?x=1 HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\naccept: */*\r\n\r\n"
        #expect(
            read(text)
                == .head(
                    HTTPRequestHead(
                        method: "GET", target: "/stories/a.html?x=1", version: "HTTP/1.1",
                        fields: ["host": "localhost", "accept": "text/html, */*"]),
                    length: text.utf8.count))
    }

    static let refusals: [(String, HTTPRequestHead.Reading)] = [
        ("GET / HTTP/1.1\r\nHost: x\r\n", .incomplete(HTTPRequestHead.Progress(scanned: 25, lineBreaks: 2))),
        ("GET / HTTP/2.0\r\n\r\n", .refused(.versionNotSupported)),
        ("GET /a b HTTP/1.1\r\n\r\n", .refused(.badRequest)),
        ("G(T / HTTP/1.1\r\n\r\n", .refused(.badRequest)),
        ("GET / HTTP/1.1\r\n folded: line\r\n\r\n", .refused(.badRequest)),
        ("GET / HTTP/1.1\r\nNo colon\r\n\r\n", .refused(.badRequest)),
        ("GET / HTTP/1.1\r\nX: a\u{7F}b\r\n\r\n", .refused(.badRequest)),
        ("GET /" + String(repeating: "a", count: 200_000), .refused(.uriTooLong)),
        ("GET /" + String(repeating: "a", count: 9_000) + " HTTP/1.1\r\n\r\n", .refused(.uriTooLong)),
        ("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 40_000), .refused(.headerFieldsTooLarge)),
        ("GET / HTTP/1.1\r\n" + String(repeating: "X: a\r\n", count: 101) + "\r\n", .refused(.headerFieldsTooLarge)),
        // Too many fields is known before the head ends.
        ("GET / HTTP/1.1\r\n" + String(repeating: "X: a\r\n", count: 101), .refused(.headerFieldsTooLarge)),
        ("GET / HTTP/1.1\r\n" + String(repeating: "X: a\r\n", count: 100), .incomplete(HTTPRequestHead.Progress(scanned: 616, lineBreaks: 101))),
    ]

    @Test(arguments: refusals)
    func badOrOversizedRequestsAreRefusedAtOnce(_ text: String, _ expected: HTTPRequestHead.Reading) {
        #expect(read(text) == expected)
    }

    /// A megabyte arriving a kilobyte at a time is refused at the first read past the bound,
    /// and each read looks only at what is new.
    @Test func aHugeRequestLineArrivingInPiecesIsRefusedWithoutRescanning() {
        let bytes = Array(("GET /" + String(repeating: "a", count: 1 << 20)).utf8)
        var progress = HTTPRequestHead.Progress()
        var answer = HTTPRequestHead.Reading.incomplete(progress)
        var end = 0
        while case .incomplete(let next) = answer, end < bytes.count {
            progress = next
            end = min(bytes.count, end + 1024)
            answer = HTTPRequestHead.read(bytes[..<end], after: progress)
        }
        #expect(answer == .refused(.uriTooLong))
        #expect(end <= HTTPRequestHead.maximumRequestLine + 1024)
    }

    @Test(arguments: [("HTTP/1.1", "", true), ("HTTP/1.1", "close", false), ("HTTP/1.0", "", false), ("HTTP/1.0", "keep-alive", true)])
    func keepAliveFollowsTheVersionAndTheConnectionField(_ version: String, _ connection: String, _ keeps: Bool) {
        let head = HTTPRequestHead(method: "GET", target: "/", version: version, fields: connection.isEmpty ? [:] : ["connection": connection])
        #expect(head.keepsAlive == keeps)
    }

    @Test(arguments: [
        ("/", "index.html"), ("/stories/", "stories/index.html"), ("/stories/a%20b.html", "stories/a b.html"),
        ("/../etc/passwd", ""), ("/stories/./a.html", ""), ("//a.html", "a.html"),
    ])
    func pathsMapToFilesOfTheSiteOnly(_ path: String, _ file: String) {
        #expect(PreviewState.filePath(for: path) == file)
    }

    /// The seeds of the request fuzzer and what it ever crashed on.
    @Test(
        arguments: try ["corpus", "crashes"].flatMap { kind in
            let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Fuzz/\(kind)/request")
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
                .map { folder.appendingPathComponent($0).path }
        })
    func fuzzInputsReadTheSameInPieces(_ path: String) throws {
        ServeFuzzEntryPoints.request(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
