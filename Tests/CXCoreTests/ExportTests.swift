import Diagnostics
import Foundation
import Testing

@testable import CXCore

/// Survey platforms' exports and Excel's habits read as they arrive (docs/exports/).
@Suite struct ExportTests {
    /// The fixture exports (`Fixtures/exports/`, made by its make.py from one set of answers)
    /// each build, through their mapping, to the scorecard the same answers give in cxsite's
    /// own long form.
    @Test(arguments: [
        "qualtrics-numeric", "qualtrics-choice", "qualtrics-tsv", "surveymonkey", "delighted", "googleforms", "typeform",
    ])
    func eachPlatformsExportBuildsTheScorecardOfTheSameAnswersInLongForm(_ platform: String) throws {
        let export = try TestSite(exports: platform)
        defer { export.cleanUp() }
        let summary = try export.build()
        #expect(summary.warnings.isEmpty, "\(summary.warnings)")
        let expected = try Self.longFormScorecard.get()
        let found = try export.page("scorecard.json")
        #expect(found == expected)
        #expect(expected.contains("\"owner\""))
        // Segments are known by their declared ids, and shown by their declared names.
        #expect(try export.page("scorecard/index.html").contains("Home owner"))
    }

    /// The scorecard of the answers in cxsite's long form, built once for every platform.
    private static let longFormScorecard = Result<String, any Error> {
        let long = try TestSite(exports: "long")
        defer { long.cleanUp() }
        _ = try long.build()
        return try long.page("scorecard.json")
    }

