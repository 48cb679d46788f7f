import Diagnostics
import Foundation

/// The site's source folder: lists and reads its files, refusing links that lead outside it.
public struct SiteFolder: Sendable {
    public let root: URL

    public init(_ root: URL) {
        self.root = root.standardizedFileURL.resolvingSymlinksInPath()
    }

    func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relative).path)
    }

    /// Files directly in `folder` (relative to the root) with one of `extensions`, sorted by
    /// name; hidden files are skipped, links that point outside the site are refused.
    func files(in folder: String, extensions: Set<String>) -> (files: [String], problems: [Diagnostic]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url(folder).path) else { return ([], []) }
        var files: [String] = []
        var problems: [Diagnostic] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let ext = (name as NSString).pathExtension.lowercased()
            guard extensions.contains(ext) else { continue }
            let relative = folder + "/" + name
            if let problem = outsideLinkProblem(relative) {
                problems.append(problem)
                continue
            }
            files.append(relative)
        }
        return (files, problems)
    }

    /// An error when `relative` is a symbolic link to something outside the site folder.
    func outsideLinkProblem(_ relative: String) -> Diagnostic? {
        let resolved = url(relative).resolvingSymlinksInPath().path
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard !resolved.hasPrefix(prefix) else { return nil }
        return Diagnostic(.error, "refusing a symbolic link that points outside the site folder (to \(resolved))",
                          at: .file(relative))
    }

    /// Reads a text file whole; files larger than `limit` bytes are refused with a clear
    /// message instead of filling memory.
    func read(_ relative: String, limit: Int = SiteFolder.textFileLimit) -> Result<SourceFile, Diagnostic> {
        let size = (try? FileManager.default.attributesOfItem(atPath: url(relative).resolvingSymlinksInPath().path)[.size] as? Int) ?? 0
        guard size <= limit else {
            let megabytes = String(format: "%.1f", Double(size) / 1_048_576)
            return .failure(Diagnostic(.error, "the file is \(megabytes) MiB, more than the \(limit / 1_048_576) MiB cxsite reads whole: split it (responses in content/responses/ are streamed and have no limit)",
                                       at: .file(relative)))
        }
        return SourceFile.read(url(relative), displayPath: relative)
    }

    /// The largest story, briefing, snapshot, perception or template file read whole.
    public static let textFileLimit = 16 * 1_048_576
}
