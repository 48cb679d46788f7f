import ArgumentParser
import CXCore

extension CXSite {
    struct Freeze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keeps the figures a briefing shows today, so later builds show both if late responses change them.",
            discussion: """
                Writes content/briefings/SLUG.figures.yaml and prints its path. Run it once the briefing \
                is published, and keep the file in git: when a response dated in the briefing's period \
                arrives later, the briefing shows the figures as frozen beside today's.
                """
        )

        @Argument(help: ArgumentHelp("The briefing, by its file name without .md.", valueName: "slug"))
        var slug: String

        @Flag(name: .long, help: "Freeze today's figures in place of those already frozen, forgetting them.")
        var replace = false

        @OptionGroup var site: SiteOptions

        @OptionGroup var draftOptions: DraftOptions

        func run() throws {
            try reportingErrors {
                Console.out(try Authoring.freezeFigures(of: slug, options: draftOptions.options(source: site.url), replacing: replace))
            }
        }
    }
}
