import Diagnostics
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The site's source folder: lists and reads its files, refusing links that lead outside it.
public struct SiteFolder: Sendable {
    public let root: URL
    /// The root's path and a slash, made once: a build names ten thousand files by it.
    private let rootPrefix: String

    public init(_ root: URL) {
        self.root = root.standardizedFileURL.resolvingSymlinksInPath()
        let path = self.root.path
        rootPrefix = path.hasSuffix("/") ? path : path + "/"
    }

    /// The file-system path of `relative`, a path from the root.
    func path(_ relative: String) -> String {
        rootPrefix + relative
    }

    func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relative).path)
    }

    /// Files directly in `folder` (relative to the root) with one of `extensions`, sorted by
    /// name; hidden files are skipped. A folder reached through a link, links that point
    /// outside the site, and anything that is not a regular file (a pipe, a device) are refused.
    func files(in folder: String, extensions: Set<String>) -> (files: [String], problems: [Diagnostic]) {
        if let problem = folderProblem(folder) { return ([], [problem]) }
        guard let directory = opendir(path(folder)) else { return ([], []) }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(directory) {
            let name = entry.name
            if name.hasPrefix(".") { continue }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(directory)
        var files: [String] = []
        var problems: [Diagnostic] = []
        for entry in entries.sorted(by: { $0.name < $1.name }) {
            guard let dot = entry.name.lastIndex(of: "."), extensions.contains(entry.name[entry.name.index(after: dot)...].lowercased()) else {
                continue
            }
            let relative = folder + "/" + entry.name
            if let problem = fileProblem(relative, type: entry.type) {
                problems.append(problem)
                continue
            }
            files.append(relative)
        }
        return (files, problems)
    }

    /// Every file below `folder`, as paths relative to it, sorted; hidden files are skipped.
    /// Folders reached through links and files that are not regular are refused.
    func filesRecursively(in folder: String) -> (files: [String], problems: [Diagnostic]) {
        if let problem = folderProblem(folder) { return ([], [problem]) }
        var files: [String] = []
        var problems: [Diagnostic] = []
        func walk(_ relative: String) {
            guard let directory = opendir(path(folder + (relative.isEmpty ? "" : "/" + relative))) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = entry.name
                if name.hasPrefix(".") { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                if entry.pointee.d_type == UInt8(DT_DIR) {
                    walk(child)
                } else if let problem = fileProblem(folder + "/" + child, type: entry.pointee.d_type) {
                    problems.append(problem)
                } else {
                    files.append(child)
                }
            }
        }
        walk("")
        return (files.sorted(), problems.sorted())
    }

    /// An error when a folder on the way to `relative` (`content`, `content/stories`) is a
    /// symbolic link: cxsite reads no folder through a link, wherever it points.
    func folderProblem(_ relative: String) -> Diagnostic? {
        var path = ""
        for component in relative.split(separator: "/") {
            path += (path.isEmpty ? "" : "/") + component
            if OutputFolder.fileType(self.path(path)) == S_IFLNK {
                return Diagnostic(
                    .error, "\(path) is a symbolic link to a folder: cxsite reads no folder through a link; put the files themselves in the site",
                    at: .file(path))
            }
        }
        return nil
    }

    /// An error when the entry `relative`, of directory-entry type `type`, cannot be read as
    /// a source file: a link out of the site or to a folder, or not a regular file.
    private func fileProblem(_ relative: String, type: UInt8) -> Diagnostic? {
        var kind = type
        if type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN) {
            if let problem = outsideLinkProblem(relative) { return problem }
            var info = stat()
            guard stat(path(relative), &info) == 0 else { return nil }  // a dangling link: reading it reports it
            switch info.st_mode & S_IFMT {
            case S_IFREG: kind = UInt8(DT_REG)
            case S_IFDIR: kind = UInt8(DT_DIR)
            default: kind = UInt8(DT_FIFO)
            }
        }
        switch Int32(kind) {
        case Int32(DT_REG): return nil
        case Int32(DT_DIR):
            return Diagnostic(
                .error, "this is a link to a folder: cxsite reads no folder through a link; put the files themselves in the site",
                at: .file(relative))
        default:
            return Diagnostic(
                .error, "this is not a regular file (\(Self.kindName(kind))): cxsite reads only regular files",
                at: .file(relative))
        }
    }

    private static func kindName(_ type: UInt8) -> String {
        switch Int32(type) {
        case Int32(DT_FIFO): "a named pipe"
        case Int32(DT_SOCK): "a socket"
        case Int32(DT_CHR), Int32(DT_BLK): "a device"
        default: "not a file"
        }
    }

    /// An error when `relative` is a symbolic link to something outside the site folder.
    func outsideLinkProblem(_ relative: String) -> Diagnostic? {
        let resolved = url(relative).resolvingSymlinksInPath().path
        guard !resolved.hasPrefix(rootPrefix) else { return nil }
        return Diagnostic(
            .error, "refusing a symbolic link that points outside the site folder (to \(resolved))",
            at: .file(relative))
    }

    /// Reads a text file whole; files larger than `limit` bytes are refused with a clear
    /// message instead of filling memory.
    func read(_ relative: String, limit: Int = SiteFolder.textFileLimit) -> Result<SourceFile, Diagnostic> {
        readBytes(relative, limit: limit).flatMap { bytes, info in
            SourceFile.decode(bytes, displayPath: relative).map { file in
                var file = file
                file.stamp = FileStamp(info)
                return file
            }
        }
    }

    /// The bytes of a regular file of the site, whatever they hold (an image, a PDF), and its
    /// metadata; at most `limit` bytes.
    func readBytes(_ relative: String, limit: Int) -> Result<(bytes: [UInt8], info: stat), Diagnostic> {
        Self.readBytes(atPath: path(relative), shownAs: relative, limit: limit)
    }

    /// The bytes of the regular file at `path`, which diagnostics call `relative`.
    static func readBytes(atPath path: String, shownAs relative: String, limit: Int) -> Result<(bytes: [UInt8], info: stat), Diagnostic> {
        // Non-blocking, so that opening a named pipe does not wait for a writer.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(Diagnostic(.error, "cannot read the file: \(String(cString: strerror(errno)))", at: .file(relative)))
        }
        defer { close(descriptor) }
        var kind = stat()
        guard fstat(descriptor, &kind) == 0, (kind.st_mode & S_IFMT) == S_IFREG else {
            return .failure(Diagnostic(.error, "this is not a regular file: cxsite reads only regular files", at: .file(relative)))
        }
        func tooLarge(_ size: Int) -> Result<(bytes: [UInt8], info: stat), Diagnostic> {
            let megabytes = String(format: "%.1f", Double(size) / 1_048_576)
            return .failure(
                Diagnostic(
                    .error,
                    "the file is \(megabytes) MiB, more than the \(limit / 1_048_576) MiB cxsite reads of such a file: split it (responses in content/responses/ are streamed and have no limit)",
                    at: .file(relative)))
        }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        guard size <= limit else { return tooLarge(size) }
        // Read until end of file, not only `size` bytes: the file may be growing; the limit
        // still holds.
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
        return .success((bytes, info))
    }

    /// The largest file of `static/` (or image beside the stories) copied into the output.
    public static let staticFileLimit = 32 * 1_048_576
    /// The most the copied files may add up to: a build holds them in memory.
    public static let staticTotalLimit = 512 * 1_048_576
    /// The largest snapshot, perception, config or template file read whole.
    public static let textFileLimit = 16 * 1_048_576
    /// The largest story or briefing: 1 MiB is some 150,000 words of prose, and it bounds
    /// what one document costs to render (see `MarkdownLimits`).
    public static let markdownFileLimit = 1_048_576
    /// The most stories and briefings together: a build holds each one's text, HTML and
    /// links in memory, some 3–5 times its size for prose, so this bounds it near 1 GiB
    /// (100,000 stories of 2.5 KB fit). Issue #14's streaming build is what lifts it.
    public static let markdownTotalLimit = 256 * 1_048_576
}
