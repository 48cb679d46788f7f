import Diagnostics
import Foundation

/// Writes new source files for `init` and `new`; never overwrites one.
public enum SourceFiles {
    /// Creates every file under `folder`, or none: when any of them exists already, throws a
    /// ``DiagnosticList`` naming each and writes nothing. Returns the paths written.
    @discardableResult
    public static func create(_ files: [(path: String, text: String)], in folder: URL) throws -> [String] {
        let fileManager = FileManager.default
        var existing: [Diagnostic] = []
        for file in files {
            let url = try OutputFolder.safeURL(for: file.path, in: folder)
            if fileManager.fileExists(atPath: url.path) {
                existing.append(Diagnostic(.error, "refusing to overwrite an existing file", at: .file(url.path)))
            }
        }
        guard existing.isEmpty else { throw DiagnosticList(existing) }
        var written: [String] = []
        for file in files {
            let url = try OutputFolder.safeURL(for: file.path, in: folder)
            try fileManager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: url, options: .withoutOverwriting)
            written.append(url.path)
        }
        return written
    }
}
