import CXCore
import ChildProcess
import Foundation
import Testing

/// axe-core in headless Chromium over one page of each kind of the sample site, half of the
/// kinds on a wide screen and the other half on a phone: no serious or critical violation
/// (`scripts/axe-check.py`; `make test` installs Chromium and axe-core where it can). Each
/// kind at one width keeps the suite under a minute; `make a11y`, which CI runs too, checks
/// every page at both.
struct AccessibilityTests {
    /// Exit status 77 of the script: Chromium or axe-core is missing.
    static let skipped = 77

    /// Why the check cannot run here, or nil when it can.
    static let missing: String? = {
        let (status, output) = run(["--version"])
        return status == skipped ? output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }()

    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        guard let result = try? ChildProcess.run("python3", [TestSite.repository.appendingPathComponent("scripts/axe-check.py").path] + arguments)
        else { return (Int32(skipped), "skipped: no python3") }
        return (result.termination.status, String(decoding: result.standardOutput + result.standardError, as: UTF8.self))
    }

    @Test(
        .enabled(if: missing == nil, "\(missing ?? ""): the accessibility check needs both (make test installs them where it can)"),
        arguments: [(1400, "1/2"), (390, "2/2")])
    func aPageOfEachKindHasNoSeriousOrCriticalViolation(width: Int, part: String) throws {
        let site = try TestSite(built: .sample)
        defer { site.cleanUp() }
        let (status, output) = Self.run([site.output.path, "--width", String(width), "--one-per-kind", "--part", part])
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 serious or critical violations"))
    }

    /// `scripts/layout-check.py` over one page of each kind: at 390 px in mobile emulation no
    /// page is wider than the screen; at 1400 px every chart's text is 16 px or more; the
    /// briefing prints on one page with its decisions.
    @Test(.enabled(if: missing == nil, "\(missing ?? ""): the layout check needs Chromium"))
    func pagesFitAPhoneChartsReadAtSixteenPixelsAndTheHandoutHoldsTheDecisions() throws {
        let site = try TestSite(built: .sample)
        defer { site.cleanUp() }
        let result = try ChildProcess.run(
            "python3", [TestSite.repository.appendingPathComponent("scripts/layout-check.py").path, site.output.path, "--one-per-kind"])
        let output = String(decoding: result.standardOutput + result.standardError, as: UTF8.self)
        #expect(result.termination.status == 0, "\(output)")
        #expect(output.contains("0 problems"))
    }
}
