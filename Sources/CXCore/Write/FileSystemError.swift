#if canImport(Glibc)
    import Glibc
#endif

/// A failed file-system call, with the path it was about and the system's reason
/// (`cannot create /site/public/x.html: File name too long`).
struct FileSystemError: Error, CustomStringConvertible {
    /// What was being done: "create", "write", "read", "remove"…
    let operation: String
    let path: String
    let code: Int32

    /// The error of the last failed call (`errno`).
    init(_ operation: String, _ path: String, code: Int32 = errno) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}

extension UnsafeMutablePointer<dirent> {
    /// The file name of a directory entry from `readdir`.
    var name: String {
        withUnsafeBytes(of: pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
