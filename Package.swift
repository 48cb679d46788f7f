// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "cxsite",
    products: [
        .executable(name: "cxsite", targets: ["cxsite"]),
        .library(name: "Mustache", targets: ["Mustache"]),
        .library(name: "CXCore", targets: ["CXCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Located messages and their rendering (`path:line:column: error: …`, source line, caret).
        .target(name: "Diagnostics"),
        // The Mustache template engine: knows nothing about sites.
        .target(name: "Mustache", dependencies: ["Diagnostics", "Yams"]),
        // The system cmark-gfm library; only `Markdown` imports it.
        .systemLibrary(name: "CCMarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // Markdown to HTML through cmark-gfm; C pointers never leave this module.
        .target(name: "Markdown", dependencies: ["CCMarkGFM"]),
        // The site: config, content, metrics, page models, charts, output.
        .target(name: "CXCore",
                dependencies: ["Diagnostics", "Mustache", "Markdown", "Yams"],
                plugins: ["EmbedTheme"]),
        // The command line: thin commands over CXCore.
        .executableTarget(name: "cxsite", dependencies: [
            "CXCore", "Mustache",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // `make bench`: prints throughput figures.
        .executableTarget(name: "cxsite-bench", dependencies: ["CXCore", "Mustache"]),
        // Build tool: turns `templates/` into Swift source so the theme ships inside the binary.
        .executableTarget(name: "cxsite-embed-theme"),
        .plugin(name: "EmbedTheme", capability: .buildTool(), dependencies: ["cxsite-embed-theme"]),

        .testTarget(name: "MustacheTests", dependencies: ["Mustache"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown"]),
        .testTarget(name: "CXCoreTests", dependencies: ["CXCore"], exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["cxsite"]),
    ],
    swiftLanguageModes: [.v6]
)
