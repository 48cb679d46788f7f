import ChildProcess
import Foundation
import Testing

/// `cxsite build --output` as a hostile or careless user drives it (issue #12): nothing
/// that cxsite did not write is replaced, and two builds of one output take turns.
struct OutputRuleCommandTests {
    private func smallSite(_ scratch: Scratch, stories: Int = 3) throws {
        try scratch.write("site/cxsite.yaml", "title: T\njourney:\n  - id: web\n    name: Web\n")
        for index in 0..<stories {
            try scratch.write(
                "site/content/stories/s\(index).md",
                "---\ntitle: Story \(index)\ndate: 2026-01-\(10 + index % 18)\noutcome: \(index % 2 == 0 ? "success" : "failure")\n---\n"
                    + String(repeating: "A paragraph of the story, with *emphasis*.\n\n", count: 10))
        }
    }

    @Test func aDeviceIsRefusedAndLeftADevice() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try smallSite(scratch)
        let result = try CXSiteBinary.run(["build", "--source", scratch.path("site"), "--output", "/dev/null", "--no-git"])
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix("/dev/null: error: the output folder /dev/null exists and is not a folder: choose another path with --output\n"))
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        #expect(!FileManager.default.fileExists(atPath: "/dev/.null.cxsite+spare"))
    }

    @Test func theRootFolderIsRefusedAndNothingIsLeftInIt() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try smallSite(scratch)
        let before = try FileManager.default.contentsOfDirectory(atPath: "/").sorted()
        for extra in [[], ["--no-cache"]] {
            let result = try CXSiteBinary.run(["build", "--source", scratch.path("site"), "--output", "/", "--no-git"] + extra)
            #expect(result.status == 1)
            #expect(result.stderr.contains("error: the output folder cannot be /"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "/").sorted() == before)
    }

    @Test func aFolderOfSomeoneElsesIsRefusedWithAMessageThatSaysWhatToDo() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try smallSite(scratch)
        try scratch.write("etc/passwd", "root:x:0:0")
        for extra in [[], ["--no-cache"]] {
            let result = try CXSiteBinary.run(["build", "--source", scratch.path("site"), "--output", scratch.path("etc"), "--no-git"] + extra)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "exists and was not written by cxsite (it holds no .cxsite-output file): remove it or choose another folder with --output"))
        }
        #expect(try String(contentsOfFile: scratch.path("etc/passwd"), encoding: .utf8) == "root:x:0:0")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).sorted() == ["etc", "site"])
    }

    @Test func twoBuildsOfOneOutputAtOnceBothPublishAWholeSite() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try smallSite(scratch, stories: 700)
        let reference = try CXSiteBinary.run([
            "build", "--source", scratch.path("site"), "--output", scratch.path("reference"), "--no-cache", "--no-git",
        ])
        #expect(reference.status == 0)
        let processes = try (0..<2).map { _ in
            try CXSiteBinary.start(["build", "--source", scratch.path("site"), "--output", scratch.path("out"), "--no-git"])
        }
        for process in processes {
            #expect(process.wait() == .exited(0))
        }
        let built = FileManager.default.enumerator(atPath: scratch.path("out"))?.allObjects.count
        #expect(built == FileManager.default.enumerator(atPath: scratch.path("reference"))?.allObjects.count)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).sorted() == [".out.cxsite+spare", "out", "reference", "site"])
    }
}
