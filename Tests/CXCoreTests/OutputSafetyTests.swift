import Foundation
import Testing

@testable import CXCore

/// No output path can leave the output folder, whatever a slug, id or file name says.
struct OutputSafetyTests {
    @Test(arguments: [
        "../../etc/passwd", "/etc/passwd", "stories/../../x", "a/./b", "a//b", "nul\0byte/index.html", "", "..", ".", "a/..", "./a",
        "a/", "a/b/", "a/.", "/",
    ])
    func pathsThatWouldEscapeAreRefused(_ path: String) {
        #expect(throws: UnsafeOutputPath.self) {
            try OutputFolder.safeURL(for: path, in: URL(fileURLWithPath: "/tmp/out"))
        }
    }

    /// Deleting a tree removes links, never what they point at, at any depth.
    @Test func removingATreeNeverFollowsALink() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-remove-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: root.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: root.appendingPathComponent("elsewhere/keep.txt"))
        try fileManager.createDirectory(at: root.appendingPathComponent("tree/a/b"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent("tree/a/b/page.html"))
        for link in ["tree/link", "tree/a/link", "tree/a/b/link"] {
            try fileManager.createSymbolicLink(at: root.appendingPathComponent(link), withDestinationURL: root.appendingPathComponent("elsewhere"))
        }
        OutputFolder.removeTree(root.appendingPathComponent("tree").path)
        #expect(!fileManager.fileExists(atPath: root.appendingPathComponent("tree").path))
        #expect(try fileManager.contentsOfDirectory(atPath: root.appendingPathComponent("elsewhere").path) == ["keep.txt"])
    }

    @Test(arguments: ["index.html", "stories/café story/index.html", "touchpoints/a..b/index.html", "...", "a/.b", "..x/y.html", "x/..."])
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
            try SiteBuilder.build(BuildOptions(source: site.folder, output: site.folder.appendingPathComponent(output), clock: .test))
        }
        #expect(errors?.diagnostics.last?.message.contains("choose another") == true)
        #expect(FileManager.default.fileExists(atPath: site.folder.appendingPathComponent("content/stories/fast-install.md").path))
    }

    /// A parent folder that is a link to `content/` or `templates/`: the output would land
    /// there, though it does not exist yet.
    @Test(arguments: ["content", "templates"])
    func anOutputThroughALinkedParentIsJudgedWhereItLands(_ folder: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try FileManager.default.createDirectory(at: site.folder.appendingPathComponent("templates"), withIntermediateDirectories: true)
        let before = TestSite.files(in: site.folder.appendingPathComponent(folder))
        try FileManager.default.createSymbolicLink(
            at: site.folder.appendingPathComponent("linked"), withDestinationURL: site.folder.appendingPathComponent(folder))
        let errors = #expect(throws: DiagnosticList.self) {
            try SiteBuilder.build(BuildOptions(source: site.folder, output: site.folder.appendingPathComponent("linked/new/public"), clock: .test))
        }
        #expect(errors?.diagnostics.last?.message.contains("is inside the site's \(folder)/") == true)
        #expect(TestSite.files(in: site.folder.appendingPathComponent(folder)) == before)
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

/// cxsite replaces or deletes only what it can prove it wrote (issue #12): an output path that
/// exists and is neither empty nor marked as cxsite's is refused before any work, and no link
/// is followed where cxsite writes or deletes.
struct OutputOwnershipTests {
    private func options(_ site: TestSite, output: URL, cache: Bool) -> BuildOptions {
        var options = BuildOptions(source: site.folder, output: output, clock: .test)
        options.useCache = cache
        options.useGit = false
        return options
    }

