import Diagnostics
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The only place that writes the site. A build is written into the spare folder beside the
/// output and exchanged with it whole when complete, so a failed or interrupted build leaves
/// the previous site as it was.
///
/// cxsite replaces or deletes only what it can prove it wrote: every output carries a marker
/// file, ``markerName``; an output path that exists and is not an empty folder or a folder
/// with the marker is refused before any work. No link is followed where cxsite writes or
/// deletes, and nothing but the spare is left beside the output.
struct OutputFolder {
    let destination: URL

    /// The file every output folder carries, by which cxsite knows a folder is its own.
    static let markerName = ".cxsite-output"
    static let markerText = "Written by cxsite. The next build replaces this folder whole: keep no files of your own here.\n"

    private var name: String { destination.lastPathComponent }
    private var parent: String { destination.deletingLastPathComponent().path }
    /// Prefix of the retired folders of interrupted builds beside the destination.
    private var scratchPrefix: String { "." + name + ".cxsite-" }
    /// Where the previous site is kept (or the new one staged), beside the destination.
    var sparePath: String { parent + "/." + name + ".cxsite+spare" }

    init(_ destination: URL) {
        self.destination = destination.standardizedFileURL
    }

    /// Why the output cannot be `destination` for a site in `source`, or nil when it can: it
    /// would replace the site's own files or something cxsite did not write, or write through
    /// a link. Checked before any work, and again once the output is locked.
    func problem(forSiteIn source: URL) -> String? {
        let path = destination.path
        if path == "/" || name.isEmpty { return "the output folder cannot be /: choose a folder of its own, such as SOURCE/public" }
        if Self.fileType(path) == S_IFLNK { return "the output folder \(path) is a symbolic link: name the folder it points to" }
        // Judged where it would land: through a linked parent, even before it exists.
        let output = Self.resolvingLinks(path) + "/"
        let site = Self.resolvingLinks(source.standardizedFileURL.path) + "/"
        if site.hasPrefix(output) { return "the output folder \(path) holds the site itself: choose another, such as SOURCE/public" }
        for sourceFolder in ["content/", "templates/", BuildCache.folderName + "/"] where output.hasPrefix(site + sourceFolder) {
            return "the output folder \(path) is inside the site's \(sourceFolder): choose another, such as SOURCE/public"
        }
        if let reason = notWrittenByCXSite(path) {
            switch reason {
            case .notAFolder: return "the output folder \(path) exists and is not a folder: choose another path with --output"
            default: return "the output folder \(path) \(reason.text): remove it or choose another folder with --output"
            }
        }
        if let reason = notWrittenByCXSite(sparePath) {
            return "\(sparePath), where cxsite keeps a spare copy of the site, \(reason.text): remove it"
        }
        return nil
    }

    /// `path` with every link in the part of it that exists resolved, and the rest appended
    /// as written.
    static func resolvingLinks(_ path: String) -> String {
        var existing = path
        var rest: [String] = []
        while true {
            if let real = realpath(existing, nil) {
                defer { free(real) }
                return ([String(cString: real)] + rest.reversed()).joined(separator: "/")
            }
            let parent = (existing as NSString).deletingLastPathComponent
            guard !parent.isEmpty, parent != existing else { return path }
            rest.append((existing as NSString).lastPathComponent)
            existing = parent
        }
    }

    /// Why cxsite may not replace a path.
    private enum Refusal {
        case unreadable(Int32)
        case link, notAFolder, foreign

        var text: String {
            switch self {
            case .unreadable(let code): "cannot be read (\(String(cString: strerror(code))))"
            case .link: "is a symbolic link, which cxsite never writes through"
            case .notAFolder: "exists and is not a folder"
            case .foreign: "exists and was not written by cxsite (it holds no \(OutputFolder.markerName) file)"
            }
        }
    }

