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
            String(validating: bytes, as: UTF8.self) != nil
        else { return nil }
        return parse(bytes)
    }

    /// The manifest in `bytes`, a line per file; nil when a line is not `hash size modified
    /// path` parted by tabs. Read as bytes: splitting ten thousand lines as `String`s, by
    /// characters, took most of a one-page rebuild's reading of the output.
    static func parse(_ bytes: [UInt8]) -> Manifest? {
        let header = Array(Self.header.utf8)
        guard bytes.starts(with: header) else { return nil }
        var manifest = Manifest()
        manifest.entries.reserveCapacity(bytes.count / 48)  // a line is 50 to 90 bytes
        var lineStart = header.count
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            guard lineEnd > lineStart else { continue }
            // Where the first three fields end: the path, the fourth, may hold tabs.
            var tabs = (0, 0, 0)
            var found = 0
            for index in lineStart..<lineEnd where bytes[index] == 0x09 {
                switch found {
                case 0: tabs.0 = index
                case 1: tabs.1 = index
                default: tabs.2 = index
                }
                found += 1
                if found == 3 { break }
            }
            guard found == 3, let hash = number(bytes[lineStart..<tabs.0], radix: 16),
                let size = number(bytes[(tabs.0 + 1)..<tabs.1], radix: 10, signed: true),
                let modified = number(bytes[(tabs.1 + 1)..<tabs.2], radix: 10, signed: true)
            else { return nil }
            manifest.entries[String(decoding: bytes[(tabs.2 + 1)..<lineEnd], as: UTF8.self)] = Entry(
                hash: hash, disk: DiskStamp(size: Int(truncatingIfNeeded: size), modified: Int(truncatingIfNeeded: modified)))
        }
        return manifest
    }

    /// The number `digits` writes in `radix`, as `UInt64(_:radix:)` reads it (a leading minus
    /// when `signed`, its two's complement bits returned); nil when empty, not digits or too large.
    private static func number(_ digits: ArraySlice<UInt8>, radix: UInt64, signed: Bool = false) -> UInt64? {
        var digits = digits
        let negative = signed && digits.first == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            let (times, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = times.addingReportingOverflow(digit)
            guard !overflow, !carry else { return nil }
            value = sum
        }
        if negative {
            guard value <= UInt64(Int64.max) + 1 else { return nil }
            return 0 &- value
        }
        return signed && value > UInt64(Int64.max) ? nil : value
    }

    /// Writes the file listing `paths`: this manifest's ``paths``, or those of one that
    /// holds the same files (sorting ten thousand paths once serves the output and its mirror).
    func write(for folder: String, beside prefix: String, listing paths: [String]) throws {
        guard let path = Self.path(for: folder, beside: prefix) else { return }
        try Data(bytes(listing: paths)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The paths of the files on disk, in the order the file lists them.
    var paths: [String] {
        entries.compactMap { $0.value.disk == nil ? nil : $0.key }.sorted()
    }

    /// The manifest as its file holds it: the files on disk, in path order.
    var bytes: [UInt8] { bytes(listing: paths) }

    /// The file's bytes, a line for each of `paths` that is on disk. Written as bytes: ten
    /// thousand lines of string interpolation were a twentieth of a one-page rebuild.
    private func bytes(listing paths: [String]) -> [UInt8] {
        var bytes = Array(Self.header.utf8)
        bytes.reserveCapacity(bytes.count + paths.count * 64)
        for path in paths {
            guard let entry = entries[path], let disk = entry.disk else { continue }
            Self.appendHexadecimal(entry.hash, to: &bytes)
            bytes.append(0x09)
            Self.append(disk.size, to: &bytes)
            bytes.append(0x09)
            Self.append(disk.modified, to: &bytes)
            bytes.append(0x09)
            bytes.append(contentsOf: path.utf8)
            bytes.append(0x0A)
        }
        return bytes
    }

    private static let header = "cxsite-manifest 2\n"

    /// `value`'s digits, as `String(value, radix: 16)` writes them: by shifts, not by
    /// dividing (a division by a radix known only at run time took a tenth of a microsecond a
    /// digit).
    private static func appendHexadecimal(_ value: UInt64, to bytes: inout [UInt8]) {
        let digits = max(1, (64 - value.leadingZeroBitCount + 3) / 4)
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            let digit = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
            bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
        }
    }

    /// `value`'s digits, as `String(value)` writes them.
    private static func append(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var rest = UInt64(value.magnitude)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 20 digits at most, last first
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
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