    @Test(arguments: [true, false])
    func aFolderWithSomeoneElsesFilesIsRefusedAndKept(cache: Bool) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("theirs/notes.txt", "keep me")
        let theirs = site.folder.appendingPathComponent("theirs")
        for _ in 0..<2 {
            let errors = #expect(throws: DiagnosticList.self) { try SiteBuilder.build(options(site, output: theirs, cache: cache)) }
            #expect(
                errors?.diagnostics.map(\.message) == [
                    "the output folder \(theirs.path) exists and was not written by cxsite (it holds no .cxsite-output file): remove it or choose another folder with --output"
                ])
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: theirs.path) == ["notes.txt"])
        #expect(!FileManager.default.fileExists(atPath: site.folder.appendingPathComponent(".theirs.cxsite+spare").path))
    }

    @Test func aFileIsNeverReplacedByTheSite() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let config = site.folder.appendingPathComponent("cxsite.yaml")
        let before = try Data(contentsOf: config)
        let errors = #expect(throws: DiagnosticList.self) { try SiteBuilder.build(options(site, output: config, cache: true)) }
        #expect(
            errors?.diagnostics.first?.message == "the output folder \(config.path) exists and is not a folder: choose another path with --output")
        #expect(try Data(contentsOf: config) == before)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: site.folder.path).sorted() == ["content", "cxsite.yaml"],
            "a refused build left files beside the output")
    }

    @Test func anEmptyFolderAndCXSitesOwnOutputAreAccepted() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try FileManager.default.createDirectory(at: site.output, withIntermediateDirectories: true)
        try site.build()
        #expect(try site.page(".cxsite-output").hasPrefix("Written by cxsite."))
        try site.build()
        try site.build()
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("index.html").path))
    }

    /// Only cxsite's marker proves a folder is its own: a manifest beside a folder, left by
    /// cxsite 0.2 for a folder whose inode was since reused, adopts nothing.
    @Test func aStaleManifestBesideAFolderDoesNotMakeItCXSites() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("public/index.html", "someone else's site")
        let inode = try FileManager.default.attributesOfItem(atPath: site.output.path)[.systemFileNumber] as! Int
        try site.write(".public.cxsite+manifest-\(inode)", "cxsite-manifest 2\n")
        #expect(site.buildErrors().map(\.message).first?.contains("was not written by cxsite") == true)
        #expect(try site.page("index.html") == "someone else's site")
    }

    /// A folder with the name of an interrupted build's leftovers is removed only when it
    /// holds cxsite's marker.
    @Test func aFolderNamedLikeALeftoverIsRemovedOnlyWithTheMarker() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(".public.cxsite-retired-1234/mine.txt", "mine")
        try site.write(".public.cxsite-retired-5678/.cxsite-output", OutputFolder.markerText)
        try site.build()
        #expect(try String(contentsOf: site.folder.appendingPathComponent(".public.cxsite-retired-1234/mine.txt"), encoding: .utf8) == "mine")
        #expect(OutputFolder.fileType(site.folder.appendingPathComponent(".public.cxsite-retired-5678").path) == nil)
    }

    @Test func aSpareThatIsNotCXSitesIsRefused() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(".public.cxsite+spare/mine.txt", "mine")
        let errors = #expect(throws: DiagnosticList.self) { try site.build() }
        #expect(
            errors?.diagnostics.first?.message.hasSuffix(
                ", where cxsite keeps a spare copy of the site, exists and was not written by cxsite (it holds no .cxsite-output file): remove it")
                == true)
        #expect(try String(contentsOf: site.folder.appendingPathComponent(".public.cxsite+spare/mine.txt"), encoding: .utf8) == "mine")
    }

    @Test func aLinkedCacheFolderIsRefusedAndWhereItPointsLeftAlone() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("elsewhere/precious", "keep")
        try FileManager.default.createSymbolicLink(
            at: site.folder.appendingPathComponent(".cxsite-cache"),
            withDestinationURL: site.folder.appendingPathComponent("elsewhere"))
        let errors = #expect(throws: DiagnosticList.self) { try site.build() }
        #expect(
            errors?.diagnostics.map(\.description) == [
                ".cxsite-cache: error: .cxsite-cache is a symbolic link, which cxsite never writes through: remove it (cxsite makes the folder itself), or build with --no-cache"
            ])
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.folder.appendingPathComponent("elsewhere").path) == ["precious"])
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
    }

    @Test func aLinkedFolderInsideTheSpareIsNeverWrittenThrough() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        try site.build()  // the spare now holds the first build, with a manifest
        let spareStories = site.folder.appendingPathComponent(".public.cxsite+spare/stories")
        try FileManager.default.removeItem(at: spareStories)
        try site.write("elsewhere/keep.html", "keep")
        try FileManager.default.createSymbolicLink(at: spareStories, withDestinationURL: site.folder.appendingPathComponent("elsewhere"))
        try site.write(
            "content/stories/fast-install.md",
            try String(contentsOf: site.folder.appendingPathComponent("content/stories/fast-install.md"), encoding: .utf8) + "\nMore.\n")
        try site.build()
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.folder.appendingPathComponent("elsewhere").path) == ["keep.html"])
        #expect(OutputFolder.fileType(site.output.appendingPathComponent("stories").path) == S_IFDIR)
        #expect(try site.outputFiles() == site.cleanBuildFiles())
    }
}

/// Nothing the site no longer has stays readable beside the output: the spare kept for the
/// next build holds the same files as the output, whatever a web root beside it serves.
struct PreviousSiteTests {
    /// Every file below `folder` whose name or bytes contain `text`.
    private func files(under folder: URL, containing text: String) -> [String] {
        TestSite.files(in: folder).compactMap { path, data in
            path.contains(text) || String(decoding: data, as: UTF8.self).contains(text) ? path : nil
        }
    }

