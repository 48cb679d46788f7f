import Diagnostics
import Foundation
import Spreadsheet
import Yams

/// Snapshot and tally files, as CSV, workbook sheets, JSON or YAML: rows of named cells,
/// with every bad row a located error, at most `shownSnapshotErrors` a file.
extension ContentValidator {
    /// Makes a row of a table from its cells, in its file, at its line.
    typealias RowReader<Row> = (inout ContentValidator, Cells, SourceFile, Int) -> Row?

    /// A finite number of a sensible size (snapshot values and targets).
    static func number(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite, abs(value) < 1e15 else { return nil }
        return value
    }

    /// The most errors shown for one snapshot or tally file; past them, one line says how many more.
    static let shownSnapshotErrors = 20

    /// A row of a snapshot or tally file: each named field's text and where it stands.
    typealias Cells = [String: (text: String, line: Int, column: Int)]

    /// A kind of table file: what its rows are called, the columns every row needs, and the
    /// key a JSON or YAML document may list its rows under.
    struct TableKind {
        let rows: String
        let required: [String]
        let listKey: String

        static let snapshots = TableKind(rows: "snapshot", required: ["period", "metric", "value"], listKey: "snapshots")
        static let tallies = TableKind(rows: "tally", required: ["period", "metric", "n"], listKey: "tallies")
    }

    /// An error for each workbook `sheets` names that the site does not have.
    mutating func reportUnknownWorkbooks(named sheets: [String: NamedSheet], among sources: SiteSources) {
        let present = Set((sources.metricWorkbooks + sources.tallyWorkbooks).map(\.path) + sources.responses)
        for (path, named) in sheets.sorted(by: { $0.key < $1.key }) where !present.contains(path) {
            report(Diagnostic(.error, "'sheets' names \(path), which the site does not have", at: named.fileLocation))
        }
    }