    /// Why cxsite may not replace `path`; nil when nothing is there, or an empty folder, or
    /// a folder cxsite wrote.
    private func notWrittenByCXSite(_ path: String) -> Refusal? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return errno == ENOENT ? nil : .unreadable(errno) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: break
        case S_IFLNK: return .link
        default: return .notAFolder
        }
        if Self.hasMarker(path) { return nil }
        guard let directory = opendir(path) else { return .unreadable(errno) }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = entry.name
            if name != "." && name != ".." { return .foreign }
        }
        return nil
    }

    /// True when `folder` holds the marker that cxsite writes into every output.
    private static func hasMarker(_ folder: String) -> Bool {
        readOwnFile(folder + "/" + markerName, limit: 4096)?.starts(with: "Written by cxsite.".utf8) ?? false
    }

    /// Starts writing a new site into the spare folder, to be handed over in batches with
    /// ``Update/write(_:)`` as pages render, so a build never holds every page in memory.
    ///
    /// Takes an exclusive lock on the output's parent folder first (calling `waiting` when
    /// another build holds it), so two builds never write the same spare. The previous site
    /// is never deleted after the swap: it stays as the spare, and the next build rewrites its
    /// files in place — with `manifests` (the prefix of the manifest files, in the build
    /// cache) only those that differ —, then swaps again. The live folder is never written into.
    func beginUpdate(forSiteIn source: URL, manifests: String?, waiting: ((String) -> Void)? = nil) throws -> Update {
        try Self.makeFolders(parent)
        let lock = try ParentLock(parent, waiting: { waiting?("another cxsite build is writing \(destination.path): waiting for it to finish") })
        if let problem = problem(forSiteIn: source) { throw OutputRefused(message: problem) }
        removeLeftovers()
        // The spare (the site before last) is updated in place, its files rewritten rather
        // than deleted and made again; with a manifest, only the files that differ. A link
        // inside it would make writes land outside it: such a spare is made anew.
        var known = manifests.flatMap { Manifest.read(for: sparePath, beside: $0) }
        let previousOutput = manifests.flatMap { Manifest.read(for: destination.path, beside: $0) }
        var previousFiles: [String] = []
        let scan = Self.fileType(sparePath) == S_IFDIR ? Self.scan(sparePath) : nil
        if let scan, !scan.hasLinks {
            previousFiles = scan.files
        } else {
            known = nil
            Self.removeTree(sparePath)
            guard mkdir(sparePath, 0o755) == 0 else { throw FileSystemError("create", sparePath) }
        }
        // While the spare changes, it has no manifest: an interrupted update is rebuilt whole.
        if let manifests { Manifest.remove(for: sparePath, beside: manifests) }
        let update = try Update(
            output: self, manifests: manifests, known: known, previousOutput: previousOutput,
            previousFiles: previousFiles, lock: lock)
        try update.write([(Self.markerName, Array(Self.markerText.utf8))])
        return update
    }

    /// A new site being written into the spare folder; ``finish()`` swaps it into place.
    final class Update {
        private let output: OutputFolder
        private let manifests: String?
        private let known: Manifest
        /// What the output held when the update began, by its manifest.
        private let previousOutput: Manifest?
        /// The files the spare held when the update began.
        private let previousFiles: [String]
        /// What the spare holds now, for deciding on any thread whether a page can stay.
        let holdings: SpareHoldings
        private var manifest = Manifest()
        private var spare: FolderTree?
        private var lock: ParentLock?

        fileprivate init(
            output: OutputFolder, manifests: String?, known: Manifest?, previousOutput: Manifest?,
            previousFiles: [String], lock: ParentLock
        ) throws {
            self.output = output
            self.manifests = manifests
            self.known = known ?? Manifest()
            self.previousOutput = previousOutput
            self.previousFiles = previousFiles
            self.lock = lock
            self.holdings = SpareHoldings(folder: output.sparePath, manifest: self.known)
            self.spare = try FolderTree(output.sparePath)
        }

        /// Keeps the spare's file at `path` as it is; call only when ``holdings`` says it
        /// holds the right bytes.
        func keep(_ path: String) {
            manifest.entries[path] = known.entries[path]
        }

        /// Writes the files whose bytes differ from what the spare holds (or that were changed
        /// on disk since), on all cores with plain POSIX calls (Foundation's are several
        /// times slower on Linux). Returns the hash of each file's bytes.
        @discardableResult
        func write(_ files: [(path: String, bytes: [UInt8])]) throws -> [UInt64] {
            guard let spare else { throw FileSystemError("write", output.sparePath) }
            let hashes = files.concurrentMap { Manifest.hash($0.bytes) }
            var jobs: [WriteJob] = []
            for (index, file) in files.enumerated() {
                let target = try OutputFolder.safePath(for: file.path, in: spare.root)
                if let entry = known.entries[file.path], entry.hash == hashes[index], entry.matchesDisk(at: target) {
                    manifest.entries[file.path] = entry
                    continue
                }
                let (folder, name) = FolderTree.split(file.path)
                jobs.append(
                    WriteJob(
                        bytes: file.bytes, folder: try spare.folder(folder, making: true)!, name: name, path: target,
                        relative: file.path, hash: hashes[index]))
            }
            let results = jobs.concurrentMap { job -> Result<Manifest.DiskStamp, FileSystemError> in
                do throws(FileSystemError) {
                    return .success(try OutputFolder.write(job.bytes, named: job.name, in: job.folder, path: job.path))
                } catch {
                    return .failure(error)
                }
            }
            for (job, result) in zip(jobs, results) {
                manifest.entries[job.relative] = Manifest.Entry(hash: job.hash, disk: try result.get())
            }
            return hashes
        }

        /// Removes what the new site no longer has (and anything put there by hand), records
        /// the manifest and swaps the spare into place. The previous site, now the spare, is
        /// then made to hold the same files as the output at once, so that nothing the site
        /// no longer has (a story deleted at a customer's request) stays readable beside it.
        func finish() throws {
            spare?.remove(previousFiles.filter { manifest.entries[$0] == nil })
            spare?.close()
            spare = nil
            let paths = manifests == nil ? [] : manifest.paths  // sorted once: the mirror holds the same files
            if let manifests { try manifest.write(for: output.sparePath, beside: manifests, listing: paths) }
            try output.swapIntoPlace()
            // The previous site's manifest no longer says what its folder holds.
            if let manifests { Manifest.remove(for: output.sparePath, beside: manifests) }
            if let mirror = output.mirrorOutput(manifest, previous: previousOutput), let manifests {
                try mirror.write(for: output.sparePath, beside: manifests, listing: paths)
            }
            if let manifests { Manifest.removeStale(beside: manifests, keeping: [output.sparePath, output.destination.path]) }
            // The lock stays until the update is released, so the build cache written next is
            // not written by two builds at once.
        }

        /// Gives up: the spare, half written, is deleted; the live site is untouched.
        func abandon() {
            spare?.close()
            spare = nil
            OutputFolder.removeTree(output.sparePath)
            lock = nil
        }
    }

    /// Makes the spare, which holds the previous site after the swap, hold the same bytes as
    /// the output in every file (`manifest`'s), and nothing else, rewriting its files in place.
    /// With `previous` (the manifest of the previous output, the spare now), a file whose
    /// bytes it says are the same already is left as it is; every other file is copied, so a
    /// build that changed one page copies one page. Returns the spare's manifest,
    /// or nil when the spare could not be brought up to date and was deleted instead (a link
    /// or a strange entry in it, a file that could not be copied): the next build then writes
    /// every file anew.
    fileprivate func mirrorOutput(_ manifest: Manifest, previous: Manifest?) -> Manifest? {
        let scan = Self.scan(sparePath)
        guard !scan.hasLinks, let spare = try? FolderTree(sparePath), let live = try? FolderTree(destination.path) else {
            Self.removeTree(sparePath)
            return nil
        }
        defer {
            spare.close()
            live.close()
        }
        spare.remove(scan.files.filter { manifest.entries[$0] == nil })
        let held = Set(scan.files)
        var copies: [CopyJob] = []
        var mirror = manifest
        for (path, entry) in manifest.entries {
            if held.contains(path), let before = previous?.entries[path], before.hash == entry.hash {
                mirror.entries[path]?.disk = before.disk
                continue
            }
            let (folder, name) = FolderTree.split(path)
            guard let from = try? live.folder(folder, making: false), let to = try? spare.folder(folder, making: true) else {
                Self.removeTree(sparePath)
                return nil
            }
            copies.append(CopyJob(from: from, to: to, name: name, path: sparePath + "/" + path, relative: path))
        }
        let stamps = copies.concurrentMap { job -> Manifest.DiskStamp? in
            guard let bytes = Self.readOwnFile(named: job.name, in: job.from) else { return nil }
            return try? Self.write(bytes, named: job.name, in: job.to, path: job.path)
        }
        for (job, stamp) in zip(copies, stamps) {
            guard let stamp else {
                Self.removeTree(sparePath)
                return nil
            }
            mirror.entries[job.relative]?.disk = stamp
        }
        return mirror
    }

    /// Puts the spare in place of the destination. Where the kernel can, the two folders are
    /// exchanged in one atomic step, so there is no moment without a site; the old site, now
    /// at the spare's path, is kept as the spare for the next build to update.
    fileprivate func swapIntoPlace() throws {
        let fileManager = FileManager.default
        let spare = sparePath
        let live = destination.path
        if Self.fileType(live) == S_IFDIR, let exchange = Self.renameExchange,
            exchange(AT_FDCWD, spare, AT_FDCWD, live, Self.renameExchangeFlag) == 0
        {
            return
        }
        let retired = parent + "/" + scratchPrefix + "retired-\(getpid())"
        if Self.fileType(retired) != nil {  // not cxsite's (those were removed): left alone
            throw FileSystemError("move \(live) to", retired, code: EEXIST)
        }
        let hadSite = Self.fileType(live) == S_IFDIR
        if hadSite, rename(live, retired) != 0 { throw FileSystemError("move", live) }
        guard rename(spare, live) == 0 else {
            let failure = FileSystemError("move", spare)
            if hadSite { rename(retired, live) }
            throw failure
        }
        if hadSite, fileManager.fileExists(atPath: retired) {
            rename(retired, spare)
        } else {
            Self.removeTree(retired)
        }
    }

    /// Deletes `path`, a folder and everything in it (its subfolders on all cores) or a file.
    /// Nothing is reached by a path below `path`: each folder is opened from its parent's
    /// descriptor with `O_NOFOLLOW`, so a link is removed, never followed, even one swapped
    /// in while the deletion runs.
    static func removeTree(_ path: String) {
        let above = (path as NSString).deletingLastPathComponent
        let parent = open(above.isEmpty ? "." : above, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else { return }
        defer { close(parent) }
        let name = (path as NSString).lastPathComponent
        let folder = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else {
            unlinkat(parent, name, 0)
            return
        }
        defer { close(folder) }
        let children = entries(of: folder)
        _ = children.concurrentMap { child -> Bool in
            removeEntry(child.name, in: folder, type: child.type)
            return true
        }
        unlinkat(parent, name, AT_REMOVEDIR)
    }

    /// Deletes the entry `name` of the open folder `parent`, a file or a folder, depth first,
    /// following no link.
    /// `type` is the entry's `d_type` when known: a file is unlinked without trying to open it.
    static func removeEntry(_ name: String, in parent: Int32, type: UInt8 = UInt8(DT_UNKNOWN)) {
        let folder =
            type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN)
            ? openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1
        guard folder >= 0 else {
            unlinkat(parent, name, 0)  // a file, or a link: the link itself goes
            return
        }
        for child in entries(of: folder) { removeEntry(child.name, in: folder, type: child.type) }
        close(folder)
        unlinkat(parent, name, AT_REMOVEDIR)
    }

    /// The names in the open folder `folder` (not `.` and `..`), with their `d_type`.
    private static func entries(of folder: Int32) -> [(name: String, type: UInt8)] {
        let copy = dup(folder)  // closedir closes what fdopendir was given
        guard copy >= 0 else { return [] }
        guard let directory = fdopendir(copy) else {
            close(copy)
            return []
        }
        defer { closedir(directory) }
        var found: [(name: String, type: UInt8)] = []
        while let entry = readdir(directory) {
            let name = entry.name
            if name != "." && name != ".." { found.append((name, entry.pointee.d_type)) }
        }
        return found
    }

    /// Every file below `root`, as paths relative to it, without following links; and
    /// whether any entry is a link (or of an unknown kind).
    static func scan(_ root: String, under relative: String = "") -> (files: [String], hasLinks: Bool) {
        let path = relative.isEmpty ? root : root + "/" + relative
        guard let directory = opendir(path) else { return ([], false) }
        defer { closedir(directory) }
        var found: [String] = []
        var hasLinks = false
        while let entry = readdir(directory) {
            let name = entry.name
            if name == "." || name == ".." { continue }
            let child = relative.isEmpty ? name : relative + "/" + name
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_DIR):
                let inner = scan(root, under: child)
                found += inner.files
                hasLinks = hasLinks || inner.hasLinks
            case Int32(DT_REG):
                found.append(child)
            default:
                hasLinks = true
                found.append(child)
            }
        }
        return (found, hasLinks)
    }

    /// The kind of file at `path` (`S_IFDIR`, `S_IFLNK`…) without following a link; nil when
    /// there is nothing there.
    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// Linux's `renameat2`, looked up at run time (the Swift Glibc module does not export it).
    private static let renameExchange: RenameAt2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: RenameAt2.self)
    }()

    /// `RENAME_EXCHANGE` from linux/fs.h.
    private static let renameExchangeFlag: UInt32 = 1 << 1

    /// Writes `bytes` to the file `name` in the open folder `folder` (at `path`, for
    /// messages), replacing a link there rather than following it; returns its size and time.
    static func write(_ bytes: [UInt8], named name: String, in folder: Int32, path: String) throws(FileSystemError) -> Manifest.DiskStamp {
        // An existing file is opened without O_CREAT and rewritten in place: O_CREAT takes
        // the folder's lock exclusively even when the file exists (threads writing one
        // folder then queue on it), and a new inode where an old one was deleted costs ext4
        // a scan of the recently freed ones. No O_TRUNC: a file hard-linked elsewhere must
        // be seen before it is emptied.
        // O_NONBLOCK: a named pipe put where a page goes must not stall the build.
        // Read too: a file that holds the bytes already is not rewritten.
        let flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
        var descriptor = openat(folder, name, flags)
        var info = stat()
        if descriptor >= 0, fstat(descriptor, &info) != 0 || info.st_mode & S_IFMT != S_IFREG {
            close(descriptor)  // not a regular file (a pipe, a device): removed, never written to
            descriptor = -1
            errno = EEXIST
        }
        if descriptor < 0, errno != ENOENT {
            removeEntry(name, in: folder)
        }
        var created = descriptor < 0
        if created {
            descriptor = openat(folder, name, flags | O_CREAT | O_EXCL, 0o644)
        }
        guard descriptor >= 0 else { throw FileSystemError("create", path) }
        if !created, info.st_nlink > 1 {
            // Hard-linked elsewhere (a snapshot made with `cp -al`): a new file, not a rewrite.
            close(descriptor)
            unlinkat(folder, name, 0)
            descriptor = openat(folder, name, flags | O_CREAT | O_EXCL, 0o644)
            guard descriptor >= 0 else { throw FileSystemError("create", path) }
            created = true
        }
        defer { close(descriptor) }
        // A file this call made is empty and has no other name: it is only to be filled.
        if !created {
            // A file that holds these bytes already is left as it is: reading it costs less
            // than emptying and filling it, which ext4 does block by block, in its journal.
            if info.st_size == bytes.count, holds(bytes, descriptor) { return Manifest.DiskStamp(info) }
            guard ftruncate(descriptor, 0) == 0 else { throw FileSystemError("write", path) }
        }
        try write(bytes, to: descriptor, path: path)
        guard fstat(descriptor, &info) == 0 else { throw FileSystemError("inspect", path) }
        return Manifest.DiskStamp(info)
    }

    /// Whether the open file `descriptor`, of `bytes.count` bytes, holds `bytes`.
    private static func holds(_ bytes: [UInt8], _ descriptor: Int32) -> Bool {
        guard !bytes.isEmpty else { return true }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { held in
            var filled = 0
            while filled < bytes.count {
                let count = pread(descriptor, held.baseAddress! + filled, bytes.count - filled, off_t(filled))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                filled += count
            }
            return bytes.withUnsafeBytes { memcmp($0.baseAddress!, held.baseAddress!, bytes.count) == 0 }
        }
    }

    /// Writes `bytes` to a new file at `path`, which must not be a link.
    static func write(_ bytes: [UInt8], to path: String) throws(FileSystemError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileSystemError("create", path) }
        defer { close(descriptor) }
        try write(bytes, to: descriptor, path: path)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(FileSystemError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw FileSystemError("write", path)
            }
            written += result
        }
    }

    /// Makes the folder at `path` and any missing parents, like `mkdir -p`; returns the
    /// folders it made, outermost first.
    @discardableResult
    static func makeFolders(_ path: String) throws(FileSystemError) -> [String] {
        if fileType(path) != nil { return [] }
        let above = (path as NSString).deletingLastPathComponent
        var made = !above.isEmpty && above != path ? try makeFolders(above) : []
        guard mkdir(path, 0o755) == 0 else {
            if errno == EEXIST { return made }
            throw FileSystemError("create", path)
        }
        made.append(path)
        return made
    }

    /// Retired folders left by builds that were killed midway: only names cxsite makes, and
    /// only folders that hold cxsite's marker (a folder of the user's own that happens to
    /// have such a name stays).
    private func removeLeftovers() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(scratchPrefix + "retired-") && name.dropFirst(scratchPrefix.count + 8).allSatisfy(\.isNumber) {
            let path = parent + "/" + name
            if Self.fileType(path) == S_IFDIR, Self.hasMarker(path) { Self.removeTree(path) }
        }
    }

    /// The bytes of a file cxsite wrote (a cache file, a manifest): nil unless it is a regular
    /// file, not a link, of at most `limit` bytes. Opening never waits on a pipe.
    static func readOwnFile(_ path: String, limit: Int = 1 << 30) -> [UInt8]? {
        readOwnFile(named: path, in: AT_FDCWD, limit: limit)
    }

    /// ``readOwnFile(_:limit:)`` for the file `name` of the open folder `folder`.
    static func readOwnFile(named name: String, in folder: Int32, limit: Int = 1 << 30) -> [UInt8]? {
        let descriptor = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var count = 0
        while count < bytes.count {
            let result = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { return nil }
            count += result
        }
        return bytes
    }

    /// The file URL for an output path, refusing anything that would land outside `folder`:
    /// absolute paths, `..` segments, empty segments and NUL bytes.
    static func safeURL(for path: String, in folder: URL) throws -> URL {
        URL(fileURLWithPath: try safePath(for: path, in: folder.path))
    }

    /// ``safeURL(for:in:)`` for file-system paths.
    static func safePath(for path: String, in folder: String) throws -> String {
        guard isSafe(path) else { throw UnsafeOutputPath(path: path) }
        return folder + "/" + path
    }

    /// Whether `path` is names parted by slashes: not empty, not absolute, no empty, `.` or
    /// `..` name, no NUL byte. One pass over its bytes: every page's path is checked.
    private static func isSafe(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            guard !bytes.isEmpty else { return false }
            var nameStart = 0
            for index in 0...bytes.count {
                let byte = index < bytes.count ? bytes[index] : UInt8(ascii: "/")
                if byte == 0 { return false }
                guard byte == UInt8(ascii: "/") else { continue }
                let length = index - nameStart
                if length == 0 || (length <= 2 && bytes[nameStart..<index].allSatisfy { $0 == UInt8(ascii: ".") }) { return false }
                nameStart = index + 1
            }
            return true
        }
    }
}

