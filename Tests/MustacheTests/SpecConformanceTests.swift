import Foundation
import Mustache
import Synchronization
import Testing

/// Runs every case of the official Mustache spec (v1.4, required and optional modules) from
/// `../shared/mustache-spec/` beside the checkout. The files are read in place, never copied.
struct SpecConformanceTests {
    @Test(
        .enabled(if: Spec.isAvailable, "the Mustache spec is not at ../shared/mustache-spec/: conformance not checked"),
        arguments: Spec.cases)
    func specCase(_ specCase: Spec.Case) throws {
        let partials = try TemplateSet(sources: specCase.partials)
        let template = try Template(specCase.template)
        let data = Spec.insertingLambdas(into: specCase.data, for: specCase.name)
        #expect(try template.render(data, partials: partials) == specCase.expected, "\(specCase.description)")
    }

    @Test(.enabled(if: Spec.isAvailable, "the Mustache spec is not at ../shared/mustache-spec/"))
    func allNineFilesArePresent() {
        let files = Set(Spec.cases.map(\.file))
        #expect(
            files == [
                "comments", "delimiters", "interpolation", "inverted", "partials", "sections",
                "~dynamic-names", "~inheritance", "~lambdas",
            ])
        #expect(Spec.cases.count >= 194)
    }
}

enum Spec {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        let name: String
        let template: String
        let data: MustacheValue
        let partials: [String: String]
        let expected: String

        var testDescription: String { "\(file): \(name)" }
        var description: String { testDescription }
    }

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/mustache-spec")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: folder.path) }

    static let cases: [Case] = {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.sorted().flatMap { name -> [Case] in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                let file = try? JSONDecoder().decode(File.self, from: data)
            else { return [] }
            return file.tests.map {
                Case(
                    file: String(name.dropLast(5)), name: $0.name, template: $0.template, data: $0.data,
                    partials: $0.partials ?? [:], expected: $0.expected)
            }
        }
    }()

    private struct File: Decodable {
        struct Test: Decodable {
            let name: String
            let template: String
            let data: MustacheValue
            let partials: [String: String]?
            let expected: String
        }
        let tests: [Test]
    }

    /// The spec writes lambdas as code in other languages; these Swift closures do the same.
    static func insertingLambdas(into data: MustacheValue, for name: String) -> MustacheValue {
        guard case .object(var members) = data, members["lambda"] != nil else { return data }
        members["lambda"] = .lambda(lambda(for: name))
        return .object(members)
    }

    private static func lambda(for name: String) -> MustacheLambda {
        switch name {
        case "Interpolation": MustacheLambda { "world" }
        case "Interpolation - Expansion": MustacheLambda { "{{planet}}" }
        case "Interpolation - Alternate Delimiters": MustacheLambda { "|planet| => {{planet}}" }
        case "Interpolation - Multiple Calls":
            {
                let calls = Mutex(0)
                return MustacheLambda {
                    calls.withLock {
                        $0 += 1
                        return String($0)
                    }
                }
            }()
        case "Escaping": MustacheLambda { ">" }
        case "Section": MustacheLambda(section: { $0 == "{{x}}" ? "yes" : "no" })
        case "Section - Expansion": MustacheLambda(section: { $0 + "{{planet}}" + $0 })
        case "Section - Alternate Delimiters": MustacheLambda(section: { $0 + "{{planet}} => |planet|" + $0 })
        case "Section - Multiple Calls": MustacheLambda(section: { "__" + $0 + "__" })
        case "Inverted Section": MustacheLambda(section: { _ in "" })
        default: MustacheLambda { "no Swift lambda for '\(name)'" }
        }
    }
}