    /// A mapping whose pattern matches no file is a warning at the pattern.
    @Test func aMappingThatMatchesNoFileIsAWarning() throws {
        let site = try TestSite(exports: "long")
        defer { site.cleanUp() }
        try site.append("cxsite.yaml", "responses:\n  - {files: \"qualtrics/*.csv\", date: RecordedDate, questions: [{column: Q1, metric: nps}]}\n")
        let summary = try site.build()
        #expect(
            summary.warnings.map { "\($0.location!): \($0.message)" }.filter { $0.contains("matches no file") } == [
                "cxsite.yaml:29:13: 'qualtrics/*.csv' matches no file in content/responses/: files are matched from that folder"
            ])
    }

    /// A site whose config is `yaml` (touchpoints website and billing, a journey through both),
    /// with `csv` as its one response file at `content/responses/path`.
    private func aggregate(
        _ csv: String, path: String = "r.csv", yaml: String = ""
    ) throws -> (ResponseAggregates, [Diagnostic]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        try Data(csv.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let text = """
            title: T
            period: quarter
            touchpoints:
              - {id: website, name: Website}
              - {id: billing, name: Billing}

            """ + yaml
        let (config, problems) = SiteConfig.load(SourceFile(path: "cxsite.yaml", text: text))
        #expect(problems.isEmpty, "\(problems)")
        let (aggregates, diagnostics, _) = ResponseAggregator(config: try #require(config))
            .aggregate([("content/responses/" + path, url)], now: Clock.test.instant)
        return (aggregates, diagnostics)
    }

    private func n(_ aggregates: ResponseAggregates, _ metric: SurveyMetric = .nps, _ group: Scorecard.Group = .all) -> Int {
        aggregates.totals.filter { $0.key.metric == metric && $0.key.group == group }.values.reduce(0) { $0 + $1.n }
    }

    private func lines(_ diagnostics: [Diagnostic]) -> [String] {
        diagnostics.sorted().map { "\($0.location!): \($0.message)" + $0.notes.map { " [\($0.message)]" }.joined() }
    }

    struct Habit: Sendable, CustomTestStringConvertible {
        var name: String
        var csv: String
        var yaml = ""
        var responses: Int
        var diagnostics: [String] = []
        var testDescription: String { name }
    }

    /// Excel's and platforms' ways of writing a table, each read as it is, or one clear error.
    @Test(arguments: [
        Habit(name: "semicolons", csv: "date;metric;score;weight\n2026-07-01;nps;9;0,5\n2026-07-02;nps;3;1,5\n", responses: 2),
        Habit(name: "a tab-separated .csv", csv: "date\tmetric\tscore\n2026-07-01\tnps\t9\n", responses: 1),
        Habit(
            name: "a decimal comma in a comma file",
            csv: "date,metric,score,weight\n2026-07-01,nps,9,\"0,5\"\n", responses: 0,
            diagnostics: [
                "content/responses/r.csv:2:18: the weight '0,5' is not a positive number: a decimal comma? write 0.5, save the "
                    + "file separated by semicolons (as Excel does where commas are decimal), or say `decimal_comma: true` in its mapping"
            ]),
        Habit(
            name: "date-times", csv: "date,metric,score\n2026-10-14 09:12:33,nps,9\n2026-10-14T09:12:33Z,nps,10\n", responses: 2),
        Habit(
            name: "slashed dates without an order",
            csv: "date,metric,score\n14/10/2026,nps,9\n15/10/2026,nps,9\n03/10/2026,nps,9\n2026-10-01,nps,9\n", responses: 1,
            diagnostics: [
                "content/responses/r.csv:2:1: '14/10/2026' has its day and month in an order nothing states (this one can only be "
                    + "day first): say which in a mapping for the file under 'responses' in cxsite.yaml (`date_order: day-first` or "
                    + "`month-first`), or write dates as YYYY-MM-DD [and 2 more rows with the same date format]"
            ]),
        Habit(
            name: "slashed dates in a declared order",
            csv: "date,metric,score\n14/10/2026 09:12,nps,9\n03/10/2026,nps,9\n",
            yaml: """
                responses:
                  - files: "*.csv"
                    date: date
                    date_order: day-first
                    questions: [{column: score, metric: nps}]
                """, responses: 2),
        Habit(
            name: "US date-times",
            csv: "Respondent ID,Collector ID,End Date,How likely?\n,,,Response\n1,9,10/14/2026 09:12:33 AM,10 - Extremely likely\n",
            yaml: """
                responses:
                  - files: "*.csv"
                    format: surveymonkey
                    date: End Date
                    questions: [{column: How likely?, metric: nps}]
                """, responses: 1),
    ])
    func excelHabits(_ habit: Habit) throws {
        let (aggregates, diagnostics) = try aggregate(habit.csv, yaml: habit.yaml)
        #expect(lines(diagnostics) == habit.diagnostics)
        #expect(n(aggregates) == habit.responses)
    }

    /// A full export with the same mistake on every row printed 48,405 lines of it. Now each
    /// cause is one error with its rows counted, and the count of the rest comes after them.
    @Test func aMistakeOnManyRowsIsOneErrorWithItsRowsCounted() throws {
        var rows = (0..<300).map { "2026-07-\(String(format: "%02d", $0 % 28 + 1)),nps,9,shop,1" }
        rows += (0..<60).map { "2026-07-01,nps,9,website,\($0)kg" }
        let (_, diagnostics) = try aggregate("date,metric,score,touchpoint,weight\n" + rows.joined(separator: "\n") + "\n")
        let found = lines(diagnostics)
        #expect(found.count == ResponseAggregator.shownErrorsPerFile + 1)
        #expect(
            found.first
                == "content/responses/r.csv:2:18: unknown touchpoint 'shop': cxsite.yaml has website, billing "
                + "[and 299 more rows with the same touchpoint]")
        #expect(found.last == "content/responses/r.csv:361:1: 11 more bad rows in this file are not shown")
    }

    /// `Renter` and `renter` were two bars, both labelled "Renter". Values that differ only in
    /// case are one segment now, in one file and across files, with a warning.
    @Test func segmentsDifferingOnlyInCaseAreOne() throws {
        let (aggregates, diagnostics) = try aggregate(
            "date,metric,score,segment\n2026-07-01,nps,9,Renter\n2026-07-01,nps,0,renter\n2026-07-01,nps,0,RENTER\n"
                + "2026-07-01,nps,9,renter\n2026-07-01,nps,9,Renter\n")
        // Each spelling once in the warnings, however often it recurs.
        #expect(n(aggregates, .nps, .segment("Renter")) == 5)
        #expect(
            lines(diagnostics) == [
                "content/responses/r.csv:3:1: segment 'renter' is read as 'Renter': values that differ only in case are one segment",
                "content/responses/r.csv:4:1: segment 'RENTER' is read as 'Renter': values that differ only in case are one segment",
            ])
        var first = ResponseAggregates()
        first.totals[.init(metric: .nps, period: try Period.parse("2026-Q3").get(), group: .segment("Renter"))] = ResponseTotals()
        var second = first.totals
        second = Dictionary(
            uniqueKeysWithValues: second.map {
                (ResponseAggregates.Key(metric: $0.key.metric, period: $0.key.period, group: .segment("renter")), $0.value)
            })
        var other = ResponseAggregates()
        other.totals = second
        var all = ResponseAggregates()
        all.merge(first)
        #expect(all.merge(other).map(\.readAs) == ["Renter"])
        #expect(all.totals.keys.map(\.group) == [.segment("Renter")])
    }

    /// Declared segments are matched by id or name in any case, or by the mapping's values;
    /// anything else is a warning with the closest declared name.
    @Test func declaredSegmentsMatchIdsNamesAndValuesAndWarnAboutTheRest() throws {
        let yaml = """
            segments:
              - {id: student, name: Student}
              - {id: owner, name: Home owner}
            responses:
              - files: "*.csv"
                date: date
                segment: {column: who, values: {Landlady: owner}}
                questions: [{column: score, metric: nps}]
            """
        let (aggregates, diagnostics) = try aggregate(
            "date,score,who\n2026-07-01,9,student\n2026-07-01,9,HOME OWNER\n2026-07-01,9,landlady\n2026-07-01,9,Studnet\n",
            yaml: yaml)
        #expect(n(aggregates, .nps, .segment("student")) == 1)
        #expect(n(aggregates, .nps, .segment("owner")) == 2)
        #expect(
            lines(diagnostics) == [
                "content/responses/r.csv:5:1: segment 'Studnet' is not declared in cxsite.yaml (did you mean 'Student'?): it is "
                    + "shown as a segment of its own; declare it under 'segments', or map it under the segment column's 'values'"
            ])
    }

    /// A wide export: a row per respondent, a column per question, rows kept by `where`,
    /// touchpoints by name, choice texts read as scores, and a fixed journey.
    @Test func aQualtricsExportIsReadThroughItsMapping() throws {
        let yaml = """
            responses:
              - files: "qualtrics/*.csv"
                format: qualtrics
                date: RecordedDate
                respondent: ResponseId
                touchpoint: Q3
                where: {Finished: "1"}
                questions:
                  - {column: Q1, metric: nps, comment: Q2, level: relationship}
                  - {column: Q5, metric: csat}
            """
        let csv = """
            RecordedDate,ResponseId,Finished,Q1,Q1_NPS_GROUP,Q2,Q3,Q5
            Recorded Date,Response ID,Finished,How likely are you to recommend us?,Group,Why?,Which part?,How satisfied?
            "{""ImportId"":""recordedDate""}","{""ImportId"":""_recordId""}","{""ImportId"":""finished""}","{""ImportId"":""QID1""}",x,y,z,w
            2026-10-14 09:12:33,R_1,1,10,3,Quick and kind,WEBSITE,Very satisfied
            2026-10-15 10:00:00,R_2,1,3,1,Billed twice,Billing,2
            2026-10-15 11:00:00,R_3,0,0,1,,Billing,1
            2026-10-16 12:00:00,R_4,1,,,,Shop,5

            """
        let (aggregates, diagnostics) = try aggregate(csv, path: "qualtrics/oct.csv", yaml: yaml)
        #expect(n(aggregates, .nps) == 2 && n(aggregates, .nps, .relationship) == 2)
        #expect(n(aggregates, .csat, .touchpoint("website")) == 1 && n(aggregates, .csat, .touchpoint("billing")) == 1)
        #expect(lines(diagnostics) == ["content/responses/qualtrics/oct.csv:7:30: unknown touchpoint 'Shop': cxsite.yaml has website, billing"])
    }

    /// An export without a mapping is one error naming its platform, with a mapping guessed
    /// from its header and rows to paste.
    @Test func anExportWithoutAMappingIsOneErrorWithAMappingToPaste() throws {
        let csv = """
            StartDate,Finished,RecordedDate,ResponseId,Q1,Q1_NPS_GROUP,Q2,Q3,Q5
            Start Date,Finished,Recorded Date,Response ID,How likely are you to recommend us?,Group,Why?,Which part?,How satisfied were you?
            {},{},{},{},{},{},{},{},{}
            2026-10-14 09:12:33,1,2026-10-14 09:12:33,R_1,10,3,Quick and kind,Website,Very satisfied
            2026-10-15 10:00:00,1,2026-10-15 10:00:00,R_2,3,1,Billed twice for one month,Billing,Dissatisfied

            """
        let (_, diagnostics) = try aggregate(csv, path: "qualtrics/oct.csv")
        #expect(
            lines(diagnostics) == [
                "content/responses/qualtrics/oct.csv:1:1: this looks like a Qualtrics export, which cxsite reads through a mapping "
                    + "under 'responses' in cxsite.yaml (docs/exports/): one guessed from its header and first rows, to check and paste, follows"
            ])
        #expect(
            diagnostics.first?.attachment == [
                "responses:",
                "  - files: \"qualtrics/*.csv\"",
                "    format: qualtrics",
                "    date: RecordedDate    # the column of each response's date",
                "    respondent: ResponseId",
                "    where: {Finished: \"1\"}    # leaves out unfinished responses",
                "    touchpoint: Q3    # its answers name touchpoints",
                "    questions:",
                "      - {column: Q1, metric: nps, comment: Q2}    # 0–10, asks about recommending",
                "      - {column: Q5, metric: csat}    # asks about satisfaction",
            ])
    }

    /// A column the mapping names that the header lacks is one error, with the closest name.
    @Test func aColumnTheHeaderLacksIsAnErrorWithTheClosestName() throws {
        let yaml = """
            responses:
              - files: "*.csv"
                date: Date
                segment: Segmnet
                questions: [{column: Q1, metric: nps}]
            """
        let (_, diagnostics) = try aggregate("date,Q1,Segment\n2026-07-01,9,a\n", yaml: yaml)
        #expect(
            lines(diagnostics) == [
                "content/responses/r.csv:1:1: the header has no column 'Segmnet', which cxsite.yaml maps the segment to (did you mean 'Segment'?)"
            ])
    }
}

