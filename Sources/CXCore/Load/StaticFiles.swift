import Diagnostics
import Foundation

/// A file copied into the output byte for byte: from `static/` (to the same path in the
/// output), an image or PDF beside the stories (to `stories/`), or a binary file of the
/// theme's `assets/` (a logo, a font).
struct StaticFile: Sendable {
    /// Where it is in the site, for diagnostics.
    let source: String
    /// Where it goes in the output.
    let path: String
    let bytes: [UInt8]
    /// Its size in pixels, when it is an image whose header says.
    let size: ImageSize?
}

/// An image's width and height in pixels, read from its header (PNG, GIF, JPEG, WebP), so
/// pages give them and do not jump while images load.
struct ImageSize: Sendable, Hashable {
    let width: Int
    let height: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The size `bytes` declare, or nil when they are not an image cxsite can read.
    init?(of bytes: [UInt8]) {
        func big16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        func big32(_ at: Int) -> Int { big16(at) << 16 | big16(at + 2) }
        func little16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func little24(_ at: Int) -> Int { little16(at) | Int(bytes[at + 2]) << 16 }
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), bytes.count >= 24, starts(Array("IHDR".utf8), at: 12) {
            self.init(width: big32(16), height: big32(20))
        } else if starts(Array("GIF8".utf8)), bytes.count >= 10 {
            self.init(width: little16(6), height: little16(8))
        } else if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8), bytes.count >= 30 {
            if starts(Array("VP8X".utf8), at: 12) {
                self.init(width: little24(24) + 1, height: little24(27) + 1)
            } else if starts(Array("VP8L".utf8), at: 12) {
                let bits = Int(bytes[21]) | Int(bytes[22]) << 8 | Int(bytes[23]) << 16 | Int(bytes[24]) << 24
                self.init(width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
            } else if starts(Array("VP8 ".utf8), at: 12) {
                self.init(width: little16(26) & 0x3FFF, height: little16(28) & 0x3FFF)
            } else {
                return nil
            }
        } else if starts([0xFF, 0xD8]) {
            // JPEG: walk the segments to the first start-of-frame marker.
            var at = 2
            while at + 9 < bytes.count {
                guard bytes[at] == 0xFF else { return nil }
                let marker = bytes[at + 1]
                if marker == 0xFF {
                    at += 1
                    continue
                }
                let length = big16(at + 2)
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    self.init(width: big16(at + 7), height: big16(at + 5))
                    return
                }
                at += 2 + length
            }
            return nil
        } else {
            return nil
        }
        guard width > 0, height > 0 else { return nil }
    }
}

enum StaticFiles {
    /// Types a browser may run scripts in: never copied, whatever the site says.
    static let refused: Set<String> = [
        "html", "htm", "xhtml", "xht", "xhtm", "shtml", "shtm", "mht", "mhtml", "hta", "htc", "svg", "svgz", "js", "mjs", "xml",
        "xsl", "xslt", "swf",
    ]
    /// What may sit beside the stories and be linked from them: pictures and scanned letters.
    static let besideStories: Set<String> = ["png", "jpg", "jpeg", "gif", "webp", "avif", "pdf"]
    /// The theme's binary assets (its text files are templates and stylesheets).
    static let themeBinary: Set<String> = ["png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "woff", "woff2", "pdf"]

    /// Every file to copy, read whole, and a diagnostic for each that cannot be; nothing, and
    /// an error, when together they are larger than `totalLimit`. `besideStories` are the
    /// files of `content/stories` to copy (``besideStories``), listed with the stories.
    static func load(
        from site: SiteFolder, besideStories stories: [String], totalLimit: Int = SiteFolder.staticTotalLimit
    ) -> ([StaticFile], [Diagnostic]) {
        var found: [(source: String, path: String)] = []
        var diagnostics: [Diagnostic] = []
        if site.exists("static") {
            let (files, problems) = site.filesRecursively(in: "static")
            diagnostics += problems
            for file in files {
                if refused.contains(fileType(of: file)) {
                    diagnostics.append(
                        Diagnostic(
                            .warning, "not copied: a .\(fileType(of: file)) file can carry scripts, which cxsite never publishes",
                            at: .file("static/" + file)))
                } else {
                    found.append(("static/" + file, file))
                }
            }
        }
        found += stories.map { ($0, "stories/" + ($0 as NSString).lastPathComponent) }
        if site.exists("templates/assets") {
            let (assets, assetProblems) = site.filesRecursively(in: "templates/assets")
            diagnostics += assetProblems
            found += assets.filter { themeBinary.contains(fileType(of: $0)) }.map { ("templates/assets/" + $0, "assets/" + $0) }
        }
        // One `stat` each before any is read: the output holds them all in memory.
        let total = found.concurrentMap { FileStamp(followingLinksAt: site.path($0.source))?.size ?? 0 }.reduce(0, +)
        guard total <= totalLimit else {
            let megabytes = String(format: "%.1f", Double(total) / 1_048_576)
            return (
                [],
                diagnostics + [
                    Diagnostic(
                        .error,
                        "the files to copy add up to \(megabytes) MiB, more than the \(String(format: "%.1f", Double(totalLimit) / 1_048_576)) MiB a build holds in memory: host large files elsewhere and link to them",
                        at: .file("static"))
                ]
            )
        }
        var files: [StaticFile] = []
        for (entry, result) in zip(found, found.concurrentMap { site.readBytes($0.source, limit: SiteFolder.staticFileLimit) }) {
            switch result {
            case .success(let read) where startsWithMarkup(read.bytes):
                diagnostics.append(
                    Diagnostic(
                        .warning, "not copied: the file starts as a web page or XML does, which a browser may run as a page, whatever its name",
                        at: .file(entry.source)))
            case .success(let read):
                files.append(StaticFile(source: entry.source, path: entry.path, bytes: read.bytes, size: ImageSize(of: read.bytes)))
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            }
        }
        return (files, diagnostics)
    }

    /// Whether `bytes` begin, after a byte-order mark and white space, as markup does: `<` and
    /// a letter, `!` or `?` (`<html`, `<!DOCTYPE`, `<?xml`, `<svg`, `<script`). A browser that
    /// sniffs a file opened from disk, or served without a type it knows, runs such a file as a
    /// page; no picture, font or PDF starts so.
    static func startsWithMarkup(_ bytes: [UInt8]) -> Bool {
        var rest = bytes[...]
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        rest = rest.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }
        guard rest.first == UInt8(ascii: "<"), let next = rest.dropFirst().first else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(next | 0x20) || next == UInt8(ascii: "!") || next == UInt8(ascii: "?")
    }

    /// The lowercased extension of a path's last name, as `NSString.pathExtension` gives it
    /// (none for `.hidden` or `name.`), without bridging: it runs for every story file.
    static func fileType(of path: String) -> String {
        let name = path[(path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex)...]
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}
