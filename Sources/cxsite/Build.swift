import ArgumentParser
import CXCore
import Foundation

extension CXSite {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Builds the site into the output folder.",
            discussion: """
                Reads SOURCE/cxsite.yaml, SOURCE/content and SOURCE/templates, and writes the site to a \
                folder beside the output that is exchanged with it atomically when complete (the \
                previous site stays beside it as a spare, so the next build writes only what changed). \
                The output must be a new path, an empty folder or a folder cxsite wrote (it holds a \
                .cxsite-output file): anything else is refused before any work. \
                On bad content it prints every error as path:line:column: error: message with the \
                source line, exits 1 and leaves the previous output untouched.
                """
        )

        @OptionGroup var site: SiteOptions

        @Option(name: .long, help: ArgumentHelp("Where to write the site (default: SOURCE/public).", valueName: "dir"))
        var output: String?

        @OptionGroup var draftOptions: DraftOptions

        @Option(
            name: .customLong("base-url"),
            help: ArgumentHelp("The public address of this copy, in place of base_url in cxsite.yaml (a staging copy).", valueName: "url"))
        var baseURL: String?

        @Flag(name: .long, help: "Show how long each stage took.")
        var verbose = false

        @Flag(name: .long, help: "Print nothing but errors (for scripts).")
        var quiet = false

        @Flag(name: .customLong("no-git"), help: "Do not read when each story last changed from git.")
        var noGit = false

        @Flag(
            name: .customLong("no-cache"), help: "Ignore the build cache (.cxsite-cache/) and write none: parse, render and write every file again.")
        var noCache = false

        func validate() throws {
            if verbose && quiet { throw ValidationError("--verbose and --quiet ask for opposite things: give one") }
            if let baseURL, let problem = SiteConfig.baseURLProblem(baseURL) { throw ValidationError("--base-url \(problem)") }
        }

        func run() throws {
            var options = draftOptions.options(source: site.url, output: output.map { URL(fileURLWithPath: $0) })
            options.useGit = !noGit
            options.useCache = !noCache
            options.baseURL = baseURL
            options.leavesMemoryToExit = true  // the command ends with the build
            if !quiet, isatty(STDERR_FILENO) == 1 { options.progress = Console.progressBar("importing responses") }
            options.waiting = { message in Console.error(message) }
            do {
                let summary = try SiteBuilder.build(options)
                Console.finishProgress()
                if quiet { return }
                Console.report(summary.warnings)
                if verbose {
                    let width = summary.stages.map(\.name.count).max() ?? 0
                    for stage in summary.stages {
                        print(
                            "  " + stage.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                                + String(format: "%7.1f ms", stage.seconds * 1000))
                    }
                    let reuse = summary.reuse
                    print(
                        "  stories parsed \(reuse.storiesParsed), from the cache \(reuse.storiesReused) (\(reuse.storiesNotRead) not read); "
                            + "pages rendered \(reuse.pagesRendered), kept \(reuse.pagesKept)")
                }
                Console.out(summary.line)
            } catch let errors as DiagnosticList {
                Console.finishProgress()
                Console.report(errors.diagnostics)
                let count = errors.errors.count
                Console.error("build failed with \(count) \(count == 1 ? "error" : "errors"); \(options.output.path) was not changed")
                throw ExitCode(1)
            }
        }
    }
}
