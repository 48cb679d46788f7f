#if canImport(Glibc)
    import Glibc
#endif

/// The folders below one root, each opened from its parent's descriptor with `O_NOFOLLOW`,
/// so that nothing is ever reached through a link, even one swapped in while cxsite works.
final class FolderTree {
    let root: String
    /// Open folders by path below the root ("" is the root itself).
    private var open: [String: Int32] = [:]

    init(_ root: String) throws {
        self.root = root
        let descriptor = Glibc.open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileSystemError("open", root) }
        open[""] = descriptor
    }

    deinit {
        close()
    }

    /// Closes every folder; the tree is not used after this.
    func close() {
        for descriptor in open.values { Glibc.close(descriptor) }
        open = [:]
    }

    /// The open folder `relative`. With `making`, a missing one is made, and a link or a file
    /// where it belongs is removed (never followed) first; without, nil when it is not a
    /// folder now.
    func folder(_ relative: String, making: Bool) throws -> Int32? {
        if let descriptor = open[relative] { return descriptor }
        let (parentPath, name) = Self.split(relative)
        guard let parent = try folder(parentPath, making: making) else { return nil }
        var descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if descriptor < 0 {
            guard making else { return nil }
            let path = root + "/" + relative
            if errno != ENOENT { OutputFolder.removeEntry(name, in: parent) }
            guard mkdirat(parent, name, 0o755) == 0 else { throw FileSystemError("create", path) }
            descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { throw FileSystemError("open", path) }
        }
        open[relative] = descriptor
        return descriptor
    }

    /// Deletes the files at `paths`, then every folder they leave empty, deepest first (a
    /// clean build would not make them). A folder that is gone, or is a file now, is left
    /// alone.
    func remove(_ paths: some Sequence<String>) {
        var emptied: Set<String> = []
        for path in paths {
            let (parent, name) = Self.split(path)
            if let folder = try? folder(parent, making: false) { unlinkat(folder, name, 0) }
            var above = parent[...]
            while !above.isEmpty {
                emptied.insert(String(above))
                above = above.lastIndex(of: "/").map { above[..<$0] } ?? ""
            }
        }
        for relative in emptied.sorted(by: { $0.count > $1.count }) {
            let (parentPath, name) = Self.split(relative)
            if let parent = try? folder(parentPath, making: false) {
                if let descriptor = open.removeValue(forKey: relative) { Glibc.close(descriptor) }
                unlinkat(parent, name, AT_REMOVEDIR)
            }
        }
    }

    /// The folder part of a path below the root ("" for the root) and its last name.
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[..<slash]), String(path[path.index(after: slash)...]))
    }
}
