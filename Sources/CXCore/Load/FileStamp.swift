#if canImport(Glibc)
    import Glibc
#endif

/// What a file's metadata says of it — size, modification and change times to the
/// nanosecond, inode — as git's index keeps it: a file whose stamp is as it was has not been
/// written since, so what was made of it can be reused without reading it.
struct FileStamp: Codable, Equatable, Sendable {
    let size: Int
    let modified: Int
    let changed: Int
    let inode: UInt64

    init(_ info: stat) {
        size = Int(info.st_size)
        modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        changed = Int(info.st_ctim.tv_sec) * 1_000_000_000 + Int(info.st_ctim.tv_nsec)
        inode = UInt64(info.st_ino)
    }

    /// The stamp of the regular file at `path`, not following a link; nil for anything else.
    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        self.init(info)
    }

    /// The stamp of the file at `path`, following links.
    init?(followingLinksAt path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// This stamp, when it can vouch for the file's content: a file written within two seconds
    /// of `now` (the clock's instant, nanoseconds since 1970) could be written again within the same tick of the
    /// file system's clock, keeping its stamp with other content — git's "racy clean" case.
    /// Such a file is read and hashed next time instead.
    func settled(at now: Int) -> FileStamp? {
        let margin = 2_000_000_000
        return modified < now - margin && changed < now - margin ? self : nil
    }
}
