import ChildProcess
import Foundation
import Testing

@testable import CXCore

/// Survey tallies in place of raw responses: the SQL of docs/sql run by DuckDB over the same
/// responses gives the same scorecard, and every bad tally row is a located error.
struct TallyTests {
    static let repository = TestSite.repository

    /// True when `python3 -c "import duckdb"` works (`make test` installs it).
    static let duckDBAvailable: Bool = (try? runPython("import duckdb", in: FileManager.default.temporaryDirectory)) != nil

    @discardableResult
    static func runPython(_ script: String, in folder: URL) throws -> String {
        let result = try ChildProcess.run("python3", ["-c", script], directory: folder.path)
        let text = String(decoding: result.standardOutput, as: UTF8.self)
        guard result.termination == .exited(0) else { throw TallyError(message: text + String(decoding: result.standardError, as: UTF8.self)) }
        return text
    }

    struct TallyError: Error {
        let message: String
    }

    /// Loads the site's `content/responses/*.csv` (and the sample's Qualtrics export) into DuckDB as the table the documented SQL
    /// expects (weight 1 where there is no weight column, no respondents where there is no
    /// respondent column, no journeys where there is no journey column), runs docs/sql/tallies-duckdb.sql and moves the responses out of
    /// the site.
    private func tallyWithDuckDB(_ folder: URL, weighted: Bool, respondents: Bool, journeys: Bool = false) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("content/tallies"), withIntermediateDirectories: true)
        let sql = Self.repository.appendingPathComponent("docs/sql/tallies-duckdb.sql").path
        try Self.runPython(
            """
            import duckdb
            con = duckdb.connect()
            con.sql(\"\"\"CREATE TABLE responses AS SELECT CAST(trim(date) AS DATE) AS date, metric,
                CAST(trim(score) AS INTEGER) AS score, \(respondents ? "respondent" : "NULL::VARCHAR AS respondent"), segment, touchpoint,
                \(journeys ? "journey" : "NULL::VARCHAR AS journey"), \(weighted ? "CAST(trim(weight) AS DOUBLE)" : "1.0::DOUBLE") AS weight
                FROM read_csv('content/responses/*.csv', header = true, all_varchar = true, union_by_name = true)\"\"\")
            import glob
            if glob.glob('content/responses/qualtrics/*.csv'):
                # The sample's relationship survey, a Qualtrics export read through its mapping.
                con.sql(\"\"\"INSERT INTO responses SELECT CAST(left(RecordedDate, 10) AS DATE), 'nps', CAST(trim(Q1) AS INTEGER),
                    ExternalReference, replace(lower(trim(Q3)), ' ', '-'), NULL, NULL, 1.0::DOUBLE
                    FROM read_csv('content/responses/qualtrics/*.csv', header = true, all_varchar = true)
                    WHERE Finished = 'True' AND Status = 'IP Address' AND trim(Q1) <> ''\"\"\")
            con.sql(open('\(sql)').read())
            """, in: folder)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("content/responses"))
    }

    private func scorecard(of folder: URL) throws -> [[String: Any]] {
        try SiteBuilder.build(BuildOptions(source: folder, clock: .test))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("public/scorecard.json")))
        return try #require((json as? [String: Any])?["metrics"] as? [[String: Any]])
    }

    @Test(.enabled(if: duckDBAvailable, "needs Python's duckdb (pip install duckdb; make test installs it)"))
    func theSampleSiteFromDuckDBTalliesHasTheScorecardOfItsRawResponses() throws {
        let site = try TestSite(sample: ())
        defer { site.cleanUp() }
        let folder = site.folder
        try SiteBuilder.build(BuildOptions(source: folder, clock: .test))
        let fromResponses = try String(contentsOf: folder.appendingPathComponent("public/scorecard.json"), encoding: .utf8)
        try tallyWithDuckDB(folder, weighted: false, respondents: true, journeys: true)
        try SiteBuilder.build(BuildOptions(source: folder, clock: .test))
        let fromTallies = try String(contentsOf: folder.appendingPathComponent("public/scorecard.json"), encoding: .utf8)
        // The metrics byte for byte; the drivers, whose sums of per-person means DuckDB adds in
        // another order, to 1e-12.
        func split(_ json: String) -> (metrics: Substring, drivers: [[String: Any]]) {
            let drivers = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["drivers"] as? [[String: Any]]
            return (json.prefix { $0 != "]" }, drivers ?? [])
        }
        let (rawMetrics, rawDrivers) = split(fromResponses)
        let (_, talliedDrivers) = split(fromTallies)
        // Raw responses have their variances clustered by person (docs/metrics.md), which a
        // tally's sums cannot carry yet: values and counts are the tallies', the effective n no
        // larger, and where no one answered twice every field but the family's decision alike.
        func rows(_ json: String) -> [[String: Any]] {
            ((try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["metrics"] as? [[String: Any]]) ?? []
        }
        let (raw, tallied) = (rows(fromResponses), rows(fromTallies))
        #expect(rawMetrics.count > 10_000 && raw.count == tallied.count && raw.count > 100)
        for (a, b) in zip(raw, tallied) {
            for key in ["metric", "period", "segment", "touchpoint", "level", "journey"] {
                #expect(a[key] as? String == b[key] as? String)
            }
            #expect(abs(ResponseTests.number(a["value"]) - ResponseTests.number(b["value"])) < 1e-9 && "\(a["n"] ?? "")" == "\(b["n"] ?? "")")
            let effective = { (row: [String: Any]) in row["n_eff"] is NSNull ? nil : ResponseTests.number(row["n_eff"]) }
            #expect((effective(a) ?? 0) <= (effective(b) ?? 0) + 1e-9)
            if effective(a) == effective(b) {
                // Tests and trends take in the period's family and the periods before, which
                // clustered values may be part of.
                let fields = { (row: [String: Any]) in
                    row.filter { !["significant", "p", "delta", "previous", "trend", "trend_slope", "trend_p"].contains($0.key) }
                        .map { "\($0.key)=\($0.value)" }.sorted()
                }
                #expect(fields(a) == fields(b))
            }
        }
        #expect(rawDrivers.count > 20 && rawDrivers.count == talliedDrivers.count)
        for (raw, tallied) in zip(rawDrivers, talliedDrivers) {
            #expect(raw["touchpoint"] as? String == tallied["touchpoint"] as? String && raw["n"] as? Int == tallied["n"] as? Int)
            #expect(abs(ResponseTests.number(raw["r"]) - ResponseTests.number(tallied["r"])) < 1e-12)
        }
    }

    @Test(.enabled(if: duckDBAvailable, "needs Python's duckdb (pip install duckdb; make test installs it)"))
    func weightedTalliesGiveTheValuesOfWeightedResponses() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var csv = "date,metric,score,segment,touchpoint,weight\n"
        for index in 0..<120 {
            let weight = [0.5, 1, 1.5, 2.25][index % 4]
            let segment = index % 3 == 0 ? "business" : "residential"
            csv += "2026-08-0\(1 + index % 9),nps,\((index * 7) % 11),\(segment),billing,\(weight)\n"
            csv += "2026-08-0\(1 + index % 9),csat,\(1 + (index * 3) % 5),\(segment),,\(weight)\n"
            csv += "2026-05-0\(1 + index % 9),ces,\(1 + (index * 5) % 7),,installation,\(weight)\n"
        }
        try site.write("content/responses/r.csv", csv)
        let fromResponses = try scorecard(of: site.folder)
        try tallyWithDuckDB(site.folder, weighted: true, respondents: false)
        let fromTallies = try scorecard(of: site.folder)
        #expect(fromTallies.count == fromResponses.count)
        for (raw, tallied) in zip(fromResponses, fromTallies) {
            for key in ["value", "low", "high", "n_eff", "p"] {
                let a = ResponseTests.number(raw[key])
                let b = ResponseTests.number(tallied[key])
                #expect(a.isNaN == b.isNaN && (a.isNaN || abs(a - b) <= 1e-9 * max(1, abs(a))), "\(key) of \(raw)")
            }
            #expect(raw["n"] as? Int == tallied["n"] as? Int)
        }
        let weightedRow = try #require(
            fromTallies.first {
                $0["metric"] as? String == "nps" && $0["period"] as? String == "2026-Q3" && $0["segment"] is NSNull && $0["touchpoint"] is NSNull
            })
        #expect(ResponseTests.number(weightedRow["n_eff"]) < 120)  // weights other than 1 lower the effective n
        #expect(weightedRow["promoters"] == nil)  // a weighted tally has no counts of people
    }

    @Test(arguments: [
        ("2026-Q3,nps,,,10,6,2,1,,,", "2:18: promoters, passives and detractors add up to 9, not n (10)"),
        ("2026-Q3,nps,,,10,6.5,2,1.5,,,", "2:18: 'promoters' is 6.5: it must be a whole number from 0 to n"),
        ("2026-Q3,csat,,,10,,,,11,,", "2:22: 'top' is 11: it must be a whole number from 0 to n"),
        ("2026-Q3,ces,,,10,,,,,90,810", "2:22: sum 90 gives a mean of 9, outside the CES scale 1–7"),
        ("2026-Q3,ces,,,10,,,,,50,200", "2:25: sum_sq 200 cannot come from scores of 1–7 whose sum is 50"),
        ("2026-Q3,retention,,,10,,,,,,", "2:9: unknown metric 'retention': tallies are of nps, csat or ces (other metrics are snapshots)"),
        (
            "2026-Q3,nps,smb,billing,10,6,2,2,,,",
            "2:17: a tally row is one group: give one of segment, touchpoint, journey and level (none for everyone)"
        ),
        ("2026-Q3,nps,,,0,0,0,0,,,", "2:15: n '0' must be a whole number of responses, at least 1"),
        ("2026-07,nps,,,10,6,2,2,,,", "2:1: '2026-07' is a month but cxsite.yaml groups by quarter"),
    ])
    func everyBadTallyRowIsALocatedError(_ row: String, _ expected: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/tallies/t.csv", "period,metric,segment,touchpoint,n,promoters,passives,detractors,top,sum,sum_sq\n\(row)\n")
        let errors = site.buildErrors().filter(\.isError).map { "\($0.location!.line):\($0.location!.column): \($0.message)" }
        #expect(errors == [expected])
    }

    @Test func aTallyInJSONAndItsConflictsWithResponsesAndItself() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/tallies/t.json",
            """
            {"tallies": [
              {"period": "2026-Q3", "metric": "nps", "n": 40, "promoters": 20, "passives": 12, "detractors": 8},
              {"period": "2026-Q3", "metric": "nps", "touchpoint": "billing", "n": 35, "promoters": 10, "passives": 10, "detractors": 15}
            ]}
            """)
        try site.build()
        let scorecard = try site.page("scorecard/index.html")
        #expect(scorecard.contains("+30.0 "))  // 100 × (20 − 8) / 40
        #expect(scorecard.contains("<strong>8</strong> detractors"))  // an unweighted tally knows its people
        // The same group twice, and the same period also from raw responses: one error each.
        try site.write("content/tallies/u.csv", "period,metric,touchpoint,n,promoters,passives,detractors\n2026-Q3,nps,billing,35,10,10,15\n")
        try site.write("content/responses/r.csv", "date,metric,score\n2026-08-01,csat,5\n")
        try site.write("content/tallies/v.csv", "period,metric,n,top\n2026-Q3,csat,12,9\n")
        let errors = site.buildErrors().filter(\.isError).map { "\($0.location!.path):\($0.location!.line): \($0.message)" }
        #expect(
            errors.sorted() == [
                "content/tallies/u.csv:2: nps for 2026-Q3 (touchpoint 'billing') is tallied twice: also at content/tallies/t.json:3; keep one",
                "content/tallies/v.csv:2: csat for 2026-Q3 is both in content/responses/r.csv and in this tally: give each period from one source",
            ])
    }
}
