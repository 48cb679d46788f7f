import Diagnostics
import Foundation
import Testing

@testable import CXCore

/// Pictures and files: `static/`, pictures beside the stories, the theme's binary assets, the
/// logo; copied byte for byte, link-checked, sized.
struct StaticFileTests {
    /// The first bytes of a PNG that says it is `width` × `height`, then bytes no text file
    /// could hold.
    static func png(_ width: Int, _ height: Int) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        for value in [width, height] { bytes += [24, 16, 8, 0].map { UInt8((value >> $0) & 0xFF) } }
        return Data(bytes + [8, 6, 0, 0, 0, 0xFF, 0x00, 0xFE])
    }

    @Test func staticFilesAndTheThemesPicturesAreCopiedByteForByte() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let letter = Data([0x25, 0x50, 0x44, 0x46, 0x00, 0xFF, 0x80, 0x0A])
        try site.write("static/letters/complaint.pdf", letter)
        try site.write("templates/assets/mark.png", Self.png(10, 10))
        try site.write("static/evil.svg", Data("<svg onload=\"alert(1)\"/>".utf8))
        let summary = try site.build()
        #expect(try Data(contentsOf: site.output.appendingPathComponent("letters/complaint.pdf")) == letter)
        #expect(try Data(contentsOf: site.output.appendingPathComponent("assets/mark.png")) == Self.png(10, 10))
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("evil.svg").path))
        #expect(summary.warnings.contains { $0.message == "not copied: a .svg file can carry scripts, which cxsite never publishes" })
    }

    /// `static/evil.xht` was copied and ran its script when served by `python3 -m http.server`
    /// or opened from disk; so would markup in a file of any name a browser sniffs. Each is
    /// left out with a warning, by its name or by its first bytes.
    @Test(arguments: [
        (
            "static/evil.xht", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>",
            "not copied: a .xht file can carry scripts, which cxsite never publishes"
        ),
        ("static/EVIL.XHTML", "<html/>", "not copied: a .xhtml file can carry scripts, which cxsite never publishes"),
        (
            "static/page", "\u{FEFF}\n  <!DOCTYPE html><script>alert(1)</script>",
            "not copied: the file starts as a web page or XML does, which a browser may run as a page, whatever its name"
        ),
        (
            "static/notes.txt", "<?xml version=\"1.0\"?><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script>",
            "not copied: the file starts as a web page or XML does, which a browser may run as a page, whatever its name"
        ),
    ])
    func aFileABrowserRunsAsAPageIsNotCopied(_ path: String, _ text: String, _ warning: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(path, text)
        try site.write("static/fine.txt", "a < b, and 3 <4\n")
        let summary = try site.build()
        #expect(summary.warnings.filter { $0.location?.path == path }.map(\.message) == [warning])
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent(String(path.dropFirst("static/".count))).path))
        #expect(try site.page("fine.txt") == "a < b, and 3 <4\n")
    }

    @Test func aPictureBesideAStoryIsLinkedSizedAndCopied() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/stories/handwritten.png", Self.png(640, 480))
        try site.append("content/stories/fast-install.md", "\n![The handwritten complaint](handwritten.png)\n")
        try site.build()
        #expect(try Data(contentsOf: site.output.appendingPathComponent("stories/handwritten.png")) == Self.png(640, 480))
        #expect(
            try site.page("stories/fast-install.html")
                .contains(#"<img src="handwritten.png" width="640" height="480" alt="The handwritten complaint" />"#))
        // A picture that is not there is still a broken link.
        try site.append("content/stories/fast-install.md", "\n![Gone](gone.png)\n")
        #expect(try site.build().warnings.map(\.message).contains("broken link 'gone.png': the site has no stories/gone.png"))
    }

    @Test func aCopiedFileNeverReplacesAPageAndTheLogoMustBeAPictureInStatic() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("static/scorecard.json", Data("{}".utf8))
        #expect(
            site.buildErrors().filter(\.isError).map(\.message) == [
                "static/scorecard.json would replace scorecard.json, which cxsite makes: rename it"
            ])
        try site.remove("static/scorecard.json")
        try site.write("static/logo.png", Self.png(120, 40))
        try site.append("cxsite.yaml", "logo: static/logo.png\n")
        try site.build()
        #expect(try site.page("stories/index.html").contains(#"<img class="logo" src="../logo.png" alt="" width="120" height="40"> Acme Fibre"#))
        try site.write(
            "cxsite.yaml",
            try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "logo: static/logo.png", with: "logo: static/missing.png"))
        let errors = site.buildErrors().filter(\.isError)
        #expect(
            errors.map(\.message) == [
                "logo 'static/missing.png' is not a picture in static/ (PNG, JPEG, GIF or WebP): put it there and name it as static/logo.png"
            ])
        #expect(errors.first?.location?.path == "cxsite.yaml")
    }

    /// A file in `static/` named as a folder of pages replaced the whole folder in the output,
    /// and a folder named as a page removed the page: each is an error at the file now.
    @Test(arguments: [
        ("static/touchpoints", "static/touchpoints would replace the folder touchpoints/, which holds pages cxsite makes: rename it"),
        (
            "static/stories/fast-install.html/photo.txt",
            "static/stories/fast-install.html/photo.txt would make stories/fast-install.html, which cxsite writes as a file, a folder: rename or move it"
        ),
        ("static/stories", "static/stories would replace the folder stories/, which holds pages cxsite makes: rename it"),
    ])
    func aCopiedFileNeverTakesTheFolderOfPagesNorMakesAPageAFolder(_ path: String, _ message: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let before = try site.outputFiles()
        try site.write(path, "copied")
        let errors = site.buildErrors().filter(\.isError)
        #expect(errors.map(\.message) == [message])
        #expect(errors.first?.location?.path == path)
        #expect(try site.outputFiles() == before)
    }

    /// A file's type is its extension as Foundation reads one, lowercased.
    @Test(arguments: [
        "a.PNG", "content/stories/x.md", "dir.d/file", ".hidden", "dir/.hidden", "a.", "a.b.JPeg", "x", "café.Webp", "a/b.c/d.e", "..", "a..b",
    ])
    func aFileTypeIsItsExtensionAsFoundationReadsIt(_ path: String) {
        #expect(StaticFiles.fileType(of: path) == (path as NSString).pathExtension.lowercased())
    }

    @Test func filesTooLargeToHoldTogetherAreRefusedBeforeAnyIsRead() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("static/a.pdf", Data(count: 700_000))
        try site.write("static/b.pdf", Data(count: 700_000))
        let (files, diagnostics) = StaticFiles.load(from: SiteFolder(site.folder), besideStories: [], totalLimit: 1_048_576)
        #expect(files.isEmpty)
        #expect(
            diagnostics.map(\.message) == [
                "the files to copy add up to 1.3 MiB, more than the 1.0 MiB a build holds in memory: host large files elsewhere and link to them"
            ])
    }

    @Test(
        arguments: [
            ([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xF0, 0x00], ImageSize(width: 320, height: 240)),
            (
                [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03],
                ImageSize(width: 640, height: 480)
            ),
            (
                Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0, 0, 0, 0] + [0x3F, 0x01, 0x00, 0xC7, 0x00, 0x00],
                ImageSize(width: 320, height: 200)
            ),
            ([0x00, 0x01, 0x02], nil),
        ] as [([UInt8], ImageSize?)])
    func picturesSayTheirSize(_ bytes: [UInt8], _ size: ImageSize?) {
        #expect(ImageSize(of: bytes) == size)
        #expect(ImageSize(of: [UInt8](Self.png(7, 3))) == ImageSize(width: 7, height: 3))
    }
}

