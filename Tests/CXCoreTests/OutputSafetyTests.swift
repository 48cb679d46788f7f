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

/// The output folder itself is checked before anything is replaced.
struct OutputFolderChoiceTests {
    @Test(arguments: [".", "content", "content/stories", "templates/x"])
    func anOutputThatWouldReplaceTheSiteIsRefused(_ output: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let errors = #expect(throws: DiagnosticList.self) {
            try SiteBuilder.build(BuildOptions(source: site.folder, output: site.folder.appendingPathComponent(output)))
        }
        #expect(errors?.diagnostics.last?.message.contains("choose another") == true)
        #expect(FileManager.default.fileExists(atPath: site.folder.appendingPathComponent("content/stories/fast-install.md").path))
    }

    @Test func anOutputThatIsALinkIsRefusedAndItsTargetLeftAlone() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let elsewhere = site.folder.appendingPathComponent("elsewhere")
        try site.write("elsewhere/keep.txt", "keep")
        try FileManager.default.createSymbolicLink(at: site.output, withDestinationURL: elsewhere)
        #expect(throws: DiagnosticList.self) { try site.build() }
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("keep.txt").path))
    }

    @Test func hugeAndNonFiniteSnapshotNumbersAreErrorsNotCrashes() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/metrics/big.csv", "period,metric,value,target\n2026-Q3,retention,1e19,nan\n0000-Q1,retention,1,\n")
        let messages = site.buildErrors().map(\.message)
        #expect(messages.contains("the value '1e19' is not a number (a finite one below 10^15)"))
        #expect(messages.contains("the target 'nan' is not a number (a finite one below 10^15)"))
        #expect(messages.contains { $0.hasPrefix("'0000-Q1' is not a period") })
    }
}
