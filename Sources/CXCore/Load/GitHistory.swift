import ChildProcess
import Foundation

/// When each content file last changed, and who changed it, from one `git log` over the site
/// folder. Empty when the folder is not in a git repository or git is not installed.
struct GitHistory: Sendable {
    struct Change: Sendable, Equatable {
        var date: Day
        var author: String
    }

    /// By path relative to the site folder.
    private(set) var changes: [String: Change] = [:]

    init() {}

    /// Reads the history of `folder` (the site), newest commit first.
    init(folder: URL) {
        guard
            let log = try? ChildProcess.run(
                "git",
                [
                    "-C", folder.path, "log", "--relative", "--no-renames", "--name-only",
                    "--format=%x1e%cs%x1f%an", "--", "content",
                ]),
            log.termination == .exited(0)
        else { return }
        for record in String(decoding: log.standardOutput, as: UTF8.self).split(separator: "\u{1E}") {
            var lines = record.split(separator: "\n")
            guard let header = lines.first else { continue }
            lines.removeFirst()
            let fields = header.split(separator: "\u{1F}", maxSplits: 1)
            guard fields.count == 2, case .success(let date) = Day.parse(String(fields[0])) else { continue }
            for path in lines where changes[String(path)] == nil {
                changes[String(path)] = Change(date: date, author: String(fields[1]))
            }
        }
    }

    func lastChange(of path: String) -> Change? { changes[path] }
}