    @Test(arguments: [true, false])
    func aDeletedOrEditedStoryIsReadableNowhereBesideTheOutput(useCache: Bool) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let webRoot = site.folder.appendingPathComponent("www")
        var options = BuildOptions(source: site.folder, output: webRoot.appendingPathComponent("cx/briefing"), clock: .test)
        options.useCache = useCache
        for _ in 0..<3 { try SiteBuilder.build(options) }
        #expect(!files(under: webRoot, containing: "wrong address").isEmpty)
        try site.remove("content/stories/old-failure.md")
        try site.write(
            "content/stories/fast-install.md",
            try String(contentsOf: site.folder.appendingPathComponent("content/stories/fast-install.md"), encoding: .utf8)
                .replacingOccurrences(of: "Installed in a day", with: "Installed quickly"))
        try SiteBuilder.build(options)
        #expect(files(under: webRoot, containing: "old-failure") == [])
        #expect(files(under: webRoot, containing: "wrong address") == [])
        #expect(files(under: webRoot, containing: "Installed in a day") == [])
        try SiteBuilder.build(options)
        #expect(files(under: webRoot, containing: "Installed quickly").count > 1, "the page and its copy in the spare")
    }

    /// The spare is brought up to date by copying what changed, not the whole site: the
    /// previous output becomes the spare, and its unchanged pages are not written again.
    @Test func aRebuildCopiesIntoTheSpareOnlyThePagesThatChanged() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        for _ in 0..<3 { try site.build() }
        let spare = site.folder.appendingPathComponent(".public.cxsite+spare")
        func modified(_ folder: URL, _ relative: String) throws -> Date? {
            try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(relative).path)[.modificationDate] as? Date
        }
        let untouched = try modified(site.output, "stories/old-failure.html")
        let changed = try modified(site.output, "stories/fast-install.html")
        try site.append("content/stories/fast-install.md", "\nMore.\n")
        try site.build()
        #expect(try modified(spare, "stories/old-failure.html") == untouched)
        #expect(try modified(spare, "stories/fast-install.html") != changed)
        #expect(TestSite.files(in: spare) == (try site.outputFiles()))
    }
}

/// The spare brought up to date over several builds, through `OutputFolder` itself.
struct SpareUpdateTests {
    private let root = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-spare-\(UUID().uuidString)")

    private func publish(_ files: [(String, String)]) throws {
        let cache = root.appendingPathComponent("site/.cxsite-cache").path
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let update = try OutputFolder(root.appendingPathComponent("out"))
            .beginUpdate(forSiteIn: root.appendingPathComponent("site"), manifests: cache + "/output-")
        try update.write(files.map { ($0.0, Array($0.1.utf8)) })
        try update.finish()
    }

    private func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// A file where the spare had a folder: the stale files of that folder must not take
    /// the new file with them.
    @Test func aFileThatReplacesAFolderSurvivesTheCleanUp() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try publish([("a/b.html", "old"), ("c.html", "c")])
        try publish([("a/b.html", "old"), ("c.html", "c")])  // the spare now holds a/b.html
        try publish([("a", "new file"), ("c.html", "c")])
        #expect(OutputFolder.fileType(root.appendingPathComponent("out/a").path) == S_IFREG)
        #expect(try read("out/a") == "new file")
    }

    /// A file of the spare that is hard-linked elsewhere (a snapshot made with `cp -al`) is
    /// replaced, not rewritten: the snapshot keeps its bytes.
    @Test func aHardLinkedFileIsReplacedNotRewritten() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try publish([("c.html", "first")])
        try publish([("c.html", "first")])
        let spare = root.appendingPathComponent(".out.cxsite+spare/c.html").path
        let snapshot = root.appendingPathComponent("snapshot.html").path
        #expect(link(spare, snapshot) == 0)
        try publish([("c.html", "second")])
        #expect(try read("out/c.html") == "second")
        #expect(try read("snapshot.html") == "first")
    }

    /// A named pipe put in the spare where a page goes is removed, never opened for writing
    /// (which would wait for a reader for ever).
    @Test func aPipeWhereAPageGoesIsReplacedWithoutWaiting() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try publish([("c.html", "first")])
        try publish([("c.html", "first")])
        let spare = root.appendingPathComponent(".out.cxsite+spare/c.html").path
        #expect(unlink(spare) == 0 && mkfifo(spare, 0o644) == 0)
        try publish([("c.html", "second")])
        #expect(try read("out/c.html") == "second")
        #expect(OutputFolder.fileType(root.appendingPathComponent("out/c.html").path) == S_IFREG)
    }

    /// Folders the new site no longer has are removed with their files, as a clean build
    /// would not have them.
    @Test func foldersTheSiteNoLongerHasAreRemoved() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try publish([("a/b/c.html", "deep"), ("keep/d.html", "d"), ("e.html", "e")])
        try publish([("a/b/c.html", "deep"), ("keep/d.html", "d"), ("e.html", "e")])
        try publish([("keep/d.html", "d"), ("e.html", "e")])
        try publish([("keep/d.html", "d"), ("e.html", "e")])  // both folders have been through the change
        for side in ["out", ".out.cxsite+spare"] {
            #expect(OutputFolder.fileType(root.appendingPathComponent(side + "/a").path) == nil, "\(side)/a")
            #expect(try read(side + "/keep/d.html") == "d")
        }
    }
}
