import CXCore
import Foundation
import Testing

/// Every folder of `Fixtures/invalid/` is one bad input laid over the basic site. The build
/// must fail with exactly the diagnostics of its `expected.txt` and leave the previous output
/// as it was. Re-record with `CXSITE_RECORD_GOLDEN=1`.
struct InvalidSiteTests {
    static let folder = TestSite.fixtures.appendingPathComponent("invalid")
    static let cases: [String] = (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []

    @Test func thereIsACaseForEveryKindOfBadInput() {
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func badInputIsReportedAndChangesNothing(_ name: String) throws {
        let site = try TestSite(built: .basic)
        defer { site.cleanUp() }
        let before = try site.outputFiles()
        try apply(Self.folder.appendingPathComponent(name), to: site)

        // A smaller render budget than a real build's, so that the case over it fails fast.
        let printed = site.buildErrors(maximumRenderSteps: 2_000_000).map(\.description).joined(separator: "\n") + "\n"
        let expectedURL = Self.folder.appendingPathComponent(name).appendingPathComponent("expected.txt")
        if ProcessInfo.processInfo.environment["CXSITE_RECORD_GOLDEN"] == "1" {
            try printed.write(to: expectedURL, atomically: true, encoding: .utf8)
        } else {
            #expect(printed == (try String(contentsOf: expectedURL, encoding: .utf8)))
        }
        #expect(try site.outputFiles() == before, "the failed build changed the previous output")
    }

    /// Lays the case's files over the site, after deleting those `remove.txt` names.
    private func apply(_ overlay: URL, to site: TestSite) throws {
        let fileManager = FileManager.default
        if let removals = try? String(contentsOf: overlay.appendingPathComponent("remove.txt"), encoding: .utf8) {
            for path in removals.split(separator: "\n") { try site.remove(String(path)) }
        }
        guard let enumerator = fileManager.enumerator(atPath: overlay.path) else { return }
        while let relative = enumerator.nextObject() as? String {
            guard relative != "expected.txt", relative != "remove.txt" else { continue }
            let source = overlay.appendingPathComponent(relative)
            let target = site.folder.appendingPathComponent(relative)
            if let destination = try? fileManager.destinationOfSymbolicLink(atPath: source.path) {
                try? fileManager.removeItem(at: target)
                try fileManager.createSymbolicLink(atPath: target.path, withDestinationPath: destination)
                continue
            }
            var isDirectory: ObjCBool = false
            fileManager.fileExists(atPath: source.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
            } else {
                try? fileManager.removeItem(at: target)
                try fileManager.copyItem(at: source, to: target)
            }
        }
    }
}
