import Foundation
import Testing

@testable import CXCore

/// Raw survey responses: reading, period assignment, bad rows, and the scorecard they make.
struct ResponseTests {
    private func aggregate(_ csv: [UInt8], period: PeriodKind = .quarter) throws -> (ResponseAggregates, [Diagnostic]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("responses-\(UUID().uuidString).csv")
        try Data(csv).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let config = SiteConfig(
            title: "T", period: period,
            touchpoints: [Touchpoint(id: "website", name: "Website"), Touchpoint(id: "billing", name: "Billing")],
            metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil)
        let (aggregates, diagnostics, _) = ResponseAggregator(config: config).aggregate([("content/responses/r.csv", url)], now: Clock.test.instant)
        return (aggregates, diagnostics)
    }

    private func totals(
        _ aggregates: ResponseAggregates, _ metric: SurveyMetric, _ period: String,
        _ group: Scorecard.Group = .all
    ) throws -> ResponseTotals {
        let period = try Period.parse(period).get()
        return try #require(aggregates.totals[.init(metric: metric, period: period, group: group)])
    }

    /// A segment column of 50,000 different values (customer ids, say) took 11.8 s, each name
    /// looked for among all before it. Names are found by their hash now, and past 1,000 in one
    /// file the column is not a segment: one error, and the rest of the file is not read.
    @Test func aSegmentColumnOfMoreThanAThousandValuesIsOneError() throws {
        let rows = (0..<1_500).map { "2026-07-01,nps,9,customer-\($0)" }
        let (_, diagnostics) = try aggregate(Array(("date,metric,score,segment\n" + rows.joined(separator: "\n") + "\n").utf8))
        #expect(
            diagnostics.map { String($0.description.split(separator: "\n")[0]) } == [
                "content/responses/r.csv:1002:18: error: more than 1000 different segments in one file: a segment is a group of customers "
                    + "(a plan, a region, a size), so a column of names or ids is not one; the rest of this file was not read"
            ])
        let (aggregates, fine) = try aggregate(Array(("date,metric,score,segment\n" + rows.prefix(1_000).joined(separator: "\n") + "\n").utf8))
        #expect(fine.isEmpty)
        #expect(try totals(aggregates, .nps, "2026-Q3", .segment("customer-999")).n == 1)
    }

    @Test func quotingBOMAndCRLFAndColumnsInAnyOrder() throws {
        let text =
            "\u{FEFF}score,extra,metric,date,comment,touchpoint,segment\r\n"
            + "3,x,nps,2026-07-01,\"Slow, \"\"very\"\" slow\r\nand rude\",billing,residential\r\n"
            + "10,x,NPS,2026-07-02,,website,residential\r\n"
            + "9,x,nps,2026-08-02,,,\r\n"
        let (aggregates, diagnostics) = try aggregate(Array(text.utf8))
        #expect(diagnostics.isEmpty)
        let all = try totals(aggregates, .nps, "2026-Q3")
        #expect(all.n == 3 && all.promoters == 2 && all.detractors == 1 && all.passives == 0)
        #expect(all.recentComments.map(\.text) == ["Slow, \"very\" slow\r\nand rude"])
        #expect(try totals(aggregates, .nps, "2026-Q3", .touchpoint("billing")).n == 1)
        #expect(try totals(aggregates, .nps, "2026-Q3", .segment("residential")).n == 2)
    }

    @Test(arguments: [
        (PeriodKind.quarter, "2026-03-31", "2026-Q1"), (.quarter, "2026-04-01", "2026-Q2"),
        (.quarter, "2025-12-31", "2025-Q4"), (.quarter, "2026-01-01", "2026-Q1"),
        (.month, "2026-09-30", "2026-09"), (.month, "2026-10-01", "2026-10"), (.month, "2024-02-29", "2024-02"),
    ])
    func responsesBelongToThePeriodOfTheirDate(_ kind: PeriodKind, _ date: String, _ period: String) throws {
        let (aggregates, _) = try aggregate(Array("date,metric,score\n\(date),csat,5\n".utf8), period: kind)
        #expect(try totals(aggregates, .csat, period).n == 1)
    }

    @Test func everyBadRowIsReportedWithItsLocation() throws {
        let text = """
            date,metric,score,touchpoint
            2026-07-01,nps,11,website
            2026-07-01,happiness,5,website
            2026-02-30,csat,4,website
            2026-07-01,ces,4,shop
            2026-07-01,ces,4
            2026-07-01,csat,five,billing
            2026-07-01,csat,"4,billing

            """
        let (aggregates, diagnostics) = try aggregate(Array(text.utf8))
        #expect(
            diagnostics.map { "\($0.location!): \($0.message)" } == [
                "content/responses/r.csv:2:16: score 11 is out of range for nps: expected 0 to 10",
                "content/responses/r.csv:3:12: unknown metric 'happiness': responses are nps (0–10), csat (1–5) or ces (1–7)",
                "content/responses/r.csv:4:1: 2026-02-30 does not exist in the calendar",
                "content/responses/r.csv:5:18: unknown touchpoint 'shop': cxsite.yaml has website, billing",
                "content/responses/r.csv:6:16: this row has 3 fields but the header has 4",
                "content/responses/r.csv:7:17: the score 'five' is not a whole number",
                "content/responses/r.csv:8:17: a quoted field is never closed: add the closing quote",
            ])
        #expect(diagnostics.first?.sourceLine == "2026-07-01,nps,11,website")
        #expect(aggregates.totals.isEmpty)
    }

    @Test func onlyTheMostRecentCriticalCommentsAreKept() throws {
        var text = "date,metric,score,comment\n"
        for day in 1...9 { text += "2026-07-0\(day),nps,\(day % 2 == 0 ? 10 : 2),day \(day)\n" }
        let (aggregates, _) = try aggregate(Array(text.utf8))
        let all = try totals(aggregates, .nps, "2026-Q3")
        #expect(all.recentComments.map(\.text) == ["day 9", "day 7", "day 5"])
        #expect(all.critical == 5)
    }

    @Test func weightsGiveWeightedValuesWithTheEffectiveSampleSize() throws {
        let (aggregates, diagnostics) = try aggregate(
            Array(
                """
                date,metric,score,weight
                2026-07-01,nps,10,2
                2026-07-01,nps,10,1
                2026-07-01,nps,3,1
                2026-07-01,nps,8,0.5
                2026-07-01,ces,5,1
                2026-07-01,ces,6,2
                2026-07-01,ces,7,1

                """.utf8))
        #expect(diagnostics.isEmpty)
        // NPS: Σw 4.5, Σw² 6.25, n_eff 3.24; promoters 3/4.5, detractors 1/4.5 of the weight.
        let nps = try totals(aggregates, .nps, "2026-Q3")
        #expect(nps.n == 4 && nps.isWeighted && abs(nps.effectiveN - 3.24) < 1e-9)
        let npsEstimate = try #require(nps.estimate(.nps))
        #expect(abs(npsEstimate.value - 44.444444) < 1e-5)
        #expect(abs(npsEstimate.interval!.lowerBound - -40.115826) < 1e-5 && abs(npsEstimate.interval!.upperBound - 86.269672) < 1e-5)
        // CES: weighted mean 6, n_eff 16/6, t with 5/3 degrees of freedom.
        let ces = try #require(try totals(aggregates, .ces, "2026-Q3").estimate(.ces))
        #expect(abs(ces.value - 6) < 1e-9)
        #expect(abs(ces.interval!.lowerBound - 3.128693) < 1e-5 && abs(ces.interval!.upperBound - 8.871307) < 1e-5)
    }

    @Test func aWeightMustBeAPositiveNumber() throws {
        let (_, diagnostics) = try aggregate(
            Array("date,metric,score,weight\n2026-07-01,nps,10,0\n2026-07-01,nps,10,\n2026-07-01,nps,10,heavy\n".utf8))
        #expect(
            diagnostics.map { "\($0.location!): \($0.message)" } == [
                "content/responses/r.csv:2:19: the weight '0' is not a positive number",
                "content/responses/r.csv:3:19: the weight is missing: a file with a weight column gives every row one",
                "content/responses/r.csv:4:19: the weight 'heavy' is not a positive number",
            ])
    }

    @Test func theScorecardJSONHasOneObjectPerMetricPeriodAndGroup() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var csv = "date,metric,score,segment,touchpoint\n"
        for (score, count) in [(10, 6), (8, 2), (3, 2)] {
            for _ in 0..<count { csv += "2026-08-01,nps,\(score),residential,billing\n" }
        }
        csv += "2026-05-01,nps,10,residential,billing\n"
        try site.write("content/responses/r.csv", csv)
        try site.append("cxsite.yaml", "min_n: 1\n")  // show groups of any size
        let summary = try site.build()
        // The snapshot NPS values for Q2 and Q3 are replaced, with a warning that names both files.
        #expect(summary.warnings.contains { $0.message.contains("nps for 2026-Q3 is computed from content/responses/r.csv") })
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        let rows = try #require((json as? [String: Any])?["metrics"] as? [[String: Any]])
        let q3 = try #require(
            rows.first {
                $0["metric"] as? String == "nps" && $0["period"] as? String == "2026-Q3"
                    && $0["segment"] is NSNull && $0["touchpoint"] is NSNull
            })
        #expect(q3["n"] as? Int == 10)
        #expect(Self.number(q3["value"]) == 40)
        // The adjusted-Wald interval of 6 promoters and 2 detractors in 10 (StatisticsTests).
        #expect(abs(Self.number(q3["low"]) - -12.585580) < 0.0001 && abs(Self.number(q3["high"]) - 74.124042) < 0.0001)
        #expect(abs(Self.number(q3["margin"]) - (74.124042 + 12.585580) / 2) < 0.0001)
        #expect(Self.number(q3["previous"]) == 100)
        #expect(Self.number(q3["delta"]) == -60)
        #expect(q3["p"] is NSNull && q3["significant"] is NSNull)  // Q2 has one response: no spread to test against
        #expect(q3["suppressed"] as? Bool == false && q3["partial"] as? Bool == false)
        #expect(q3["promoters"] as? Int == 6 && q3["passives"] as? Int == 2 && q3["detractors"] as? Int == 2)
        #expect(rows.contains { $0["touchpoint"] as? String == "billing" && $0["period"] as? String == "2026-Q3" })
        let retention = try #require(rows.first { $0["metric"] as? String == "retention" && $0["period"] as? String == "2026-Q3" })
        #expect(retention["promoters"] == nil)  // NPS-only fields are absent
        #expect(Self.number(retention["value"]) == 92.4)
        #expect(retention["margin"] is NSNull)
    }

    @Test func theScorecardShowsMarginsNoiseAndTheDetractorsBehindTheNumber() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        var csv = "date,metric,score,touchpoint,comment\n"
        for quarter in ["2026-05-01", "2026-08-01"] {
            for index in 0..<100 {
                csv += "\(quarter),nps,\(index < 60 ? 10 : index < 80 ? 8 : 4),billing,\(index == 99 ? "\"Billed twice, again\"" : "")\n"
            }
        }
        try site.write("content/responses/r.csv", csv)
        try site.build()
        let scorecard = try site.page("scorecard/index.html")
        // The adjusted-Wald interval is centred on 38.8, not on +40: its ends are shown, never a
        // "± 15.5" that is not the interval.
        #expect(scorecard.contains("+40.0 <span class=\"margin\" title=\"the 95% interval\">(23.4 to 54.3)</span>"))
        #expect(scorecard.contains("no significant change"))
        #expect(scorecard.contains("<strong>20</strong> detractors (scores 0–6) out of 100 responses (20%)"))
        #expect(scorecard.contains("<p>Billed twice, again</p>"))
        #expect(scorecard.contains("<svg class=\"chart sparkline\""))
        #expect(scorecard.contains("<svg class=\"chart bars wide\"") && scorecard.contains("<svg class=\"chart bars narrow\""))
        #expect(scorecard.contains("<title>Net Promoter Score by touchpoint, Q3 2026</title>"))
    }

    static func number(_ value: Any?) -> Double {
        (value as? NSNumber)?.doubleValue ?? .nan
    }

    /// Totals go through the build cache's format whole, and a file whose stamp is as cached
    /// is not read: the cached totals stand for it. So do the links joined from files all as
    /// cached, until one changes.
    @Test func aResponseFileUnchangedSinceTheCacheIsNotReadAgain() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("responses-\(UUID().uuidString).csv")
        try Data("date,metric,score,segment,comment\n2026-07-01,nps,3,residential,Slow\n2026-07-02,csat,5,,\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let config = SiteConfig(
            title: "T", period: .quarter, touchpoints: [Touchpoint(id: "website", name: "Website")],
            metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil)
        let aggregator = ResponseAggregator(config: config)
        let files = [("content/responses/r.csv", url)]
        // A file written within the file system's clock tick could change again unseen: its
        // totals are not kept until it has been still for two seconds (git's "racy clean" rule).
        let written = try #require(FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date)
        let writtenAt = Int(written.timeIntervalSince1970 * 1e9)
        let unsettled = aggregator.aggregate(files, now: writtenAt + 1_000_000_000).cacheable
        #expect(unsettled.files.isEmpty && unsettled.joined == nil)
        let (first, _, cacheable) = aggregator.aggregate(files, now: writtenAt + 3_000_000_000)
        let stored = try CacheCoding.decode([ResponseAggregator.FileTotals].self, from: CacheCoding.encode(cacheable.files))
        #expect(stored.map(\.aggregates.totals) == [first.totals] && stored.first?.aggregates.sources == first.sources)
        // Totals that the file could not have given: only the cache can be their source.
        var planted = try #require(stored.first)
        planted.aggregates = ResponseAggregates()
        var joined = try CacheCoding.decode(ResponseAggregator.JoinedLinks.self, from: CacheCoding.encode(try #require(cacheable.joined)))
        joined.driverPairs = [DriverKey(period: 1, metric: .csat, touchpoint: 0): PairSums(n: 99)]
        let (second, diagnostics, _) = aggregator.aggregate(
            files, cached: [planted.path: planted], joined: joined, now: Clock.settled.instant)
        #expect(diagnostics.isEmpty && second.totals.isEmpty)
        #expect(second.driverPairs == joined.driverPairs)
        // Once the file changes, it is read again, and its links joined again.
        try Data("date,metric,score\n2026-07-01,nps,10\n".utf8).write(to: url)
        let (third, _, _) = aggregator.aggregate(files, cached: [planted.path: planted], joined: joined, now: Clock.settled.instant)
        let quarter = Period(containing: Day(year: 2026, month: 7, day: 1)!, kind: .quarter)
        #expect(third.totals[ResponseAggregates.Key(metric: .nps, period: quarter, group: .all)]?.n == 1)
        #expect(third.driverPairs.isEmpty)
    }
}
