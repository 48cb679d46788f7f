import Diagnostics
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes new source files for `init` and `new`; never overwrites one.
public enum SourceFiles {
    /// Creates every file under `folder`, or none: when any of them exists already, throws a
    /// ``DiagnosticList`` naming each and writes nothing. Returns the paths written.
    @discardableResult
    public static func create(_ files: [(path: String, text: String)], in folder: URL) throws -> [String] {
        let fileManager = FileManager.default
        var existing: [Diagnostic] = []
        let site = SiteFolder(folder)
        for file in files {
            let url = try OutputFolder.safeURL(for: file.path, in: folder)
            if fileManager.fileExists(atPath: url.path) {
                existing.append(Diagnostic(.error, "refusing to overwrite an existing file", at: .file(url.path)))
            }
            // Nothing is written through a folder link, as nothing is read through one.
            if let problem = site.folderProblem((file.path as NSString).deletingLastPathComponent), !existing.contains(problem) {
                existing.append(problem)
            }
        }
        guard existing.isEmpty else { throw DiagnosticList(existing) }
        var written: [String] = []
        do {
            for file in files {
                let path = try OutputFolder.safeURL(for: file.path, in: folder).path
                try OutputFolder.makeFolders((path as NSString).deletingLastPathComponent)
                // O_EXCL: a file or link that appeared since the check above is never written through.
                let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { throw FileSystemError("create", path) }
                close(descriptor)
                try OutputFolder.write(Array(file.text.utf8), to: path)
                written.append(path)
            }
        } catch let failure as FileSystemError {
            throw DiagnosticList([Diagnostic(.error, failure.description)])
        }
        return written
    }
}