/// Tables saved from a spreadsheet as tab-separated text.
struct TabSeparatedTests {
    @Test func responsesAndSnapshotsMayBeTabSeparatedWithTheirErrorsLocated() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var tsv = "date\tmetric\tscore\ttouchpoint\tcomment\n"
        for index in 0..<40 { tsv += "2026-08-\(10 + index % 9)\tnps\t\(index % 11)\tbilling\t\"Billed, twice\"\n" }
        try site.write("content/responses/export.tsv", tsv)
        try site.write("content/metrics/extra.tsv", "period\tmetric\tvalue\n2026-Q3\tretention\t93.1\n")
        try site.remove("content/metrics/snapshots.csv")
        try site.build()
        let json = try site.page("scorecard.json")
        #expect(
            json.contains(#"{"metric": "nps", "period": "2026-Q3", "segment": null, "touchpoint": null, "level": "all", "journey": null, "n": 40"#))
        #expect(json.contains(#""metric": "retention", "period": "2026-Q3""#) && json.contains(#""value": 93.1"#))
        // A bad score, and a comma where a tab belongs, are located by line and column.
        try site.write("content/responses/export.tsv", "date\tmetric\tscore\n2026-08-01\tnps\t11\n2026-08-02,nps,5\n")
        let errors = site.buildErrors().filter(\.isError).map { "\($0.location!.line):\($0.location!.column): \($0.message)" }
        #expect(errors == ["2:16: score 11 is out of range for nps: expected 0 to 10", "3:1: this row has 1 field but the header has 3"])
    }
}
