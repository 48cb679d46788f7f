import ArgumentParser
import CXCore
import Foundation
import Serve

extension CXSite {
    struct ServeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serves the site, rebuilds it on every save and reloads open pages.",
            discussion: """
                Builds into memory (public/ is not touched), serves over HTTP, watches cxsite.yaml, \
                content/ and templates/, rebuilds on change and reloads open pages through \
                server-sent events. When a rebuild fails, pages show its errors until the next good save.
                """
        )

        @OptionGroup var site: SiteOptions

        @Option(name: .long, help: "The port to listen on.")
        var port: UInt16 = 8080

        @Option(name: .long, help: "The address to listen on.")
        var host: String = "127.0.0.1"

        @Option(
            name: .customLong("allow-host"),
            help: ArgumentHelp(
                "A name the preview may be reached by besides localhost and IP addresses (repeatable); other names get 403.",
                valueName: "name"))
        var allowedHosts: [String] = []

        @OptionGroup var draftOptions: DraftOptions

        func run() throws {
            let options = draftOptions.options(source: site.url)
            let server = PreviewServer(
                options: options, host: host, port: port, hosts: HostCheck(allowing: allowedHosts), clock: { .system() },
                log: Console.error)
            do {
                try server.run()
            } catch let error as ServeError {
                Console.error("error: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
