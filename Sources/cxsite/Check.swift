import ArgumentParser
import CXCore
import Foundation

extension CXSite {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Finds every mistake before the meeting; writes nothing.",
            discussion: """
                Everything build validates, plus broken internal links in markdown, templates that \
                fail in strict mode (names and partials that resolve to nothing), stories named by \
                briefings that do not exist, and the warnings (a briefing with no failure, loops open \
                for more than 30 days, …). Exit status: 0 clean, 1 errors, 2 warnings with --strict.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @OptionGroup var site: SiteOptions

        @Flag(name: .long, help: "Exit with status 2 when there are warnings.")
        var strict = false

        @Option(name: .long, help: "How to print the diagnostics: text or json (for CI).")
        var format: Format = .text

        @OptionGroup var draftOptions: DraftOptions

        func run() throws {
            let diagnostics = SiteBuilder.check(draftOptions.options(source: site.url))
            let errors = diagnostics.filter(\.isError).count
            let warnings = diagnostics.count - errors
            switch format {
            case .text:
                Console.report(diagnostics)
                Console.error(
                    errors == 0 && warnings == 0
                        ? "check: no problems found"
                        : "check: \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")")
            case .json:
                print(DiagnosticJSON.document(diagnostics))
            }
            if errors > 0 { throw ExitCode(1) }
            if strict, warnings > 0 { throw ExitCode(2) }
        }
    }
}

/// Diagnostics as JSON, for CI.
enum DiagnosticJSON {
    private struct Entry: Encodable {
        let severity: String
        let message: String
        let path: String?
        let line: Int?
        let column: Int?
        let sourceLine: String?
        /// Lines to paste (a mapping guessed for an export), when the diagnostic has them.
        let attachment: [String]?
    }

    private struct Document: Encodable {
        let errors: Int
        let warnings: Int
        let diagnostics: [Entry]
    }

    static func document(_ diagnostics: [Diagnostic]) -> String {
        let entries = diagnostics.map { diagnostic in
            Entry(
                severity: diagnostic.severity.rawValue, message: diagnostic.message, path: diagnostic.location?.path,
                line: diagnostic.location.flatMap { $0.line > 0 ? $0.line : nil },
                column: diagnostic.location.flatMap { $0.column > 0 ? $0.column : nil }, sourceLine: diagnostic.sourceLine,
                attachment: diagnostic.attachment.isEmpty ? nil : diagnostic.attachment)
        }
        let errors = diagnostics.filter(\.isError).count
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Document(errors: errors, warnings: diagnostics.count - errors, diagnostics: entries))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
