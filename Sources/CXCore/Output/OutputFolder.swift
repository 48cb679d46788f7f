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

    /// Prefix of the retired folders of interrupted builds beside the destination.
    private var scratchPrefix: String { "." + destination.lastPathComponent + ".cxsite-" }
    /// Prefix of the spare folder, and of the manifests, beside the destination.
    private var sparePrefix: String { "." + destination.lastPathComponent + ".cxsite+" }

    private func manifestPrefix(in parent: URL) -> String {
        parent.appendingPathComponent(sparePrefix + "manifest-").path
    }

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
    func publish(_ files: [(path: String, bytes: [UInt8])], keepSpare: Bool = false) throws {
        let update = try beginUpdate(keepSpare: keepSpare)
        do {
            try update.write(files)
            try update.finish()
        } catch {
            update.abandon()
            throw error
        }
    }

    /// Starts writing a new site, to be handed over in batches with ``Update/write(_:)`` as
    /// pages render, so a build never holds every page in memory.
    ///
    /// With `keepSpare`, the previous site is not deleted after the swap: it stays beside the
    /// output as the spare, with a manifest of what it holds, and the next build brings the
    /// spare up to date by writing only the files that differ, then swaps again. The live
    /// folder is never written into, so a kill at any moment still leaves a whole site.
    func beginUpdate(keepSpare: Bool) throws -> Update {
        let fileManager = FileManager.default
        let parent = destination.deletingLastPathComponent()
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        removeLeftovers()
        let spare = parent.appendingPathComponent(sparePrefix + "spare").path
        let manifests = manifestPrefix(in: parent)
        var known = keepSpare ? Manifest.read(for: spare, beside: manifests) : nil
        if known == nil {
            Self.removeTree(spare)
            guard mkdir(spare, 0o755) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: spare]) }
            known = Manifest()
        }
        // While the spare changes, it has no manifest: an interrupted update is rebuilt whole.
        Manifest.remove(for: spare, beside: manifests)
        return Update(output: self, spare: spare, manifests: manifests, known: known ?? Manifest(), keepSpare: keepSpare)
    }

    /// A new site being written into the spare folder; ``finish()`` swaps it into place.
    final class Update {
        private let output: OutputFolder
        private let spare: String
        private let manifests: String
        private let known: Manifest
        private let keepSpare: Bool
        /// What the spare holds now, for deciding on any thread whether a page can stay.
        let holdings: SpareHoldings
        private var manifest = Manifest()
        private var folders: Set<String> = []

        fileprivate init(output: OutputFolder, spare: String, manifests: String, known: Manifest, keepSpare: Bool) {
            self.output = output
            self.spare = spare
            self.manifests = manifests
            self.known = known
            self.keepSpare = keepSpare
            self.holdings = SpareHoldings(folder: spare, manifest: known)
        }

        /// Keeps the spare's file at `path` as it is; call only when ``holdings`` says it
        /// holds the right bytes.
        func keep(_ path: String) {
            manifest.entries[path] = known.entries[path]
        }

        /// Writes the files whose bytes differ from what the spare holds (or that were changed
        /// on disk since), on all cores with plain POSIX calls (Foundation's are several
        /// times slower on Linux).
        /// Returns the hash of each file's bytes.
        @discardableResult
        func write(_ files: [(path: String, bytes: [UInt8])]) throws -> [UInt64] {
            let hashes = files.concurrentMap { Manifest.hash($0.bytes) }
            var jobs: [WriteJob] = []
            var newFolders: [String] = []
            for (index, file) in files.enumerated() {
                let target = try OutputFolder.safePath(for: file.path, in: spare)
                if let entry = known.entries[file.path], entry.hash == hashes[index], entry.matchesDisk(at: target) {
                    manifest.entries[file.path] = entry
                    continue
                }
                var folder = file.path
                while let slash = folder.lastIndex(of: "/") {
                    folder = String(folder[..<slash])
                    guard folders.insert(folder).inserted else { break }
                    newFolders.append(folder)
                }
                jobs.append(WriteJob(bytes: file.bytes, path: target, relative: file.path, hash: hashes[index]))
            }
            // Parents before children.
            for folder in newFolders.sorted(by: { $0.count < $1.count }) {
                let path = spare + "/" + folder
                if mkdir(path, 0o755) != 0, errno != EEXIST { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            }
            let results = jobs.concurrentMap { job -> Result<Manifest.DiskStamp?, CocoaError> in
                if let failure = OutputFolder.write(job.bytes, to: job.path) { return .failure(failure) }
                return .success(Manifest.DiskStamp(path: job.path))
            }
            for (job, result) in zip(jobs, results) {
                manifest.entries[job.relative] = Manifest.Entry(hash: job.hash, disk: try result.get())
            }
            return hashes
        }

        /// Removes what the new site no longer has (and anything put there by hand), records
        /// the manifest and swaps the spare into place.
        func finish() throws {
            if !known.entries.isEmpty {
                for path in OutputFolder.files(in: spare) where manifest.entries[path] == nil {
                    unlink(spare + "/" + path)
                }
            }
            try manifest.write(for: spare, beside: manifests)
            try output.swapIntoPlace(URL(fileURLWithPath: spare), keepingOld: keepSpare)
            Manifest.removeStale(beside: manifests, keeping: [spare, output.destination.path])
        }

        /// Gives up: the spare, half written, is deleted; the live site is untouched.
        func abandon() {
            OutputFolder.removeTree(spare)
        }
    }

    /// Puts the finished folder in place of the destination. Where the kernel can, the two
    /// folders are exchanged in one atomic step, so there is no moment without a site; the
    /// old site, now at the staging path, is kept as the spare or deleted.
    fileprivate func swapIntoPlace(_ staging: URL, keepingOld: Bool) throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: destination.path), let exchange = Self.renameExchange,
           exchange(AT_FDCWD, staging.path, AT_FDCWD, destination.path, Self.renameExchangeFlag) == 0 {
            if !keepingOld { Self.removeTree(staging.path) }
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

    /// Every file below `root`, as paths relative to it, without following links.
    static func files(in root: String, under relative: String = "") -> [String] {
        let path = relative.isEmpty ? root : root + "/" + relative
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let child = relative.isEmpty ? name : relative + "/" + name
            if entry.pointee.d_type == UInt8(DT_DIR) {
                found += files(in: root, under: child)
            } else {
                found.append(child)
            }
        }
        return found
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
    static func write(_ bytes: [UInt8], to path: String) -> CocoaError? {
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
        URL(fileURLWithPath: try safePath(for: path, in: folder.path))
    }

    /// ``safeURL(for:in:)`` for file-system paths.
    static func safePath(for path: String, in folder: String) throws -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !path.utf8.contains(0),
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw UnsafeOutputPath(path: path)
        }
        return folder + "/" + path
    }
}

/// The files of the spare folder as its manifest records them.
struct SpareHoldings: Sendable {
    let folder: String
    let manifest: Manifest

    /// True when the spare's file at `path` has bytes hashing to `hash`, untouched since.
    func holds(_ path: String, hash: UInt64) -> Bool {
        guard let entry = manifest.entries[path], entry.hash == hash,
              let target = try? OutputFolder.safePath(for: path, in: folder) else { return false }
        return entry.matchesDisk(at: target)
    }
}

private struct WriteJob: Sendable {
    let bytes: [UInt8]
    /// Where the file goes on disk, and its path in the site.
    let path: String
    let relative: String
    let hash: UInt64
}

/// An output path that would escape the output folder.
struct UnsafeOutputPath: Error, CustomStringConvertible {
    let path: String
    var description: String { "refusing to write '\(path)': it would land outside the output folder" }
}
