import CXCore
import Foundation
import Testing

/// Every seed of the fuzz corpora and every input a fuzzer ever crashed on (`Fuzz/crashes/`)
/// goes through the same entry points as `make fuzz`: each must return.
struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    static let inputs: [String] = ["corpus", "crashes"].flatMap { kind in
        ["template", "frontmatter", "csv", "markdown", "workbook"].flatMap { target in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("\(kind)/\(target)").path)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted().map { "\(kind)/\(target)/\($0)" }
        }
    }

    @Test(arguments: inputs)
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
