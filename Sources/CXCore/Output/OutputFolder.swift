import Diagnostics
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The only place that writes files. A build is written to a fresh folder beside the output
/// and swapped in whole when complete, so a failed or interrupted build leaves the previous
/// site as it was.
struct OutputFolder {
    let destination: URL

    /// Prefix of the staging and retired folders beside the destination.
    private var scratchPrefix: String { "." + destination.lastPathComponent + ".cxsite-" }

    init(_ destination: URL) {
        self.destination = destination.standardizedFileURL
    }

    /// Why the output folder cannot be `destination`, for a site in `source`: it would
    /// replace the site's own files, or write through a link. Nil when it can.
    func problem(forSiteIn source: URL) -> String? {
        let output = destination.resolvingSymlinksInPath().path + "/"
        let site = source.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        if Self.isSymbolicLink(destination.path) { return "the output folder is a symbolic link: name the folder it points to" }
        if site.hasPrefix(output) { return "the output folder \(destination.path) holds the site itself: choose another, such as SOURCE/public" }
        for sourceFolder in ["content/", "templates/"] where output.hasPrefix(site + sourceFolder) {
            return "the output folder \(destination.path) is inside the site's \(sourceFolder): choose another, such as SOURCE/public"
        }
        return nil
    }

    /// Writes `files` (path relative to the output → bytes) and swaps them into place.
    func publish(_ files: [(path: String, bytes: [UInt8])]) throws {
        let fileManager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        removeLeftovers()
        let staging = parent.appendingPathComponent(scratchPrefix + "staging-\(ProcessInfo.processInfo.processIdentifier)")
        Self.removeTree(staging.path)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            // Folders first, parents before children, then the files on all cores, all with
            // plain POSIX calls (Foundation's are several times slower on Linux).
            var folders: Set<String> = []
            var targets: [String] = []
            for file in files {
                let target = try Self.safeURL(for: file.path, in: staging)
                var folder = target.deletingLastPathComponent().path
                while folder.count > staging.path.count, folders.insert(folder).inserted {
                    folder = (folder as NSString).deletingLastPathComponent
                }
                targets.append(target.path)
            }
            for folder in folders.sorted(by: { $0.count < $1.count }) where mkdir(folder, 0o755) != 0 && errno != EEXIST {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: folder])
            }
            let jobs = zip(files.map(\.bytes), targets).map { WriteJob(bytes: $0, path: $1) }
            let failures = jobs.concurrentMap { Self.write($0.bytes, to: $0.path) }
            if let failure = failures.compactMap({ $0 }).first { throw failure }
            try swapIntoPlace(staging)
        } catch {
            Self.removeTree(staging.path)
            throw error
        }
    }

    /// Puts the finished folder in place of the destination. Where the kernel can, the two
    /// folders are exchanged in one atomic step, so there is no moment without a site; the
    /// old site, now at the staging path, is deleted after.
    private func swapIntoPlace(_ staging: URL) throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: destination.path), let exchange = Self.renameExchange,
           exchange(AT_FDCWD, staging.path, AT_FDCWD, destination.path, Self.renameExchangeFlag) == 0 {
            Self.removeTree(staging.path)
            return
        }
        let retired = destination.deletingLastPathComponent()
            .appendingPathComponent(scratchPrefix + "retired-\(ProcessInfo.processInfo.processIdentifier)")
        try? fileManager.removeItem(at: retired)
        let hadSite = fileManager.fileExists(atPath: destination.path)
        if hadSite { try fileManager.moveItem(at: destination, to: retired) }
        do {
            try fileManager.moveItem(at: staging, to: destination)
        } catch {
            if hadSite { try? fileManager.moveItem(at: retired, to: destination) }
            throw error
        }
        Self.removeTree(retired.path)
    }

    /// Deletes a folder and everything in it, its subfolders on all cores. Symbolic links
    /// are removed, never followed.
    static func removeTree(_ path: String) {
        guard !isSymbolicLink(path), let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            unlink(path)
            return
        }
        let children = entries.map { path + "/" + $0 }
        _ = children.concurrentMap { child -> Bool in
            removeEntries(child)
            return true
        }
        rmdir(path)
    }

    /// Deletes `path`, a file or a folder, depth first with `unlinkat`.
    private static func removeEntries(_ path: String) {
        guard !isSymbolicLink(path), let directory = opendir(path) else {
            unlink(path)
            return
        }
        let descriptor = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            if entry.pointee.d_type == UInt8(DT_DIR) {
                removeEntries(path + "/" + name)
            } else {
                unlinkat(descriptor, name, 0)
            }
        }
        closedir(directory)
        rmdir(path)
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// Linux's `renameat2`, looked up at run time (the Swift Glibc module does not export it).
    private static let renameExchange: RenameAt2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    /// `RENAME_EXCHANGE` from linux/fs.h.
    private static let renameExchangeFlag: UInt32 = 1 << 1

    /// Writes `bytes` to a new file at `path`.
    private static func write(_ bytes: [UInt8], to path: String) -> CocoaError? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                return CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
            written += result
        }
        return nil
    }

    /// Staging and retired folders left by builds that were killed midway.
    private func removeLeftovers() {
        let parent = destination.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names where name.hasPrefix(scratchPrefix) {
            Self.removeTree(parent.appendingPathComponent(name).path)
        }
    }

    /// The file URL for an output path, refusing anything that would land outside `folder`:
    /// absolute paths, `..` segments, empty segments and NUL bytes.
    static func safeURL(for path: String, in folder: URL) throws -> URL {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"),
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw UnsafeOutputPath(path: path)
        }
        return folder.appendingPathComponent(path)
    }
}

private struct WriteJob: Sendable {
    let bytes: [UInt8]
    let path: String
}

/// An output path that would escape the output folder.
struct UnsafeOutputPath: Error, CustomStringConvertible {
    let path: String
    var description: String { "refusing to write '\(path)': it would land outside the output folder" }
}
