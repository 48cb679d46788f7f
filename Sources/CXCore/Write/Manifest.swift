import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What an output folder holds: each file's content hash, and its size and modification
/// time when written, so a file changed on disk since is noticed. Stored in the build cache,
/// named by the folder's inode, so it follows the folder through atomic exchanges.
struct Manifest {
    struct DiskStamp: Equatable {
        var size: Int
        var modified: Int

        init?(path: String) {
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            size = Int(info.st_size)
            modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        }

        init(_ info: stat) {
            size = Int(info.st_size)
            modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        }

        init(size: Int, modified: Int) {
            self.size = size
            self.modified = modified
        }
    }

    struct Entry {
        var hash: UInt64
        var disk: DiskStamp?

        func matchesDisk(at path: String) -> Bool {
            disk != nil && DiskStamp(path: path) == disk
        }
    }

    var entries: [String: Entry] = [:]

    /// The hash a file's bytes are compared by.
    static func hash(_ bytes: [UInt8]) -> UInt64 { StableHasher.hash(bytes) }

    private static func inode(of folder: String) -> UInt64? {
        var info = stat()
        guard lstat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
        return UInt64(info.st_ino)
    }

    private static func path(for folder: String, beside prefix: String) -> String? {
        inode(of: folder).map { prefix + String($0) }
    }

    /// The manifest of `folder`, or nil when there is none or it does not parse.
    static func read(for folder: String, beside prefix: String) -> Manifest? {
        guard let path = path(for: folder, beside: prefix), let bytes = OutputFolder.readOwnFile(path),
            let text = String(validating: bytes, as: UTF8.self), text.hasPrefix("cxsite-manifest 2\n")
        else { return nil }
        var manifest = Manifest()
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, let hash = UInt64(fields[0], radix: 16), let size = Int(fields[1]),
                let modified = Int(fields[2])
            else { return nil }
            manifest.entries[String(fields[3])] = Entry(hash: hash, disk: DiskStamp(size: size, modified: modified))
        }
        return manifest
    }

    func write(for folder: String, beside prefix: String) throws {
        guard let path = Self.path(for: folder, beside: prefix) else { return }
        var text = "cxsite-manifest 2\n"
        for (file, entry) in entries.sorted(by: { $0.key < $1.key }) {
            guard let disk = entry.disk else { continue }
            text += String(entry.hash, radix: 16) + "\t\(disk.size)\t\(disk.modified)\t\(file)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func remove(for folder: String, beside prefix: String) {
        if let path = path(for: folder, beside: prefix) { unlink(path) }
    }

    /// Deletes manifests of folders that are gone.
    static func removeStale(beside prefix: String, keeping folders: [String]) {
        let keep = Set(folders.compactMap { path(for: $0, beside: prefix) })
        let directory = (prefix as NSString).deletingLastPathComponent
        let name = (prefix as NSString).lastPathComponent
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasPrefix(name) {
            let path = directory + "/" + file
            if !keep.contains(path) { unlink(path) }
        }
    }
}
