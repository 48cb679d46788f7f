import Diagnostics
import Foundation
import Testing

@testable import CXCore
@testable import Spreadsheet

/// `.xlsx` input: the reader of workbooks, and snapshots, tallies and responses kept in them.
struct WorkbookTests {
    /// Each row read of the first visible sheet: its number, its cells by reference
    /// (`"B2": "9"`), and the problem it had, if any, as `"C4: message"`.
    static func rows(of bytes: [UInt8], stoppingAfter limit: Int = .max) throws -> [(number: Int, cells: [String: String], problem: String?)] {
        let workbook = try Workbook(bytes: bytes)
        var rows: [(Int, [String: String], String?)] = []
        try workbook.forEachRow(in: try #require(workbook.firstVisibleSheet)) { row in
            var cells: [String: String] = [:]
            for index in 0..<row.count {
                cells[SheetRow.columnName(row.columns[index]) + String(row.number)] = row.withBytes(index) { String(decoding: $0, as: UTF8.self) }
            }
            rows.append((row.number, cells, row.problem.map { SheetRow.columnName($0.column) + String(row.number) + ": " + $0.message }))
            return rows.count < limit
        }
        return rows
    }

    /// The text of cell A1 in a sheet of one cell written as `cell`.
    static func text(of cell: String, sharedStrings: [String]? = nil, customFormats: [Int: String] = [:], date1904: Bool = false) throws -> String? {
        let bytes = try TestWorkbook.workbook(
            sheets: [("Sheet1", #"<row r="1">\#(cell)</row>"#)], sharedStrings: sharedStrings,
            styles: [0, 14, 164, 165], customFormats: customFormats, date1904: date1904)
        let row = try rows(of: bytes).first
        return row?.cells["A1"] ?? row?.problem
    }

    @Test func aWorkbookAsARealWriterSavesItReadsAsItShows() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/workbooks/openpyxl.xlsx")
        let bytes = try Array(Data(contentsOf: url))
        #expect(try Workbook(bytes: bytes).sheets.map(\.name) == ["Read me", "Responses"])
        let read = try Self.rows(of: bytes)
        #expect(read.map(\.number) == [1, 2, 3, 4])
        #expect(
            read.map(\.cells) == [
                ["A1": "date", "B1": "metric", "C1": "score", "D1": "touchpoint", "E1": "comment", "F1": "weight", "G1": "follow up"],
                ["A2": "2026-07-01", "B2": "nps", "C2": "9", "D2": "support", "E2": "Fixed in one call — thank you!", "F2": "1.25", "G2": "TRUE"],
                [
                    "A3": "2026-07-02", "B3": "csat", "C3": "2", "D3": "billing", "E3": "Billed twice, “refund” took 3 weeks", "F3": "0.8",
                    "G3": "FALSE",
                ],
                ["A4": "2026-07-03", "B4": "nps", "C4": "6", "E4": "Line one\nline two"],
            ])
        #expect(read.allSatisfy { $0.problem == nil })
    }

