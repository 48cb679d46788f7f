import Foundation
import Testing

@testable import CXCore

/// A large response file is read in parts on all cores: what it adds up to, and what it
/// reports, must be what reading it from the start gives.
struct ResponsePartsTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var csv: String
        /// Whether the parts are kept; false when the file must be read again whole.
        var readInParts: Bool
        var testDescription: String { name }
    }

    static let header = "date,metric,score,respondent,segment,touchpoint,comment\n"

    /// Rows of every kind of answer, some with a comment, some with a quoted comma.
    static func rows(
        _ count: Int, segment: (Int) -> String = { ["residential", "business"][$0 % 2] },
        comment: (Int) -> String = {
            ["", "slow billing again", "\"great, quick install\"", "", "the app keeps logging me out"][$0 % 5]
        }
    ) -> String {
        (0..<count).map { row in
            let date = "2026-0\(1 + row % 9)-1\(row % 10)"
            let (metric, score) = [("nps", row % 11), ("csat", 1 + row % 5), ("ces", 1 + row % 7)][row % 3]
            return "\(date),\(metric),\(score),R-\(row % 23),\(segment(row)),\(["website", "billing"][row % 2]),\(comment(row))\n"
        }.joined()
    }

    static let cases: [Case] = [
        Case(name: "rows with comments", csv: header + rows(120), readInParts: true),
        Case(name: "a byte-order mark", csv: "\u{FEFF}" + header + rows(120), readInParts: true),
        Case(name: "CRLF line ends", csv: (header + rows(120)).replacingOccurrences(of: "\n", with: "\r\n"), readInParts: true),
        Case(
            name: "comments with line breaks, so a part starts inside a quote",
            csv: header + rows(120, comment: { "\"line \($0)\nand\nmore\nlines\"" }), readInParts: false),
        Case(
            name: "an error in a later part",
            csv: header + rows(100) + "2026-13-01,nps,5,R-1,business,website,\n" + rows(20), readInParts: false),
        Case(
            name: "a segment written in another case in a later part",
            csv: header + rows(100) + rows(20, segment: { _ in "Business" }), readInParts: false),
        Case(
            name: "more segments than a file may name, none too many in a part",
            csv: header + rows(ResponseAggregator.segmentsPerFile + 5, segment: { "s\($0)" }, comment: { _ in "" }),
            readInParts: false),
    ]

    private static let config = SiteConfig(
        title: "T", period: .quarter,
        touchpoints: [Touchpoint(id: "website", name: "Website"), Touchpoint(id: "billing", name: "Billing")],
        metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil)

    @Test(arguments: cases)
    func partsAddUpToTheWholeFile(_ test: Case) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("parts-\(UUID().uuidString).csv")
        try Data(test.csv.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let files = [("content/responses/r.csv", url)]
        var whole = ResponseAggregator(config: Self.config)
        whole.partBytes = .max / 2
        var parted = whole
        parted.partBytes = test.csv.utf8.count / 16
        let expected = whole.aggregate(files, now: Clock.test.instant)
        let found = parted.aggregate(files, now: Clock.test.instant)
        #expect(try CacheCoding.encode(found.0) == CacheCoding.encode(expected.0))
        #expect(found.1.map(\.description) == expected.1.map(\.description))

        let job = ResponseAggregator.FileJob(path: files[0].0, url: url, stamp: FileStamp(path: url.path))
        let counter = ProgressCounter(total: 0, report: nil)
        guard case .split(let head, let parts) = parted.start(job, counter: counter) else {
            Issue.record("the file was not split")
            return
        }
        #expect(parts.count > ResponseAggregator.partsAtOnce)
        #expect(parts.map(\.range.count).reduce(0, +) + parts[0].range.lowerBound == test.csv.utf8.count)
        #expect((parted.read(parts, after: head, of: job, counter: counter) != nil) == test.readInParts)
    }

    /// Parts are merged in pairs, in parallel: the result is the fold in order.
    @Test(arguments: [1, 2, 3, 8, 9, 17])
    func pairwiseCombiningKeepsTheOrder(count: Int) {
        var words = (0..<count).map { [String($0)] }
        words.combinePairwise { $0 += $1 }
        #expect(words == [(0..<count).map(String.init)])
    }
}
