import Foundation
import PackagePlugin

/// Generates `BuiltinTheme.swift` from the package's `templates/` folder and
/// `BuiltinData.swift` from its `data/` folder, so the default theme and the sentiment lexicon
/// ship inside the binary and those folders stay their single source.
@main
struct EmbedTheme: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "cxsite-embed-theme").url
        return [("templates", "BuiltinTheme"), ("data", "BuiltinData")].map { folderName, name in
            let folder = context.package.directoryURL.appending(path: folderName)
            let output = context.pluginWorkDirectoryURL.appending(path: "\(name).swift")
            let files =
                (FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
                .compactMap { $0 as? URL } ?? [])
                .filter { !$0.hasDirectoryPath }
                .sorted { $0.path < $1.path }
            return .buildCommand(
                displayName: "Embedding \(folderName)/ as \(name)",
                executable: tool,
                arguments: [folder.path, output.path, name],
                inputFiles: files,
                outputFiles: [output]
            )
        }
    }
}
