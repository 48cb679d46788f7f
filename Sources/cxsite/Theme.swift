import ArgumentParser
import CXCore

extension CXSite {
    struct Theme: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Follows what customers write: adds themes to content/themes.yaml.",
            subcommands: [Add.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Adds a theme that matches a phrase (a suggested theme, say) and prints the file's path.")

            @Argument(help: "The phrase that mentions the theme, as on the themes page.")
            var phrase: String

            @Option(name: .long, help: "The theme's id, its page's name (default: made from the phrase).")
            var id: String?

            @Option(name: .long, help: "The theme's name (default: the phrase).")
            var name: String?

            @Option(name: .long, help: ArgumentHelp("The journey id it belongs to.", valueName: "id"))
            var touchpoint: String?

            @OptionGroup var site: SiteOptions

            func run() throws {
                try reportingErrors {
                    Console.out(try Authoring.addTheme(phrase: phrase, id: id, name: name, touchpoint: touchpoint, in: site.url))
                }
            }
        }
    }
}
