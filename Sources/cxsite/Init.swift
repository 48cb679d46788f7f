import ArgumentParser
import CXCore
import Foundation

extension CXSite {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Writes a small working site that builds at once.",
            discussion: "Refuses to overwrite any existing file: nothing is written if one of them exists."
        )

        @Argument(help: ArgumentHelp("The folder for the new site (created when missing).", valueName: "dir"))
        var directory: String

        @Flag(name: .customLong("with-templates"), help: "Also write out the built-in theme, to customise it.")
        var withTemplates = false

        func run() throws {
            let folder = URL(fileURLWithPath: directory)
            do {
                let written = try SourceFiles.create(
                    Authoring.starterSite(today: Clock.system().today, withTemplates: withTemplates),
                    in: folder)
                Console.out("Created a site with \(written.count) files in \(folder.path). Next: cxsite build --source \(directory)")
            } catch let errors as DiagnosticList {
                Console.report(errors.diagnostics)
                throw ExitCode(1)
            }
        }
    }
}
