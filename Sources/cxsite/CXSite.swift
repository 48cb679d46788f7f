import ArgumentParser
import CXCore

@main
struct CXSite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cxsite",
        abstract: "Builds a static CX briefing site that puts customer stories before scores.",
        discussion: """
            A site folder holds cxsite.yaml (title, period, journey, metrics), content/ (stories, \
            briefings, metric snapshots, survey responses, perception rounds) and optionally \
            templates/ (overrides of the built-in theme). Start with: cxsite init DIR.
            """,
        version: cxsiteVersion,
        subcommands: [Build.self, Check.self, ServeCommand.self, Init.self, New.self, Theme.self, Freeze.self, Render.self]
    )
}
