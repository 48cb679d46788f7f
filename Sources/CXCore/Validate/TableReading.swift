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
        cutErrors(of: file, what: "file")
        return rows
    }

    /// Keeps the first ``shownSnapshotErrors`` errors of the table file just read and, past
    /// them, says the rest was not checked, where checking stopped (so it reads after them).
    private mutating func cutErrors(of file: SourceFile, what: String) {
        let found = diagnostics.count - snapshotErrorsBefore
        guard found > Self.shownSnapshotErrors else { return }
        let stop = diagnostics[snapshotErrorsBefore + Self.shownSnapshotErrors].location ?? .file(file.path)
        diagnostics.removeLast(found - Self.shownSnapshotErrors)
        report(
            Diagnostic(
                .error, "the rest of this \(what) was not checked: fix these errors first",
                at: SourceLocation(path: file.path, line: stop.line, column: stop.column)))
    }

    /// Gives the errors from `start` about `file` that lack their source line the line.
    private mutating func quoteLines(from start: Int, of file: SourceFile) {
        for index in start..<diagnostics.count {
            let diagnostic = diagnostics[index]
            guard diagnostic.sourceLine == nil, let location = diagnostic.location, location.path == file.path, location.line > 0
            else { continue }
            diagnostics[index] = file.diagnostic(
                diagnostic.message, line: location.line, column: location.column, severity: diagnostic.severity,
                notes: diagnostic.notes)
        }
    }

    /// True once the table file being read has given more errors than are shown: the rest
    /// of it is not read, so a file of bad rows costs no more than a few.
    private var snapshotErrorsFull: Bool { diagnostics.count - snapshotErrorsBefore > Self.shownSnapshotErrors }

    mutating func csvTable<Row>(
        from file: SourceFile, _ kind: TableKind,
        _ row: RowReader<Row>
    ) -> [Row] {
        var reader = CSVReader(Array(file.text.utf8), delimiter: CSVReader.delimiter(of: file.path))
        // Rows' errors are made without their source line, which costs a scan of the text
        // each: a file of 100,000 bad rows took minutes. The lines of the errors kept are
        // quoted once the file is read.
        let source = file
        let start = diagnostics.count
        var file = SourceFile(path: source.path, text: "")
        defer { quoteLines(from: start, of: source) }
        if StaticFiles.fileType(of: file.path) == "csv" {
            reader.sniffDelimiter()
            file.decimalComma = reader.delimiter == CSVReader.semicolon
        }
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
        table.layout = config.sheets[workbook.path]
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
        cutErrors(of: file, what: "sheet")
        return (file, rows)
    }

    /// A CSV or sheet table being read: its header once found, and its rows.
    private struct TableReading<Row> {
        var header: [String]?
        var rows: [Row] = []
        /// What `sheets:` says of the workbook: the header's row, and whether it is wide.
        var layout: NamedSheet?
        /// The first row, where a header never found is reported.
        var firstRow: (line: Int, names: [String])?
        /// Rows passed over above the header (a title, a blank line, a note).
        var rowsAbove = 0
        /// Set when no header was found: the rows are not read.
        var failed = false
        /// For a wide sheet, the columns that are periods.
        var periodColumns: [(index: Int, period: Period)] = []
        /// Each cause of error seen: the first error's place in the diagnostics and the rows
        /// after it with the same cause.
        var causes: [String: (first: Int, more: Int)] = [:]

        /// The most rows a header is looked for in, below a title.
        static var headerSearch: Int { 10 }
    }

    /// Reads one record of a table: the header first (found below a title, or on the row
    /// `sheets:` names), then rows, each error kept once per cause.
    private mutating func take<Row>(
        _ record: CSVReader.Record, into table: inout TableReading<Row>, from file: SourceFile,
        _ kind: TableKind, _ row: RowReader<Row>
    ) {
        if let problem = record.textProblem() {
            diagnostics.append(file.diagnostic(problem.message, line: problem.line, column: problem.column))
            return
        }
        guard let columns = table.header else { return findHeader(record, in: &table, of: file, kind) }
        guard !table.failed else { return }
        guard record.count == columns.count else {
            let last = record.position(record.count - 1)
            diagnostics.append(file.diagnostic(record.widthMessage(header: columns.count), line: last.line, column: last.column))
            return
        }
        let before = diagnostics.count
        var cells: Cells = [:]
        for (i, name) in columns.enumerated() where !table.periodColumns.contains(where: { $0.index == i }) {
            let position = record.position(i)
            cells[name] = (record.string(i).trimmingCharacters(in: .whitespaces), position.line, position.column)
        }
        if table.periodColumns.isEmpty {
            if let made = row(&self, cells, file, record.line) { table.rows.append(made) }
        } else {
            for column in table.periodColumns {
                let text = record.string(column.index).trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { continue }
                let position = record.position(column.index)
                cells["period"] = (column.period.description, position.line, position.column)
                cells["value"] = (text, position.line, position.column)
                if let made = row(&self, cells, file, record.line) { table.rows.append(made) }
            }
        }
        countCauses(from: before, in: &table.causes)
    }

    /// Takes the header from `record` when it is one; rows above it (a title) are passed over,
    /// up to ``TableReading/headerSearch`` of them.
    private mutating func findHeader<Row>(
        _ record: CSVReader.Record, in table: inout TableReading<Row>, of file: SourceFile, _ kind: TableKind
    ) {
        let names = record.strings.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if table.firstRow == nil { table.firstRow = (record.line, names) }
        let periods = kind.listKey == TableKind.snapshots.listKey ? periodColumns(of: record, in: file) : []
        let isWide = table.layout?.isWide == true || (!names.contains("period") && !names.contains("value") && !periods.isEmpty)
        let complete = kind.required.allSatisfy { names.contains($0) || (isWide && ($0 == "period" || $0 == "value")) }
        if let wanted = table.layout?.headerRow {
            guard record.line >= wanted else { return }
        } else if !complete, table.rowsAbove < TableReading<Row>.headerSearch {
            table.rowsAbove += 1
            return
        }
        table.header = names
        if isWide {
            table.periodColumns = periods
            if periods.isEmpty {
                diagnostics.append(
                    file.diagnostic(
                        "a wide sheet has a column per period, headed as 2026-Q3, Q3 2026, 2026-09, Sep 2026 or a date: this header has none",
                        line: record.line, column: 1))
                table.failed = true
            }
        }
        guard !complete else { return }
        // No row of the first few is a header: the first row is reported as the header it
        // should have been (or the row `sheets:` names).
        let first: (line: Int, names: [String]) = table.layout?.headerRow == nil ? table.firstRow! : (record.line, names)
        reportMissingColumns(
            of: first, in: file, kind, wide: isWide,
            searched: table.layout?.headerRow == nil && table.rowsAbove > 0 ? table.rowsAbove + 1 : nil)
        table.failed = true
    }

    /// An error for each column `kind` needs that the header row `first` lacks (a wide
    /// sheet's periods and values are its columns); `searched` says how many rows were
    /// looked in for a header.
    private mutating func reportMissingColumns(
        of first: (line: Int, names: [String]), in file: SourceFile, _ kind: TableKind, wide: Bool = false, searched: Int? = nil
    ) {
        for required in kind.required where !first.names.contains(required) && !(wide && (required == "period" || required == "value")) {
            diagnostics.append(
                file.diagnostic(
                    "the header has no '\(required)' column: \(kind.rows) files start with \(kind.required.joined(separator: ","))"
                        + (searched.map { " (no row of the first \($0) has them)" } ?? ""),
                    line: first.line, column: 1))
        }
    }

    /// The columns of a wide sheet's header that name periods, each as a period of the
    /// site's kind; a header naming another kind of period, or one twice, is an error.
    private mutating func periodColumns(of record: CSVReader.Record, in file: SourceFile) -> [(index: Int, period: Period)] {
        var found: [(index: Int, period: Period)] = []
        for index in 0..<record.count {
            let text = record.string(index).trimmingCharacters(in: .whitespaces)
            guard let period = Period.columnHeader(text, kind: config.period) else { continue }
            let position = record.position(index)
            if period.kind != config.period {
                diagnostics.append(
                    file.diagnostic(
                        "'\(text)' is a \(period.kind.rawValue) but cxsite.yaml groups by \(config.period.rawValue): a wide sheet has a column per \(config.period.rawValue)",
                        line: position.line, column: position.column))
            } else if found.contains(where: { $0.period == period }) {
                diagnostics.append(
                    file.diagnostic("'\(text)' is \(period) again: each period is one column", line: position.line, column: position.column))
            } else {
                found.append((index, period))
            }
        }
        return found
    }

    /// Keeps one error per cause among the diagnostics from `start`: a later error of a cause
    /// already seen is dropped and counted, to be said under the first.
    private mutating func countCauses(from start: Int, in causes: inout [String: (first: Int, more: Int)]) {
        var kept: [Diagnostic] = []
        for diagnostic in diagnostics[start...] {
            let key = Self.cause(of: diagnostic)
            if let seen = causes[key] {
                causes[key] = (seen.first, seen.more + 1)
                continue
            }
            causes[key] = (start + kept.count, 0)
            kept.append(diagnostic)
        }
        diagnostics.replaceSubrange(start..., with: kept)
    }

    /// What two errors of one mistake share: the column, and the message without the values
    /// it quotes, its digits as 9.
    private static func cause(of diagnostic: Diagnostic) -> String {
        var key = "\(diagnostic.location?.column ?? 0)|"
        var quoted = false
        for character in diagnostic.message {
            if character == "'" {
                quoted.toggle()
            } else if !quoted {
                key.append(character.isASCII && character.isNumber ? "9" : character)
            }
        }
        return key
    }

    /// The rows read, after an error if there was not even a header, with each repeated
    /// cause's count under its first error.
    private mutating func finish<Row>(_ table: TableReading<Row>, of file: SourceFile, _ kind: TableKind) -> [Row] {
        for (first, more) in table.causes.values where more > 0 && first < diagnostics.count {
            diagnostics[first].notes.append(
                Diagnostic.Note("and \(NumberText.count(more)) more \(more == 1 ? "row" : "rows") with the same mistake"))
        }
        if table.header == nil, let first = table.firstRow {
            reportMissingColumns(of: first, in: file, kind)
        } else if table.header == nil {
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
                    let isNull = YAMLFields.isNull(YAMLNode(value))
                    cells[name] = (isNull ? "" : scalar.string, value.mark?.line ?? line, value.mark?.column ?? column)
                }
            }
            if let made = row(&self, cells, file, line) { rows.append(made) }
        }
        return rows
    }
}
