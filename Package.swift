// swift-tools-version: 6.0
import PackageDescription

// `make fuzz` sets CXSITE_FUZZ=1 (and CXSITE_FUZZ_LIBDIR, the toolchain's sanitizer runtimes):
// the parsers are built with libFuzzer's coverage and AddressSanitizer, and each fuzz target's
// main starts libFuzzer's driver. In a normal build the targets replay files instead.
let fuzzing = Context.environment["CXSITE_FUZZ"] == "1"
// The fuzz targets and the benchmark are built only when asked for (`make fuzz`, `make bench`
// set CXSITE_TOOLS=1): `swift build` and `swift test` do not link them.
let tools = fuzzing || Context.environment["CXSITE_TOOLS"] == "1"
let instrumented: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")] : []
/// The fuzz targets, each in `Fuzz/Sources/NAME` with its seeds in `Fuzz/corpus/NAME`.
let fuzzTargets = ["template", "frontmatter", "csv", "markdown", "request", "workbook"]
func fuzzTarget(_ name: String) -> Target {
    let runtime = Context.environment["CXSITE_FUZZ_LIBDIR"] ?? ""
    return .executableTarget(
        name: "fuzz-\(name)", dependencies: ["CXCore", "Mustache", "Markdown", "Serve"], path: "Fuzz/Sources/\(name)",
        swiftSettings: instrumented,
        linkerSettings: fuzzing
            ? [
                .unsafeFlags([
                    "-sanitize=address", "-Xlinker", "\(runtime)/libclang_rt.fuzzer_no_main-x86_64.a",
                    "-lstdc++",
                ])
            ] : [])
}

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
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Located messages and their rendering (`path:line:column: error: …`, source line, caret).
        .target(name: "Diagnostics", swiftSettings: instrumented),
        // The Mustache template engine: knows nothing about sites.
        .target(name: "Mustache", dependencies: ["Diagnostics"], swiftSettings: instrumented),
        // The system cmark-gfm library; only `Markdown` imports it.
        .systemLibrary(
            name: "CCMarkGFM", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // A per-thread arena cmark-gfm allocates a document from; only `Markdown` imports it.
        .target(name: "CMarkdownArena", dependencies: ["CCMarkGFM"]),
        // Markdown to HTML through cmark-gfm; C pointers never leave this module.
        .target(name: "Markdown", dependencies: ["CCMarkGFM", "CMarkdownArena", "Diagnostics"], swiftSettings: instrumented),
        // The system zlib (inflate and CRC-32); only `Spreadsheet` imports it.
        .systemLibrary(name: "CZlibSystem", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // `.xlsx` workbooks read a row at a time: knows nothing about sites.
        .target(name: "Spreadsheet", dependencies: ["CZlibSystem"], swiftSettings: instrumented),
        // printf's fixed notation called from C, for numbers' text; only `CXCore` imports it.
        .systemLibrary(name: "CFormat"),
        // Programs run and waited for without Foundation's run loop: knows nothing about sites.
        .target(name: "ChildProcess"),
        // The site: config, content, metrics, page models, charts, output.
        .target(
            name: "CXCore",
            dependencies: ["CFormat", "ChildProcess", "Diagnostics", "Mustache", "Markdown", "Spreadsheet", "Yams"],
            swiftSettings: instrumented,
            plugins: ["EmbedTheme"]),
        // `cxsite serve`: the site from memory over HTTP, rebuilt on change, pages reloaded by
        // server-sent events.
        .target(name: "Serve", dependencies: ["CXCore"], swiftSettings: instrumented),
        // The command line: thin commands over CXCore and Serve.
        .executableTarget(
            name: "cxsite",
            dependencies: [
                "CXCore", "Diagnostics", "Mustache", "Serve",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Build tool: turns `templates/` into Swift source so the theme ships inside the binary.
        .executableTarget(name: "cxsite-embed-theme"),
        .plugin(name: "EmbedTheme", capability: .buildTool(), dependencies: ["cxsite-embed-theme"]),

        // What several test targets share: cost measured without a wall-clock limit.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "MustacheTests", dependencies: ["Mustache"]),
        .testTarget(name: "MarkdownTests", dependencies: ["Markdown", "TestSupport"]),
        .testTarget(
            name: "CXCoreTests", dependencies: ["CXCore", "Mustache", "Spreadsheet", "ZIPFoundation", "TestSupport", "ChildProcess"],
            exclude: ["Fixtures"]),
        .testTarget(name: "CLITests", dependencies: ["cxsite", "ChildProcess", "TestSupport"]),
        .testTarget(name: "ServeTests", dependencies: ["Serve", "CXCore", "TestSupport"]),
    ]
        + (tools
            ? [
                // `make bench`: prints throughput figures.
                .executableTarget(name: "cxsite-bench", dependencies: ["CXCore", "Mustache", "Markdown", "ChildProcess", "TestSupport"])
                // `make fuzz`: libFuzzer targets; without CXSITE_FUZZ they replay files instead.
            ] + fuzzTargets.map(fuzzTarget) : []),
    swiftLanguageModes: [.v6]
)
