import ChildProcess
import Foundation
import Testing

/// A build killed at any moment leaves either the previous site or the new one, whole —
/// never a mix, never nothing — and the next build leaves no scratch folders behind.
struct InterruptedBuildTests {
    private func files(in folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [:] }
        while let relative = enumerator.nextObject() as? String {
            let path = folder.appendingPathComponent(relative).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = FileManager.default.contents(atPath: path)
            }
        }
        return files
    }

    @Test func aKilledBuildLeavesThePreviousSiteWhole() throws {
        let site = try Scratch()
        defer { site.cleanUp() }
        try site.write("cxsite.yaml", "title: Big\njourney:\n  - id: web\n    name: Web\n")
        for index in 0..<800 {
            try site.write(
                "content/stories/s\(index).md",
                "---\ntitle: Story \(index)\ndate: 2026-01-\(10 + index % 18)\noutcome: \(index % 2 == 0 ? "success" : "failure")\n---\n"
                    + String(repeating: "A paragraph of the story, with *emphasis*.\n\n", count: 20))
        }
        #expect(try CXSiteBinary.run(["build", "--source", site.folder.path]).status == 0)
        let old = files(in: site.folder.appendingPathComponent("public"))
        // The next build has one story more: the output must be the old site or the new one.
        try site.write("content/stories/zzz-new.md", "---\ntitle: New\ndate: 2026-02-01\noutcome: success\n---\nNew.\n")
        let reference = site.path("reference")
        #expect(try CXSiteBinary.run(["build", "--source", site.folder.path, "--output", reference]).status == 0)
        let new = files(in: URL(fileURLWithPath: reference))
        #expect(new != old)

        var interrupted = 0
        for delay in [0.02, 0.05, 0.1, 0.2, 0.35] {
            let process = try CXSiteBinary.start(["build", "--source", site.folder.path])
            Thread.sleep(forTimeInterval: delay)
            process.send(SIGKILL)
            if process.wait() == .signalled(SIGKILL) { interrupted += 1 }
            let now = files(in: site.folder.appendingPathComponent("public"))
            #expect(now == old || now == new, "after a kill at \(delay) s the output is neither the old site nor the new one")
        }
        // A kill that came after the build finished proves nothing: most must land midway.
        #expect(interrupted >= 3, "only \(interrupted) of 5 kills landed while the build ran")
        #expect(try CXSiteBinary.run(["build", "--source", site.folder.path]).status == 0)
        #expect(files(in: site.folder.appendingPathComponent("public")) == new)
        let cache = site.folder.appendingPathComponent(".cxsite-cache")
        let leftovers =
            try FileManager.default.contentsOfDirectory(atPath: site.folder.path).filter { $0.contains(".cxsite-") && $0 != ".cxsite-cache" }
            + FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "scratch folders left: \(leftovers)")
    }
}
