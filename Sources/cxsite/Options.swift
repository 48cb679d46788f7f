import ArgumentParser
import CXCore
import Foundation

/// `--source`, which every command that reads a site takes.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site folder.", valueName: "dir"))
    var source: String = "."

    var url: URL { URL(fileURLWithPath: source) }
}

/// `--drafts`, for the commands that build pages.
struct DraftOptions: ParsableArguments {
    @Flag(name: .long, help: "Include stories marked 'draft: true'.")
    var drafts = false

    @Flag(name: .long, help: "Stories dated after today are meant: do not warn about them.")
    var future = false

    /// The build options for the site at `source`, with these choices, on the system's clock
    /// read now.
    func options(source: URL, output: URL? = nil) -> BuildOptions {
        var options = BuildOptions(source: source, output: output, includeDrafts: drafts, clock: .system())
        options.allowsFuture = future
        return options
    }
}

extension Outcome: ExpressibleByArgument {}