    static let cells: [(cell: String, expected: String)] = [
        (#"<c r="A1"><v>9</v></c>"#, "9"),
        (#"<c r="A1" t="n"><v>0.84999999999999998</v></c>"#, "0.85"),
        (#"<c r="A1"><v>-12.0</v></c>"#, "-12"),
        (#"<c r="A1"><v>1E-3</v></c>"#, "0.001"),
        (#"<c r="A1" t="b"><v>1</v></c>"#, "TRUE"),
        (#"<c r="A1" t="inlineStr"><is><t>Fish &amp; chips &lt;3 &#233;&#x263A;</t></is></c>"#, "Fish & chips <3 é☺"),
        (#"<c r="A1" t="inlineStr"><is><r><t>Rich </t></r><r><rPr><b/></rPr><t>text</t></r></is></c>"#, "Rich text"),
        (#"<c r="A1" t="str"><f>A2&amp;"x"</f><v>made by a formula</v></c>"#, "made by a formula"),
        (#"<c r="A1" t="inlineStr"><is><t><![CDATA[a <b> & c]]></t></is></c>"#, "a <b> & c"),
        (#"<c r="A1" t="inlineStr"><is><t>line one_x000D_&#10;line two _x005F_x0041_</t></is></c>"#, "line one\r\nline two _x0041_"),
        (#"<c r="A1" s="1"><v>46204</v></c>"#, "2026-07-01"),
        (#"<c r="A1" s="1"><v>46204.75</v></c>"#, "2026-07-01"),
        (#"<c r="A1" s="2"><v>61</v></c>"#, "1900-03-01"),
        (#"<c r="A1" s="3"><v>0.5</v></c>"#, "0.5"),
        (#"<c r="A1" t="d"><v>2026-07-01T00:00:00</v></c>"#, "2026-07-01"),
        (#"<x:c r="A1" xmlns:x="urn:x" t="s"><x:v>1</x:v></x:c>"#, "second"),
        (#"<c r="A1" t="e"><v>#N/A</v></c>"#, "A1: the cell holds the error #N/A: correct its formula, or clear the cell"),
        (#"<c r="A1" t="s"><v>7</v></c>"#, "A1: the cell names a shared string the workbook does not have: is the file damaged?"),
        (#"<c r="A1" s="1"><v>60</v></c>"#, "A1: the cell holds 29 February 1900, a day Excel counts that never was"),
    ]

    @Test(arguments: cells)
    func aCellReadsAsItShows(cell: String, expected: String) throws {
        #expect(
            try Self.text(
                of: cell, sharedStrings: ["<t>first</t>", "<r><t>sec</t></r><r><t>ond</t></r><rPh><t>ふり</t></rPh>"],
                customFormats: [164: "d mmm yyyy", 165: "0.0%"]) == expected)
    }

    @Test func oldMacWorkbooksCountDaysFrom1904() throws {
        #expect(try Self.text(of: #"<c r="A1" s="1"><v>44742</v></c>"#, date1904: true) == "2026-07-01")
        #expect(try Self.text(of: #"<c r="A1" s="1"><v>0</v></c>"#, date1904: true) == "1904-01-01")
    }

    static let formats: [(code: String, isDate: Bool)] = [
        ("yyyy-mm-dd", true), ("d mmm yyyy", true), ("[$-409]mmmm d, yyyy;@", true), ("h:mm", true), ("DD/MM/YY", true),
        ("General", false), ("0.0%", false), ("#,##0", false), (#""days "0"#, false), ("[Red]0.00", false), (#"0.00\ "m""#, false),
        ("0.00;[Red]-0.00", false), ("0.0E+00", false),
    ]

    @Test(arguments: formats)
    func aNumberFormatShowsADateWhenItHasDayMonthYearOrTime(code: String, isDate: Bool) {
        #expect(NumberFormat.isDate(code) == isDate)
    }

    @Test(arguments: [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA"), (16_384, "XFD")])
    func columnsAreNamedAsASpreadsheetNamesThem(column: Int, name: String) {
        #expect(SheetRow.columnName(column) == name)
    }

    @Test func rowsAndCellsWithoutReferencesFollowTheOnesBefore() throws {
        let bytes = try TestWorkbook.workbook(sheets: [
            (
                "Sheet1",
                """
                <row r="2"><c r="B2"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row><row r="9"/><row><c r="D10"/></row>
                """
            )
        ])
        let read = try Self.rows(of: bytes)
        #expect(read.map(\.number) == [2, 3])
        #expect(read.map(\.cells) == [["B2": "1", "C2": "2"], ["A3": "3"]])
    }

    @Test func theFirstVisibleSheetIsReadAndANamedOneIsFoundWhateverItsCase() throws {
        let bytes = try TestWorkbook.workbook(
            sheets: [
                ("Notes", #"<row r="1"><c r="A1"><v>1</v></c></row>"#),
                ("Answers", #"<row r="1"><c r="A1"><v>2</v></c></row>"#),
            ],
            hidden: ["Notes"])
        let workbook = try Workbook(bytes: bytes)
        #expect(workbook.sheets.map(\.name) == ["Notes", "Answers"])
        #expect(workbook.firstVisibleSheet?.name == "Answers")
        #expect(workbook.sheet(named: "notes")?.name == "Notes")
        #expect(workbook.sheet(named: "Summary") == nil)
        #expect(try Self.rows(of: bytes).first?.cells == ["A1": "2"])
    }

    /// A sheet far larger than one chunk of inflated bytes, so rows and tags straddle chunks.
    @Test func aLongSheetIsReadInChunksAndReadingCanStopEarly() throws {
        var xml = ""
        for row in 1...30_000 {
            xml +=
                #"<row r="\#(row)"><c r="A\#(row)"><v>\#(row)</v></c><c r="B\#(row)" t="inlineStr"><is><t>comment &amp; \#(row)</t></is></c></row>"#
        }
        let bytes = try TestWorkbook.workbook(sheets: [("Sheet1", xml)])
        let read = try Self.rows(of: bytes)
        #expect(read.count == 30_000)
        #expect(read.allSatisfy { $0.cells == ["A\($0.number)": "\($0.number)", "B\($0.number)": "comment & \($0.number)"] })
        #expect(try Self.rows(of: bytes, stoppingAfter: 5).count == 5)
    }

    static let brokenWorkbooks: [(name: String, bytes: @Sendable () throws -> [UInt8], message: String)] = [
        (
            "text", { Array("date,metric,score\n".utf8) },
            "this is not an .xlsx workbook (it is not a zip archive): save it from the spreadsheet as Excel Workbook (.xlsx)"
        ),
        (
            "old .xls", { [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 100) },
            "this is an encrypted workbook or an old .xls file: save it as .xlsx without a password"
        ),
        (
            "cut short", { Array(try TestWorkbook.workbook(sheets: [("Sheet1", "")]).dropLast(30)) },
            "the workbook's zip archive is cut short or damaged (it has no end record): save it again"
        ),
        (
            "zip of something else", { try TestWorkbook.archive([("notes.txt", "hello")]) },
            "the archive holds no workbook (no _rels/.rels): is this an .xlsx file?"
        ),
        (
            "document type",
            {
                try TestWorkbook.workbook(sheets: [("Sheet1", #"<!DOCTYPE lol [<!ENTITY lol "lol">]><row r="1"><c r="A1"><v>1</v></c></row>"#)])
            }, "the workbook's sheet 'Sheet1' is not valid XML: the XML declares a document type, which a workbook never does"
        ),
        (
            "undefined entity",
            {
                try TestWorkbook.workbook(sheets: [("Sheet1", #"<row r="1"><c r="A1" t="inlineStr"><is><t>&lol;</t></is></c></row>"#)])
            }, "the workbook's sheet 'Sheet1' is not valid XML: the entity '&lol;' is not defined in a workbook's XML"
        ),
        (
            "XML cut short",
            {
                try TestWorkbook.archive([
                    ("_rels/.rels", #"<Relationships><Relationship Id="r" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
                    ("xl/workbook.xml", #"<workbook><sheets><sheet name="A" r:id="r1""#),
                ])
            }, "the workbook's part xl/workbook.xml is not valid XML: the XML ends inside a tag"
        ),
        (
            "damaged",
            {
                // Bytes flipped in the middle of the sheet's deflated data, as a bad copy leaves them.
                var bytes = try TestWorkbook.workbook(sheets: [("Sheet1", (1...400).map { #"<row><c><v>\#($0)</v></c></row>"# }.joined())])
                let name = Array("xl/worksheets/sheet1.xml".utf8)
                let header = try #require(
                    bytes.indices.first { bytes[$0...].starts(with: [0x50, 0x4B, 0x03, 0x04]) && bytes[($0 + 30)...].starts(with: name) })
                let size = (0..<4).reduce(0) { $0 | Int(bytes[header + 18 + $1]) << (8 * $1) }
                let data = header + 30 + name.count + Int(bytes[header + 28]) + Int(bytes[header + 29]) << 8
                for index in (data + size / 3)..<(data + size / 3 + 8) { bytes[index] ^= 0x5A }
                return bytes
            }, "the workbook's sheet 'Sheet1' cannot be read: the file is damaged (its compressed data is corrupt)"
        ),
        (
            "wrong checksum",
            {
                var bytes = try TestWorkbook.workbook(sheets: [("Sheet1", #"<row><c><v>1</v></c></row>"#)])
                let name = Array("xl/worksheets/sheet1.xml".utf8)
                let entry = try #require(
                    bytes.indices.first { bytes[$0...].starts(with: [0x50, 0x4B, 0x01, 0x02]) && bytes[($0 + 46)...].starts(with: name) })
                bytes[entry + 16] ^= 0xFF
                return bytes
            }, "the workbook's sheet 'Sheet1' cannot be read: the file is damaged (it does not match its checksum)"
        ),
    ]

    @Test(arguments: brokenWorkbooks.indices)
    func aBrokenWorkbookSaysWhatIsWrong(index: Int) throws {
        let (name, bytes, message) = Self.brokenWorkbooks[index]
        let problem = #expect(throws: Workbook.Problem.self, "\(name)") { try Self.rows(of: try bytes()) }
        #expect(problem?.message == message, "\(name)")
    }

    // MARK: Sites that keep their data in workbooks

    /// Replaces the CSV file at `path` with a workbook of the same rows.
    private func convert(_ site: TestSite, _ path: String) throws {
        let csv = try String(contentsOf: site.folder.appendingPathComponent(path), encoding: .utf8)
        try site.remove(path)
        try site.write(String(path.dropLast(3)) + "xlsx", Data(TestWorkbook.fromCSV(csv)))
    }

    @Test func responsesSnapshotsAndTalliesInWorkbooksBuildTheSamePagesAsInCSV() throws {
        let site = try TestSite(sample: ())
        defer { site.cleanUp() }
        try site.write("content/tallies/2025-Q3.csv", "period,metric,n,promoters,passives,detractors\n2025-Q3,nps,120,50,40,30\n")
        try site.build()
        let fromCSV = try site.outputFiles()
        for path in ["content/responses/2026-Q3.csv", "content/responses/2026-Q2.csv", "content/metrics/2026-Q3.csv", "content/tallies/2025-Q3.csv"] {
            try convert(site, path)
        }
        // A workbook with macros is read as one without: only its cells are.
        try FileManager.default.moveItem(
            at: site.folder.appendingPathComponent("content/responses/2026-Q2.xlsx"),
            to: site.folder.appendingPathComponent("content/responses/2026-Q2.xlsm"))
        try site.build()
        let fromWorkbooks = try site.outputFiles()
        #expect(fromWorkbooks.keys.sorted() == fromCSV.keys.sorted())
        for (path, data) in fromCSV { #expect(fromWorkbooks[path] == data, "\(path)") }
    }

    @Test func everyBadCellIsAnErrorThatNamesItsSheetAndCell() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let rows = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>metric</t></is></c>\
            <c r="C1" t="inlineStr"><is><t>score</t></is></c><c r="D1" t="inlineStr"><is><t>touchpoint</t></is></c></row>
            <row r="2"><c r="A2" s="1"><v>46236</v></c><c r="B2" t="inlineStr"><is><t>nps</t></is></c><c r="C2"><v>9</v></c></row>
            <row r="3"><c r="A3" s="1"><v>46236</v></c><c r="B3" t="inlineStr"><is><t>nps</t></is></c><c r="C3" t="inlineStr"><is><t>eleven</t></is></c></row>
            <row r="5"><c r="A5" t="inlineStr"><is><t>08/02/2026</t></is></c><c r="B5" t="inlineStr"><is><t>nps</t></is></c><c r="C5" t="e"><v>#DIV/0!</v></c></row>
            <row r="6"><c r="A6" s="1"><v>46236</v></c><c r="B6" t="inlineStr"><is><t>nps</t></is></c><c r="C6"><v>5</v></c>\
            <c r="D6" t="inlineStr"><is><t>suport</t></is></c><c r="F6" t="inlineStr"><is><t>stray</t></is></c></row>
            <row r="7"><c r="A7" s="1"><v>46236</v></c><c r="B7" t="inlineStr"><is><t>nps</t></is></c><c r="C7"><v>5</v></c>\
            <c r="D7" t="inlineStr"><is><t>bell_x0007_</t></is></c></row>
            """
        try site.write("content/responses/q3.xlsx", Data(TestWorkbook.workbook(sheets: [("Q3 answers", rows)])))
        try site.write(
            "content/metrics/q3.xlsx",
            Data(
                TestWorkbook.workbook(sheets: [
                    (
                        "Snapshots",
                        """
                        <row r="1"><c r="A1" t="inlineStr"><is><t>period</t></is></c><c r="B1" t="inlineStr"><is><t>metric</t></is></c>\
                        <c r="C1" t="inlineStr"><is><t>value</t></is></c></row>
                        <row r="2"><c r="A2" s="1"><v>46266</v></c><c r="B2" t="inlineStr"><is><t>retention</t></is></c><c r="C2"><v>90</v></c></row>
                        """
                    )
                ])))
        let errors = site.buildErrors().filter(\.isError).map { "\($0.location!):\($0.notes.map { " (\($0.message))" }.joined()) \($0.message)" }
        #expect(
            errors
                == [
                    "content/metrics/q3.xlsx:2:1: (in sheet 'Snapshots', cell A2) '2026-09-01' is a date, not a period: the spreadsheet took what was typed for a date; format the column as text and type 2026-Q3",
                    "content/responses/q3.xlsx:3:3: (in sheet 'Q3 answers', cell C3) the score 'eleven' is not a whole number",
                    "content/responses/q3.xlsx:5:3: (in sheet 'Q3 answers', cell C5) the cell holds the error #DIV/0!: correct its formula, or clear the cell",
                    "content/responses/q3.xlsx:6:6: (in sheet 'Q3 answers', cell F6) a value in column F, right of the header's last column (D): give the column a name, or clear the cell",
                    "content/responses/q3.xlsx:7:4: (in sheet 'Q3 answers', cell D7) a control character (U+0007) cannot appear in a site's text: remove it",
                ].sorted())
    }

    @Test func cxsiteYamlCanNameTheSheetToRead() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let answers = """
            <row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>metric</t></is></c>\
            <c r="C1" t="inlineStr"><is><t>score</t></is></c></row>
            """
            + (2...41).map {
                #"<row r="\#($0)"><c r="A\#($0)" s="1"><v>46236</v></c><c r="B\#($0)" t="inlineStr"><is><t>nps</t></is></c><c r="C\#($0)"><v>\#($0 % 11)</v></c></row>"#
            }.joined()
        let notes = #"<row r="1"><c r="A1" t="inlineStr"><is><t>Exported from the survey tool</t></is></c></row>"#
        try site.write("content/responses/export.xlsx", Data(TestWorkbook.workbook(sheets: [("Notes", notes), ("Answers", answers)])))
        #expect(site.buildErrors().map(\.message) == ["the header has no date, metric, score column: response files start with date,metric,score"])

        try site.append("cxsite.yaml", "sheets:\n  - file: content/responses/export.xlsx\n    sheet: answers\n")
        try site.build()
        #expect(try site.page("scorecard.json").contains(#""n": 40"#))

        let config = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
        try site.write(
            "cxsite.yaml",
            config.replacingOccurrences(of: "sheet: answers", with: "sheet: Summary") + """
                  - file: content/responses/gone.xlsx
                    sheet: Answers

                """)
        /// The line of cxsite.yaml, as it is now, that holds `text`.
        func line(_ text: String) throws -> Int {
            let lines = try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8).split(separator: "\n")
            return (lines.firstIndex { $0.contains(text) } ?? -1) + 1
        }
        #expect(
            site.buildErrors().map { "\($0.location!): \($0.message)" }.sorted() == [
                "cxsite.yaml:\(try line("sheet: Summary")):12: content/responses/export.xlsx has no sheet 'Summary': its sheets are 'Notes', 'Answers'",
                "cxsite.yaml:\(try line("gone.xlsx")):11: 'sheets' names content/responses/gone.xlsx, which the site does not have",
            ])

        try site.write("cxsite.yaml", config + "  - file: content/stories/notes.csv\n    sheet: Answers\n")
        #expect(
            site.buildErrors().map { "\($0.location!): \($0.message)" } == [
                "cxsite.yaml:\(try line("notes.csv")):11: 'content/stories/notes.csv' is not a workbook cxsite reads: name an .xlsx file in content/metrics, content/tallies, content/responses"
            ])
    }
}
