import CXCore
import Foundation
import Testing

extension Clock {
    /// The clock tests build with: 2026-12-01 at midnight, and no `SOURCE_DATE_EPOCH`
    /// (whatever the test runner's environment holds). Every file a test writes is newer, so
    /// no file stamp has settled: each file is read and hashed, as one saved a moment ago.
    static let test = Clock(day: Day(year: 2026, month: 12, day: 1)!)

    /// A clock long after every file a test writes (2200-01-01): every file stamp has settled,
    /// as when a person builds minutes after their last save.
    static let settled = Clock(day: Day(year: 2200, month: 1, day: 1)!)

    /// The test clock with `SOURCE_DATE_EPOCH` set to `epoch`.
    static func pinned(at epoch: Int) -> Clock {
        Clock(instant: test.instant, sourceDateEpoch: epoch)
    }
}

/// Fixture sites copied into temporary folders, built, and read back.
struct TestSite {
    let folder: URL

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// A copy of the fixture site `name` in a new temporary folder.
    init(fixture name: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("sites/\(name)"), to: folder)
    }

    /// The insurer's site of `Fixtures/exports/` with one folder of it: `long` (cxsite's own
    /// form) or a platform's export, its files in `content/responses/FOLDER/` and its
    /// `mapping.yaml` added to the config.
    init(exports folder: String) throws {
        self.folder = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-export-\(UUID().uuidString)")
        let source = Self.fixtures.appendingPathComponent("exports")
        let responses = self.folder.appendingPathComponent("content/responses/\(folder)")
        try FileManager.default.createDirectory(at: responses, withIntermediateDirectories: true)
        var config = try String(contentsOf: source.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.appendingPathComponent(folder).path).sorted() {
            let file = source.appendingPathComponent(folder).appendingPathComponent(name)
            if name == "mapping.yaml" {
                config += "\n" + (try String(contentsOf: file, encoding: .utf8))
            } else {
                try FileManager.default.copyItem(at: file, to: responses.appendingPathComponent(name))
            }
        }
        try config.write(to: self.folder.appendingPathComponent("cxsite.yaml"), atomically: true, encoding: .utf8)
    }

    /// A copy of the repository's own sample site (its config, content, templates and static files).
    init(sample: Void = ()) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for item in ["cxsite.yaml", "content", "templates", "static"] {
            try FileManager.default.copyItem(at: Self.repository.appendingPathComponent(item), to: folder.appendingPathComponent(item))
        }
    }

    /// A copy of a site built once per test run: `basic` (the fixture) or `sample` (the
    /// repository's own). For tests that need a previous output but not the build that made it.
    init(built site: BuiltSite) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-test-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: try (site == .sample ? BuiltOnce.sample : BuiltOnce.basic).get(), to: folder)
    }

    /// The sites `init(built:)` copies.
    enum BuiltSite {
        case basic, sample
    }

    /// The repository this test target is in.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    var output: URL { folder.appendingPathComponent("public") }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    /// Writes `data` at `relative`, making its folders.
    func write(_ relative: String, _ data: Data) throws {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    /// Adds `text` to the end of the file at `relative`.
    func append(_ relative: String, _ text: String) throws {
        let url = folder.appendingPathComponent(relative)
        try Data((try String(contentsOf: url, encoding: .utf8) + text).utf8).write(to: url)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: folder.appendingPathComponent(relative))
    }

    /// Builds with `clock` (``Clock/test`` unless a test means another).
    @discardableResult
    func build(drafts: Bool = false, clock: Clock = .test) throws -> BuildSummary {
        try SiteBuilder.build(BuildOptions(source: folder, includeDrafts: drafts, clock: clock))
    }

    /// The diagnostics of a build that is expected to fail.
    func buildErrors(maximumRenderSteps: Int? = nil) -> [Diagnostic] {
        do {
            var options = BuildOptions(source: folder, clock: .test)
            options.maximumRenderSteps = maximumRenderSteps ?? options.maximumRenderSteps
            try SiteBuilder.build(options)
            Issue.record("the build succeeded but errors were expected")
            return []
        } catch let errors as DiagnosticList {
            return errors.diagnostics
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    func page(_ relative: String) throws -> String {
        try String(contentsOf: output.appendingPathComponent(relative), encoding: .utf8)
    }

    /// Every file of the output, by relative path.
    func outputFiles() throws -> [String: Data] {
        Self.files(in: output)
    }

    /// Every file of a build from scratch (`--no-cache`) of the site as it is now, into a
    /// folder of its own, by relative path.
    func cleanBuildFiles() throws -> [String: Data] {
        let clean = folder.deletingLastPathComponent().appendingPathComponent("clean-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: clean) }
        var options = BuildOptions(source: folder, output: clean, clock: .test)
        options.useCache = false
        try SiteBuilder.build(options)
        return Self.files(in: clean)
    }

    /// Every file below `folder`, by relative path.
    static func files(in folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        let root = folder.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [:] }
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files[relative] = FileManager.default.contents(atPath: root + "/" + relative)
            }
        }
        return files
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The sites `TestSite(built:)` copies, each built the first time it is asked for and removed
/// when the test process exits.
private enum BuiltOnce {
    static let basic = build("basic") { try TestSite(fixture: "basic") }
    static let sample = build("sample") { try TestSite(sample: ()) }

    private static func folder(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-test-built-\(getpid())-\(name)")
    }

    private static func build(_ name: String, _ site: () throws -> TestSite) -> Result<URL, any Error> {
        Result {
            let site = try site()
            defer { site.cleanUp() }
            try site.build()
            let built = folder(name)
            try FileManager.default.moveItem(at: site.folder, to: built)
            atexit {
                for name in ["basic", "sample"] { try? FileManager.default.removeItem(at: BuiltOnce.folder(name)) }
            }
            return built
        }
    }
}
