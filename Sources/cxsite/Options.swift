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
}

extension Outcome: ExpressibleByArgument {}
