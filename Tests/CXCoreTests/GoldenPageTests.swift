import CXCore
import Foundation
import Testing

/// Whole pages (and the feed, the scorecard export and the output marker) of the `basic`
/// fixture compared with golden files, so any change to what a
/// reader sees shows up in review. Re-record with `CXSITE_RECORD_GOLDEN=1 swift test`.
struct GoldenPageTests {
    static let pages = [
        "index.html", "stories/index.html", "stories/double-bill.html", "stories/fast-install.html",
        "scorecard/index.html", "touchpoints/billing.html", "briefings/index.html", "briefings/q2.html",
        "gap/index.html", "journeys/index.html", "journeys/customer-journey.html", "touchpoints/index.html",
        "loops/index.html", "404.html",
        "feed.xml", "scorecard.json", ".cxsite-output",
    ]
    static let goldenFolder = TestSite.fixtures.appendingPathComponent("golden/basic")

    @Test(arguments: pages)
    func pageMatchesItsGoldenFile(_ page: String) throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.build()
        let actual = try site.page(page)
        let golden = Self.goldenFolder.appendingPathComponent(page.replacingOccurrences(of: "/", with: "__"))
        if ProcessInfo.processInfo.environment["CXSITE_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenFolder, withIntermediateDirectories: true)
            try actual.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(
            actual == expected, "\(page) differs from \(golden.lastPathComponent); re-record with CXSITE_RECORD_GOLDEN=1 if the change is intended")
    }
}