    /// The rows of a snapshot or tally file (CSV, or JSON or YAML), each made by `row` from its
    /// fields and the line it starts on as the file is read; at most ``shownSnapshotErrors``
    /// errors, and then a line saying the rest was not checked.
    mutating func table<Row>(
        from file: SourceFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> [Row] {
        snapshotErrorsBefore = diagnostics.count
        let type = StaticFiles.fileType(of: file.path)
        let rows = type == "csv" || type == "tsv" ? csvTable(from: file, kind, row) : documentTable(from: file, kind, row)
        let found = diagnostics.count - snapshotErrorsBefore
        if found > Self.shownSnapshotErrors {
            diagnostics.removeLast(found - Self.shownSnapshotErrors)
            report(Diagnostic(.error, "the rest of this file was not checked: fix these errors first", at: .file(file.path)))
        }
        return rows
    }

    /// True once the table file being read has given more errors than are shown: the rest
    /// of it is not read, so a file of bad rows costs no more than a few.
    private var snapshotErrorsFull: Bool { diagnostics.count - snapshotErrorsBefore > Self.shownSnapshotErrors }

    mutating func csvTable<Row>(
        from file: SourceFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> [Row] {
        var reader = CSVReader(Array(file.text.utf8), delimiter: CSVReader.delimiter(of: file.path))
        var table = TableReading<Row>()
        while !snapshotErrorsFull {
            do {
                guard try reader.next() else { break }
            } catch {
                diagnostics.append(file.diagnostic(error.message, line: error.line, column: error.column))
                reader.skipLine()
                continue
            }
            take(reader.record, into: &table, from: file, kind, row)
        }
        return finish(table, of: file, kind)
    }

    /// The rows of a table on a sheet of a workbook (`.xlsx`): the sheet `cxsite.yaml` names
    /// for the file under `sheets`, or the first.
    mutating func sheetTable<Row>(
        from workbook: WorkbookFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> (SourceFile?, [Row]) {
        snapshotErrorsBefore = diagnostics.count
        let opened: (Workbook, Workbook.Sheet)
        switch workbook.open(config: config) {
        case .success(let found): opened = found
        case .failure(let diagnostic):
            report(diagnostic)
            return (nil, [])
        }
        var file = SourceFile(path: workbook.path, text: "")
        file.sheet = opened.1.name
        var table = TableReading<Row>()
        var record = CSVReader.Record()
        do {
            try opened.0.forEachRow(in: opened.1) { sheetRow in
                if let problem = sheetRow.problem {
                    diagnostics.append(file.diagnostic(problem.message, line: sheetRow.number, column: problem.column))
                } else {
                    record.load(sheetRow, width: table.header?.count ?? 0)
                    take(record, into: &table, from: file, kind, row)
                }
                return !snapshotErrorsFull
            }
        } catch {
            report(Diagnostic(.error, error.message, at: .file(workbook.path), notes: [Diagnostic.Note("in sheet '\(opened.1.name)'")]))
        }
        let rows = finish(table, of: file, kind)
        let found = diagnostics.count - snapshotErrorsBefore
        if found > Self.shownSnapshotErrors {
            diagnostics.removeLast(found - Self.shownSnapshotErrors)
            report(Diagnostic(.error, "the rest of this sheet was not checked: fix these errors first", at: .file(file.path)))
        }
        return (file, rows)
    }

    /// A CSV or sheet table being read: its header once read, and its rows.
    private struct TableReading<Row> {
        var header: [String]?
        var rows: [Row] = []
    }

    /// Reads one record of a table: the header first, then rows.
    private mutating func take<Row>(
        _ record: CSVReader.Record, into table: inout TableReading<Row>, from file: SourceFile,
        _ kind: TableKind, _ row: RowReader<Row>
    ) {
        if let problem = record.textProblem() {
            diagnostics.append(file.diagnostic(problem.message, line: problem.line, column: problem.column))
            return
        }
        guard let columns = table.header else {
            let names = record.strings.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            table.header = names
            for required in kind.required where !names.contains(required) {
                diagnostics.append(
                    file.diagnostic(
                        "the header has no '\(required)' column: \(kind.rows) files start with \(kind.required.joined(separator: ","))",
                        line: record.line, column: 1))
            }
            return
        }
        guard record.count == columns.count else {
            let last = record.position(record.count - 1)
            diagnostics.append(file.diagnostic(record.widthMessage(header: columns.count), line: last.line, column: last.column))
            return
        }
        var cells: Cells = [:]
        for (i, name) in columns.enumerated() {
            let position = record.position(i)
            cells[name] = (record.string(i).trimmingCharacters(in: .whitespaces), position.line, position.column)
        }
        if let made = row(&self, cells, file, record.line) { table.rows.append(made) }
    }

    /// The rows read, after an error if there was not even a header.
    private mutating func finish<Row>(_ table: TableReading<Row>, of file: SourceFile, _ kind: TableKind) -> [Row] {
        if table.header == nil {
            diagnostics.append(
                file.diagnostic(
                    "the \(file.sheet == nil ? "file" : "sheet") is empty: \(kind.rows) files start with the header \(kind.required.joined(separator: ","))",
                    line: 1, column: 1))
        }
        return table.rows
    }

    /// A table in JSON or YAML: a list of rows, or `{snapshots: [...]}` (`tallies`), with the
    /// CSV's fields.
    mutating func documentTable<Row>(
        from file: SourceFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> [Row] {
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: file.text, .default, .default, .utf8)  // JSON is YAML
        } catch {
            diagnostics.append(file.diagnostic("not valid \(file.path.hasSuffix(".json") ? "JSON" : "YAML"): \(error)", line: 1, column: 1))
            return []
        }
        var list = node
        if case .mapping(let mapping)? = node { list = mapping[Yams.Node(kind.listKey)] }
        guard case .sequence(let sequence)? = list else {
            diagnostics.append(
                file.diagnostic(
                    "expected a list of \(kind.rows) rows (\(kind.required.joined(separator: ", ")), …)",
                    line: 1, column: 1))
            return []
        }
        var rows: [Row] = []
        for item in sequence where !snapshotErrorsFull {
            let line = item.mark?.line ?? 1
            let column = item.mark?.column ?? 1
            guard case .mapping(let mapping) = item else {
                diagnostics.append(file.diagnostic("each \(kind.rows) row must be a mapping", line: line, column: column))
                continue
            }
            var cells: Cells = [:]
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                if case .scalar(let scalar) = value {
                    let isNull = YAMLFields.isNull(value)
                    cells[name] = (isNull ? "" : scalar.string, value.mark?.line ?? line, value.mark?.column ?? column)
                }
            }
            if let made = row(&self, cells, file, line) { rows.append(made) }
        }
        return rows
    }
}
