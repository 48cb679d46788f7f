import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Text the build cache holds in a file's text region, read when asked for: the file, open
/// since the cache was read (a newer cache renamed over it does not change what it reads),
/// where the text is, and the hash its bytes must have.
struct CachedText: Sendable {
    /// A cache file open for reading texts; closed when no text needs it.
    final class File: Sendable {
        let descriptor: Int32
        /// Raised when a text could not be read: the build is then done again without the cache.
        let failed = Flag()

        init(descriptor: Int32) {
            self.descriptor = descriptor
        }

        deinit { close(descriptor) }

        /// The `count` bytes at `offset`; nil when the file ends before them or cannot be read.
        func bytes(_ count: Int, at offset: Int) -> [UInt8]? {
            let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
                filled = 0
                while filled < count {
                    let result = pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset + filled))
                    if result < 0, errno == EINTR { continue }
                    guard result > 0 else { return }
                    filled += result
                }
            }
            return bytes.count == count ? bytes : nil
        }
    }

    /// The file no longer holds the text as the cache recorded it.
    struct Unreadable: Error, CustomStringConvertible {
        var description: String { "the build cache changed while it was read" }
    }

    let file: File
    /// The text's first byte in the file, and its length in bytes.
    let offset: Int
    let length: Int
    let hash: UInt64

    func read() throws -> String {
        guard let bytes = file.bytes(length, at: offset), StableHasher.hash(bytes) == hash,
            let text = String(validating: bytes, as: UTF8.self)
        else {
            file.failed.set()
            throw Unreadable()
        }
        return text
    }
}
