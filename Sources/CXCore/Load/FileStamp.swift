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
}
