import ArgumentParser
import CXCore
import Foundation
import Mustache

extension CXSite {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Renders one Mustache template to standard output, to debug a template.",
            discussion: """
                Prints exactly the rendered text, adding nothing. {{>name}} and {{<name}} resolve to \
                DIR/name.mustache (subfolders as dir/name), by default in the template's own folder. \
                Errors go to standard error with exit status 1.
                """
        )

        @Argument(help: ArgumentHelp("The template file.", valueName: "template"))
        var template: String

        @Option(name: .long, help: ArgumentHelp("Data for the template: a .json, .yaml or .yml file.", valueName: "file"))
        var data: String?

        @Option(name: .long, help: ArgumentHelp("The folder partials and parents are read from.", valueName: "dir"))
        var partials: String?

        @Flag(name: .long, help: "Report names and partials that resolve to nothing.")
        var strict = false

        func run() throws {
            do {
                let templateURL = URL(fileURLWithPath: template)
                let text = try readText(templateURL)
                let compiled = try Template(
                    text, name: templateURL.deletingPathExtension().lastPathComponent,
                    path: template)
                let folder = partials.map { URL(fileURLWithPath: $0) } ?? templateURL.deletingLastPathComponent()
                let set = try TemplateSet(directory: folder)
                let value = try data.map(loadData) ?? .object([:])
                let output = try compiled.renderBytes(value, partials: set, options: RenderOptions(strict: strict))
                FileHandle.standardOutput.write(Data(output))
            } catch let errors as DiagnosticList {
                Console.report(errors.diagnostics)
                throw ExitCode(1)
            } catch let error as RenderInputError {
                Console.error(error.description)
                throw ExitCode(1)
            }
        }

        private func loadData(_ path: String) throws -> MustacheValue {
            let url = URL(fileURLWithPath: path)
            let text = try readText(url)
            switch url.pathExtension.lowercased() {
            case "json":
                do { return try MustacheValue(json: Data(text.utf8)) } catch {
                    throw RenderInputError(description: "\(path): error: not valid JSON: \(error)")
                }
            case "yaml", "yml":
                do { return try MustacheValue(yaml: text) } catch {
                    throw RenderInputError(description: "\(path): error: not valid YAML: \(error)")
                }
            default:
                throw RenderInputError(description: "\(path): error: --data takes a .json, .yaml or .yml file")
            }
        }

        private func readText(_ url: URL) throws -> String {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw RenderInputError(description: "\(url.path): error: no such file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw RenderInputError(description: "\(url.path): error: the file is not valid UTF-8")
            }
            return text
        }
    }
}

struct RenderInputError: Error, CustomStringConvertible {
    let description: String
}
