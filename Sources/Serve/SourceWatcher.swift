import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for the site's sources (`cxsite.yaml`, `content/`, `templates/`) to change. On Linux
/// the kernel says when (inotify), so a save is seen at once and an idle preview costs nothing;
/// where inotify cannot be had (no more watches), the folders are polled instead.
final class SourceWatcher: @unchecked Sendable {  // used by one thread at a time
    /// What a change of is a change of the site: the config, and the folders a build reads.
    static let sources = ["cxsite.yaml", "content", "templates", "static"]
    static let sourceFolders = sources.filter { $0 != "cxsite.yaml" }

    private let root: URL
    private var inotify: Int32 = -1
    /// Watched folders by watch descriptor, relative to the root.
    private var folders: [Int32: String] = [:]
    private var polled: SourceFingerprint?
    /// False once the kernel refused a watch: the watcher then polls.
    private var watching = true

    /// How long (in milliseconds) the sources must be still before a change counts, once
    /// `events` have come. An editor's save is a few events (a write and a close, or a backup
    /// and a rename): its page is built after a short pause. A burst of more (a `git checkout`)
    /// waits for a longer stillness, so that it makes one build, not one per file.
    static func quietPeriod(afterEvents events: Int) -> Int32 { events <= eventsOfOneSave ? 10 : 40 }

    /// The most events taken for one file's save: an editor writes in place (a write and a
    /// close), or through a backup and a rename (a few more).
    static let eventsOfOneSave = 8

    init(root: URL) {
        self.root = root
        inotify = inotify_init1(Int32(IN_CLOEXEC))
        if inotify < 0 || !watch("") {
            if inotify >= 0 { close(inotify) }
            inotify = -1
            polled = SourceFingerprint(of: root)
        }
    }

    deinit {
        if inotify >= 0 { close(inotify) }
    }

    /// Blocks until something under the sources changed and has then been still for a moment.
    /// Returns how many events the change was made of, or nil when the folders were polled.
    @discardableResult
    func waitForChange() -> Int? {
        guard inotify >= 0 else {
            poll()
            return nil
        }
        defer {
            // Watches refused on the way (the kernel's limit): from now on, poll instead.
            if !watching {
                close(inotify)
                inotify = -1
                polled = SourceFingerprint(of: root)
            }
        }
        var events = 0
        while events == 0 { events = drain(timeout: -1) }
        while true {  // until nothing more comes for a moment
            let more = drain(timeout: Self.quietPeriod(afterEvents: events))
            guard more > 0 else { return events }
            events += more
        }
    }

    /// Reads the events that come within `timeout` ms (-1: wait for the first); returns how
    /// many touched the sources. New folders are watched as they appear.
    private func drain(timeout: Int32) -> Int {
        var descriptor = pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&descriptor, 1, timeout) > 0 else { return 0 }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = read(inotify, &buffer, buffer.count)
        guard count > 0 else { return 0 }
        var relevant = 0
        var offset = 0
        while offset + MemoryLayout<inotify_event>.size <= count {
            let (event, name) = buffer.withUnsafeBytes { raw -> (inotify_event, String) in
                let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                let start = offset + MemoryLayout<inotify_event>.size
                let bytes = raw[start..<min(start + Int(event.len), count)].prefix { $0 != 0 }
                return (event, String(decoding: bytes, as: UTF8.self))
            }
            offset += MemoryLayout<inotify_event>.size + Int(event.len)
            if event.mask & UInt32(IN_Q_OVERFLOW) != 0 {
                // Events were lost, folders made meanwhile among them: watch the tree again
                // (watching a folder twice is harmless).
                watching = watching && watch("")
                relevant += Self.eventsOfOneSave + 1  // lost events: a burst
                continue
            }
            if event.mask & UInt32(IN_IGNORED) != 0 {  // the folder is gone, or moved away
                folders[event.wd] = nil
                continue
            }
            guard let folder = folders[event.wd] else { continue }
            let relative = folder.isEmpty ? name : folder + "/" + name
            if folder.isEmpty, !Self.sources.contains(name) { continue }  // the output, the cache
            if event.mask & UInt32(IN_ISDIR) != 0 {
                if event.mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { watching = watching && watch(relative) }
                if event.mask & UInt32(IN_MOVED_FROM) != 0, let moved = folders.first(where: { $0.value == relative })?.key {
                    inotify_rm_watch(inotify, moved)  // its IN_IGNORED drops it from `folders`
                }
            }
            relevant += 1
        }
        return relevant
    }

    /// Watches `relative` (the root: only its `content/` and `templates/`) and the folders
    /// below it; false when the kernel refuses.
    private func watch(_ relative: String) -> Bool {
        let path = relative.isEmpty ? root.path : root.path + "/" + relative
        let mask = UInt32(
            IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB
                | IN_DELETE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
        let descriptor = inotify_add_watch(inotify, path, mask)
        guard descriptor >= 0 else { return errno == ENOENT || errno == ENOTDIR }
        folders[descriptor] = relative
        let children =
            relative.isEmpty
            ? Self.sourceFolders
            : ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
        for child in children {
            let childRelative = relative.isEmpty ? child : relative + "/" + child
            var info = stat()
            guard lstat(root.path + "/" + childRelative, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
            guard watch(childRelative) else { return false }
        }
        return true
    }

    /// Without inotify: polls four times a second, then waits until nothing changes for 150 ms.
    private func poll() {
        var seen = polled ?? SourceFingerprint(of: root)
        while true {
            Thread.sleep(forTimeInterval: 0.25)
            var now = SourceFingerprint(of: root)
            guard now != seen else { continue }
            repeat {
                seen = now
                Thread.sleep(forTimeInterval: 0.15)
                now = SourceFingerprint(of: root)
            } while now != seen
            polled = now
            return
        }
    }
}
