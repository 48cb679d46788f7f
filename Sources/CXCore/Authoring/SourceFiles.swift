import Diagnostics
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Writes new source files for `init` and `new`; never overwrites one.
public enum SourceFiles {
    /// Creates every file under `folder`, or none: when any of them exists already (even as a
    /// link that points nowhere), or a file stands where a folder goes, throws a
    /// ``DiagnosticList`` naming each and writes nothing; when writing fails midway, what was
    /// written is removed again. Returns the paths written.
    @discardableResult
    public static func create(_ files: [(path: String, text: String)], in folder: URL) throws -> [String] {
        var problems: [Diagnostic] = []
        let site = SiteFolder(folder)
        for file in files {
            let url = try OutputFolder.safeURL(for: file.path, in: folder)
            if OutputFolder.fileType(url.path) != nil {
                problems.append(Diagnostic(.error, "refusing to overwrite an existing file", at: .file(url.path)))
            }
            // Nothing is written through a folder link, as nothing is read through one.
            let parent = (file.path as NSString).deletingLastPathComponent
            if let problem = site.folderProblem(parent) ?? notAFolderProblem(parent, in: folder.path), !problems.contains(problem) {
                problems.append(problem)
            }
        }
        guard problems.isEmpty else { throw DiagnosticList(problems) }
        var made = Made()
        do {
            for file in files {
                let path = try OutputFolder.safeURL(for: file.path, in: folder).path
                made.folders += try OutputFolder.makeFolders((path as NSString).deletingLastPathComponent)
                // O_EXCL: a file or link that appeared since the check above is never written through.
                let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { throw FileSystemError("create", path) }
                close(descriptor)
                made.files.append(path)
                try OutputFolder.write(Array(file.text.utf8), to: path)
            }
        } catch let failure as FileSystemError {
            made.undo()
            throw DiagnosticList([Diagnostic(.error, failure.description)])
        }
        return made.files
    }

    /// An error when something other than a folder stands on the way to the folder `relative`.
    private static func notAFolderProblem(_ relative: String, in root: String) -> Diagnostic? {
        var path = root
        for component in relative.split(separator: "/") {
            path += "/" + component
            guard let type = OutputFolder.fileType(path) else { return nil }
            if type != S_IFDIR {
                return Diagnostic(.error, "refusing to replace a file with a folder", at: .file(path))
            }
        }
        return nil
    }

    /// The files and folders one `create` made, to be removed again if it cannot finish.
    private struct Made {
        var files: [String] = []
        var folders: [String] = []

        func undo() {
            for file in files.reversed() { unlink(file) }
            for folder in folders.reversed() { rmdir(folder) }
        }
    }
}
