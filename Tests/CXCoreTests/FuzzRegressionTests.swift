import CXCore
import Foundation
import Testing

/// Every seed of the fuzz corpora and every input a fuzzer ever crashed on (`Fuzz/crashes/`)
/// goes through the same entry points as `make fuzz`: each must return.
struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The fuzz targets whose entry points live in CXCore (the request reader's are Serve's).
    static let targets = ["template", "frontmatter", "csv", "markdown", "workbook"]

    /// The files of `Fuzz/KIND/TARGET`, as `KIND/TARGET/NAME`; a missing folder throws, so a
    /// moved corpus fails here instead of replaying nothing.
    static func files(_ kind: String, _ target: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("\(kind)/\(target)").path)
            .filter { !$0.hasPrefix(".") }.sorted().map { "\(kind)/\(target)/\($0)" }
    }

    @Test func everyTargetHasSeedsAndAFolderForCrashes() throws {
        for target in Self.targets + ["request"] {
            #expect(try !Self.files("corpus", target).isEmpty, "Fuzz/corpus/\(target) has no seeds")
            _ = try Self.files("crashes", target)
        }
    }

    @Test(arguments: try ["corpus", "crashes"].flatMap { kind in try targets.flatMap { try files(kind, $0) } })
    func inputReturns(_ path: String) throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent(path))
        switch path.split(separator: "/")[1] {
        case "template": FuzzEntryPoints.template(Array(data))
        case "frontmatter": FuzzEntryPoints.frontMatter(Array(data))
        case "markdown": FuzzEntryPoints.markdown(Array(data))
        case "workbook": FuzzEntryPoints.workbook(Array(data))
        default: FuzzEntryPoints.csv(Array(data))
        }
    }
}
