import Diagnostics
import Spreadsheet

/// An `.xlsx` file of snapshots or tallies, read whole by the load stage.
struct WorkbookFile: Sendable {
    let path: String
    let bytes: [UInt8]

    /// The workbook and the sheet the site reads of it.
    func open(config: SiteConfig) -> Result<(Workbook, Workbook.Sheet), Diagnostic> {
        Self.open(bytes, path: path, config: config)
    }

    /// The workbook in `bytes` and its sheet the site reads: the one `cxsite.yaml` names for
    /// `path` under `sheets`, or else the first that is not hidden.
    static func open(_ bytes: [UInt8], path: String, config: SiteConfig) -> Result<(Workbook, Workbook.Sheet), Diagnostic> {
        let workbook: Workbook
        do {
            workbook = try Workbook(bytes: bytes)
        } catch {
            return .failure(Diagnostic(.error, error.message, at: .file(path)))
        }
        let names = workbook.sheets.map { "'\($0.name)'" }.joined(separator: ", ")
        if let named = config.sheets[path], let name = named.name {
            guard let sheet = workbook.sheet(named: name) else {
                return .failure(Diagnostic(.error, "\(path) has no sheet '\(name)': its sheets are \(names)", at: named.location))
            }
            return .success((workbook, sheet))
        }
        guard let sheet = workbook.firstVisibleSheet else {
            return .failure(
                Diagnostic(
                    .error, "the workbook has no sheet that is not hidden: show the sheet to read, or name it under 'sheets' in cxsite.yaml",
                    at: .file(path)))
        }
        return .success((workbook, sheet))
    }

    /// Whether `path` names a workbook: `.xlsx`, or `.xlsm`, the same with macros (which are
    /// never run: only cells are read).
    static func isWorkbook(_ path: String) -> Bool {
        ["xlsx", "xlsm"].contains(StaticFiles.fileType(of: path))
    }

    /// The most an `.xlsx` file of snapshots or tallies may hold: it is read whole.
    static let tableLimit = 32 << 20
    /// The most an `.xlsx` file of responses may hold, read whole (its sheet is then read a
    /// row at a time): larger exports are better saved as CSV, which is streamed.
    static let responsesLimit = 512 << 20
}
