import ChildProcess
import Foundation
import Testing

/// `cxsite serve`: edit a story, see the new page and the reload event; a bad save shows
/// the errors, the next good save recovers.
struct ServeCommandTests {
    /// GETs `url` with curl: the status and the body.
    private func get(_ url: String) throws -> (status: Int, body: String) {
        let output = try curl(["-s", "--max-time", "5", "-w", "\n%{http_code}", url])
        guard let newline = output.lastIndex(of: "\n") else { return (0, "") }
        return (Int(output[output.index(after: newline)...]) ?? 0, String(output[..<newline]))
    }

    private func curl(_ arguments: [String]) throws -> String {
        String(decoding: try ChildProcess.run("curl", arguments).standardOutput, as: UTF8.self)
    }

    /// Polls until `condition` holds or ten seconds pass.
    /// (A thread's sleep, not a task's: Swift's task clock does not run under `faketime`.)
    private func eventually(_ condition: () throws -> Bool) -> Bool {
        for _ in 0..<100 {
            if (try? condition()) == true { return true }
            usleep(100_000)
        }
        return false
    }

    @Test func servesRebuildsOnSaveAndTellsPagesToReload() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try FileManager.default.removeItem(at: scratch.folder)
        try FileManager.default.copyItem(at: BuildCommandTests.fixture, to: scratch.folder)
        let server = try ServeProcess(source: scratch.folder.path)
        defer { server.stop() }
        let port = server.port
        let base = "http://127.0.0.1:\(port)"
        #expect(eventually { try get(base + "/index.html").status == 200 })
        let page = try get(base + "/stories/fast-install.html").body
        #expect(page.contains("<h1>Installed in a day</h1>"))
        #expect(page.contains("<script src=\"/__cxsite/live-reload.js\"></script>"))
        #expect(try get(base + "/__cxsite/live-reload.js").body.contains("EventSource"))

        // Listen for reload events while the story changes: connected before the change.
        let events = try #require(ServeHardeningTests.EventStream(port: port))
        let story = scratch.folder.appendingPathComponent("content/stories/fast-install.md")
        let original = try String(contentsOf: story, encoding: .utf8)
        try original.replacingOccurrences(of: "Installed in a day", with: "Installed before lunch")
            .write(to: story, atomically: true, encoding: .utf8)
        #expect(eventually { try get(base + "/stories/fast-install.html").body.contains("<h1>Installed before lunch</h1>") })
        #expect(events.read(until: "data: reload", seconds: 20))

        // A bad save: the pages show the error, as the terminal does.
        try original.replacingOccurrences(of: "outcome: success", with: "outcome: maybe").write(to: story, atomically: true, encoding: .utf8)
        #expect(
            eventually {
                let response = try get(base + "/index.html")
                return response.status == 500
                    && response.body.contains("content/stories/fast-install.md:4:10: error: unknown outcome &#39;maybe&#39;")
                    || response.body.contains("content/stories/fast-install.md:4:10: error: unknown outcome 'maybe'")
            })
        // The next good save recovers.
        try original.write(to: story, atomically: true, encoding: .utf8)
        #expect(eventually { try get(base + "/stories/fast-install.html").body.contains("<h1>Installed in a day</h1>") })
        // Serving never touches public/, and build output never carries the reload script.
        #expect(!FileManager.default.fileExists(atPath: scratch.folder.appendingPathComponent("public").path))
    }

    @Test func buildOutputHasNoReloadScript() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try FileManager.default.removeItem(at: scratch.folder)
        try FileManager.default.copyItem(at: BuildCommandTests.fixture, to: scratch.folder)
        #expect(try CXSiteBinary.run(["build", "--source", scratch.folder.path]).status == 0)
        let page = try String(contentsOfFile: scratch.path("public/index.html"), encoding: .utf8)
        #expect(!page.contains("<script"))
        #expect(!page.contains("script-src"))
    }
}
