import Diagnostics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        guard let directory = opendir(root.path + "/" + folder) else { return ([], []) }
        var entries: [(name: String, isLink: Bool)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            let type = entry.pointee.d_type
            entries.append((name, type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN)))
        }
        closedir(directory)
        var files: [String] = []
        var problems: [Diagnostic] = []
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            guard let dot = entry.name.lastIndex(of: "."), extensions.contains(entry.name[entry.name.index(after: dot)...].lowercased()) else {
                continue
            }
            let relative = folder + "/" + entry.name
            if entry.isLink, let problem = outsideLinkProblem(relative) {
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
        let descriptor = open(root.path + "/" + relative, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(Diagnostic(.error, "cannot read the file: \(String(cString: strerror(errno)))", at: .file(relative)))
        }
        defer { close(descriptor) }
        func tooLarge(_ size: Int) -> Result<SourceFile, Diagnostic> {
            let megabytes = String(format: "%.1f", Double(size) / 1_048_576)
            return .failure(Diagnostic(.error, "the file is \(megabytes) MiB, more than the \(limit / 1_048_576) MiB cxsite reads whole: split it (responses in content/responses/ are streamed and have no limit)",
                                       at: .file(relative)))
        }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        guard size <= limit else { return tooLarge(size) }
        // Read until end of file, not only `size` bytes: the file may be growing, or not
        // regular (a pipe); the limit still holds.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else { return tooLarge(count) }
                bytes += [UInt8](repeating: 0, count: bytes.count)
            }
            let result = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if result < 0, errno == EINTR { continue }
            guard result >= 0 else {
                return .failure(Diagnostic(.error, "cannot read the file: \(String(cString: strerror(errno)))", at: .file(relative)))
            }
            if result == 0 { break }
            count += result
        }
        bytes.removeSubrange(count...)
        return SourceFile.decode(bytes, displayPath: relative)
    }

    /// The largest story, briefing, snapshot, perception or template file read whole.
    public static let textFileLimit = 16 * 1_048_576
}
