@testable import CXCore
import Foundation
import Testing

/// No output path can leave the output folder, whatever a slug, id or file name says.
struct OutputSafetyTests {
    @Test(arguments: ["../../etc/passwd", "/etc/passwd", "stories/../../x", "a/./b", "a//b", "nul\0byte/index.html", ""])
    func pathsThatWouldEscapeAreRefused(_ path: String) {
        #expect(throws: UnsafeOutputPath.self) {
            try OutputFolder.safeURL(for: path, in: URL(fileURLWithPath: "/tmp/out"))
        }
    }

    @Test(arguments: ["index.html", "stories/café story/index.html", "touchpoints/a..b/index.html"])
    func ordinaryPathsStayInside(_ path: String) throws {
        let url = try OutputFolder.safeURL(for: path, in: URL(fileURLWithPath: "/tmp/out"))
        #expect(url.path.hasPrefix("/tmp/out/"))
    }

    @Test(arguments: ["../../etc", "/abs", ".hidden", "a/b"])
    func touchpointIdsThatCannotNameAFolderAreErrors(_ id: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("cxsite.yaml", "title: T\njourney:\n  - id: \"\(id)\"\n    name: X\n")
        let errors = site.buildErrors()
        #expect(errors.contains { $0.message.hasPrefix("touchpoint id '\(id)'") })
    }
}