/// An exclusive `flock` on the output's parent folder, held while a build writes, so two
/// builds of one output take turns instead of writing the same spare. No file is made for it.
final class ParentLock {
    private let descriptor: Int32

    init(_ folder: String, waiting: () -> Void) throws {
        descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("open", folder) }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                let failure = FileSystemError("lock", folder)
                close(descriptor)
                throw failure
            }
            waiting()
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else {
                    let failure = FileSystemError("lock", folder)
                    close(descriptor)
                    throw failure
                }
            }
        }
    }

    deinit {
        close(descriptor)  // releases the lock
    }
}

/// The files of the spare folder as its manifest records them.
struct SpareHoldings: Sendable {
    let folder: String
    let manifest: Manifest

    /// True when the spare's file at `path` has bytes hashing to `hash`, untouched since.
    /// Checked with `lstat` on the whole path, as the writer's stamps are taken with `fstat`:
    /// an `fstatat` in an open folder walks less of the path, but `faketime`, which CI runs
    /// the tests under, fakes the times `stat` and `fstat` give and not those of `fstatat`,
    /// so no page was ever kept there.
    func holds(_ path: String, hash: UInt64) -> Bool {
        guard let entry = manifest.entries[path], entry.hash == hash,
            let target = try? OutputFolder.safePath(for: path, in: folder)
        else { return false }
        return entry.matchesDisk(at: target)
    }
}

/// A file of the output to copy into the spare: from and to open folders, by name.
private struct CopyJob: Sendable {
    let from: Int32
    let to: Int32
    let name: String
    /// Where the copy goes on disk, for messages, and its path in the site.
    let path: String
    let relative: String
}

private struct WriteJob: Sendable {
    let bytes: [UInt8]
    /// The open folder the file goes in, and its name there.
    let folder: Int32
    let name: String
    /// Where the file goes on disk, for messages, and its path in the site.
    let path: String
    let relative: String
    let hash: UInt64
}

/// An output path that would escape the output folder.
struct UnsafeOutputPath: Error, CustomStringConvertible {
    let path: String
    var description: String { "refusing to write '\(path)': it would land outside the output folder" }
}

/// An output that cxsite may not replace, found once the output was locked.
struct OutputRefused: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
