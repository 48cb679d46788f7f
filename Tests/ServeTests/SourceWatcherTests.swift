import Foundation
import Testing

@testable import Serve

/// A save is built after a short pause, a burst of changes after a longer one, so that a
/// `git checkout` makes one build.
struct SourceWatcherTests {
    @Test(
        arguments: [
            (1, 10), (3, 10), (SourceWatcher.eventsOfOneSave, 10), (SourceWatcher.eventsOfOneSave + 1, 40), (600, 40),
        ] as [(Int, Int32)])
    func aSaveWaitsLessThanABurst(events: Int, milliseconds: Int32) {
        #expect(SourceWatcher.quietPeriod(afterEvents: events) == milliseconds)
    }

    /// Ways of changing the sources, made before the watcher waits (their events are queued
    /// by then, so what it counts does not depend on timing), and whether they are one save.
    @Test(arguments: [
        ("written in place", false),
        ("saved as vim does: a backup, a new file, its mode, the backup deleted", false),
        ("twenty stories checked out", true),
    ])
    func oneSaveIsAFewEventsAndACheckoutIsABurst(change: String, isBurst: Bool) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-watch-\(UUID().uuidString)")
        let stories = root.appendingPathComponent("content/stories")
        try FileManager.default.createDirectory(at: stories, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let story = stories.appendingPathComponent("a.md")
        try Data("---\ntitle: A\n---\n".utf8).write(to: story)
        let watcher = SourceWatcher(root: root)
        switch change {
        case "written in place":
            try Data("---\ntitle: B\n---\n".utf8).write(to: story)
        case let vim where vim.hasPrefix("saved as vim"):
            let backup = stories.appendingPathComponent("a.md~")
            try FileManager.default.moveItem(at: story, to: backup)
            try Data("---\ntitle: B\n---\n".utf8).write(to: story)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: story.path)
            try FileManager.default.removeItem(at: backup)
        default:
            for number in 0..<20 {
                try Data("---\ntitle: \(number)\n---\n".utf8).write(to: stories.appendingPathComponent("s\(number).md"))
            }
        }
        let events = try #require(watcher.waitForChange(), "inotify is there on Linux")
        #expect(events > 0)
        #expect((events > SourceWatcher.eventsOfOneSave) == isBurst, "\(events) events")
    }
}
