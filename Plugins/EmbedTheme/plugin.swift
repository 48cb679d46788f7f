import Foundation
import PackagePlugin

/// Generates `BuiltinTheme.swift` from the package's `templates/` folder, so the default
/// theme ships inside the binary and `templates/` stays its single source.
@main
struct EmbedTheme: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let themeFolder = context.package.directoryURL.appending(path: "templates")
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinTheme.swift")
        let files = (FileManager.default.enumerator(at: themeFolder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? [])
            .filter { !$0.hasDirectoryPath }
            .sorted { $0.path < $1.path }
        return [
            .buildCommand(
                displayName: "Embedding the default theme from templates/",
                executable: try context.tool(named: "cxsite-embed-theme").url,
                arguments: [themeFolder.path, output.path],
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }
}
