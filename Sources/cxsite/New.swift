import ArgumentParser
import CXCore
import Foundation

extension CXSite {
    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Creates a story or a briefing with today's date and the front matter filled in.",
            subcommands: [Story.self, Briefing.self]
        )

        struct Story: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Creates content/stories/SLUG.md and prints its path.")

            @Argument(help: "The story's title.")
            var title: String

            @Option(name: .long, help: "success or failure.")
            var outcome: Outcome = .success

            @Option(name: .customLong("touchpoint"), help: ArgumentHelp("A journey id the story crosses; repeat for more.", valueName: "id"))
            var touchpoints: [String] = []

            @OptionGroup var site: SiteOptions

            func validate() throws {
                _ = try fileName(for: title)
            }

            func run() throws {
                try reportingErrors {
                    let facts = try Authoring.facts(of: site.url)
                    if let unknown = touchpoints.first(where: { !facts.touchpoints.contains($0) }) {
                        throw ValidationError("unknown touchpoint '\(unknown)': cxsite.yaml has \(facts.touchpoints.joined(separator: ", "))")
                    }
                    let path = "content/stories/\(try fileName(for: title)).md"
                    let text = Authoring.story(title: title, date: Clock.system().today, outcome: outcome, touchpoints: touchpoints)
                    let written = try SourceFiles.create([(path, text)], in: site.url)
                    Console.out(written[0])
                }
            }
        }

        struct Briefing: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Creates content/briefings/SLUG.md, opening with the newest success and failure, and prints its path.")

            @Argument(help: "The briefing's title.")
            var title: String

            @Option(name: .long, help: ArgumentHelp("The period it covers, as 2026-Q4 or 2026-11 (default: the current one).", valueName: "period"))
            var period: String?

            @OptionGroup var site: SiteOptions

            func validate() throws {
                _ = try fileName(for: title)
            }

            func run() throws {
                try reportingErrors {
                    let facts = try Authoring.facts(of: site.url)
                    let today = Clock.system().today
                    var covered = Period(containing: today, kind: facts.period)
                    if let period {
                        switch Period.parse(period) {
                        case .success(let parsed) where parsed.kind == facts.period: covered = parsed
                        case .success:
                            throw ValidationError("--period \(period) is not a \(facts.period.rawValue), which is how cxsite.yaml groups time")
                        case .failure(let problem): throw ValidationError("--period: \(problem)")
                        }
                    }
                    let path = "content/briefings/\(try fileName(for: title)).md"
                    let text = Authoring.briefing(
                        title: title, date: today, period: covered,
                        success: facts.newestSuccess, failure: facts.newestFailure)
                    let written = try SourceFiles.create([(path, text)], in: site.url)
                    Console.out(written[0])
                }
            }
        }
    }
}

/// The file name `new` makes of `title`; refused when no build would accept it.
private func fileName(for title: String) throws -> String {
    let slug = Authoring.slug(for: title)
    if let problem = Authoring.fileNameProblem(slug) {
        throw ValidationError("the title '\(title)' makes the file name '\(slug)', which \(problem): choose another title")
    }
    return slug
}

/// Runs `body`, printing a site's diagnostics and exiting 1 when it throws them.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let errors as DiagnosticList {
        Console.report(errors.diagnostics)
        throw ExitCode(1)
    }
}