/// Finance's workbooks and Excel's CSV as they arrive, for snapshots.
@Suite struct FinanceTableTests {
    /// The value of `metric` in `period` on the scorecard.json of `site`.
    private func value(_ site: TestSite, _ metric: String, _ period: String) throws -> Double? {
        let json = try site.page("scorecard.json")
        let row = json.split(separator: "\n").first {
            $0.contains("\"metric\": \"\(metric)\", \"period\": \"\(period)\", \"segment\": null, \"touchpoint\": null, \"level\": \"all\"")
        }
        return row.flatMap { $0.components(separatedBy: "\"value\": ").dropFirst().first?.split(separator: ",").first }.flatMap { Double($0) }
    }

    /// A title in A1, a blank row, the header on row 3 and quarters as date columns: twelve
    /// errors for one cause before. The header is found, and each cell is a snapshot.
    @Test func aFinanceSheetWithATitleAndPeriodsAsColumnsIsRead() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let sheet = try TestWorkbook.fromCSV(
            """
            Acme Fibre — retention by quarter (finance),,,,
            ,,,,
            metric,2025-01-01,2025-04-01,Q3 2025,Total
            retention,91.2,91.8,,274.4

            """)
        try site.write("content/metrics/finance.xlsx", Data(sheet))
        _ = try site.build()
        #expect(try value(site, "retention", "2025-Q1") == 91.2)
        #expect(try value(site, "retention", "2025-Q2") == 91.8)
        #expect(try value(site, "retention", "2025-Q3") == nil)
    }

    /// A header elsewhere than row 1 can be named, and a wide layout declared.
    @Test func cxsiteYamlCanNameTheHeaderRowAndTheLayout() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/metrics/finance.xlsx",
            Data(try TestWorkbook.fromCSV("metric,Q1 2025\nretention,90\nperiod,metric\nmetric,2025-Q2\nretention,93\n")))
        try site.append("cxsite.yaml", "sheets:\n  - {file: content/metrics/finance.xlsx, header_row: 4, layout: wide}\n")
        _ = try site.build()
        #expect(try value(site, "retention", "2025-Q2") == 93)
        #expect(try value(site, "retention", "2025-Q1") == nil)
    }

    /// Months as columns on a site that groups by quarter, and a period typed twice: errors
    /// at the header's cells.
    @Test func periodColumnsOfAnotherKindOrTwiceAreErrors() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/metrics/finance.xlsx", Data(try TestWorkbook.fromCSV("metric,Jan 2025,2025-Q1,Q1 2025\nretention,90,91,92\n")))
        #expect(
            site.buildErrors().map { "\($0.location!): \($0.message)" } == [
                "content/metrics/finance.xlsx:1:2: 'Jan 2025' is a month but cxsite.yaml groups by quarter: a wide sheet has a column per quarter",
                "content/metrics/finance.xlsx:1:4: 'Q1 2025' is 2025-Q1 again: each period is one column",
            ])
    }

    /// What Excel writes in most of Europe: semicolons, and a decimal comma.
    @Test func aSemicolonCSVWithDecimalCommasIsRead() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/metrics/europe.csv", "period;metric;value\n2025-Q1;retention;90,5\n")
        _ = try site.build()
        #expect(try value(site, "retention", "2025-Q1") == 90.5)
    }

    /// A month typed by Excel as a date was a good error, printed 20 times under "the rest of
    /// this sheet was not checked". One error now, its rows counted, and the sheet read to the end.
    @Test func aMistakeOnEveryRowOfASheetIsOneError() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        let rows = (1...30).map { "2024-\(String(format: "%02d", ($0 - 1) % 12 + 1))-01,retention,\(80 + $0)" }
        try site.write("content/metrics/typed.xlsx", Data(try TestWorkbook.fromCSV("period,metric,value\n" + rows.joined(separator: "\n") + "\n")))
        let errors = site.buildErrors()
        #expect(
            errors.map { "\($0.location!): \($0.message) \($0.notes.map(\.message))" } == [
                "content/metrics/typed.xlsx:2:1: '2024-01-01' is a date, not a period: the spreadsheet took what was typed for a date; "
                    + "format the column as text and type 2024-Q1 [\"in sheet \\'Sheet1\\', cell A2\", \"and 29 more rows with the same mistake\"]"
            ])
    }
}
