import Foundation
import Testing

/// Runs the built `cxsite` binary as a user would and captures what it prints.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum CXSiteBinary {
    /// The `cxsite` executable next to the test bundle.
    static let url: URL = {
        let testBinary = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent("cxsite")
    }()

    /// The date every command runs on unless a test says otherwise: `SOURCE_DATE_EPOCH` of
    /// 2026-12-01, whatever the test runner's environment or the machine's clock say.
    static let today = ["SOURCE_DATE_EPOCH": "1796083200"]

    /// `cxsite` with `arguments`, ready to start, on the date ``today`` unless `environment`
    /// names another; what it prints goes nowhere until a test says where.
    static func process(_ arguments: [String], environment: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(today.merging(environment) { _, new in new }) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return process
    }

    /// Runs `cxsite` with `arguments` to its end, on the date ``today`` unless `environment`
    /// names another.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        let process = process(arguments, environment: environment)
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                             stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// A running `cxsite serve` of the site in `source`, on a port the system picked (`--port 0`),
/// read from the line it prints once it listens.
final class ServeProcess {
    let process: Process
    let port: Int
    private let errors = Pipe()

    init(source: String) throws {
        process = CXSiteBinary.process(["serve", "--source", source, "--port", "0"])
        process.standardError = errors
        try process.run()
        // "Serving SOURCE at http://127.0.0.1:PORT/ — …", after the first build.
        var printed: [UInt8] = []
        var port: Int?
        while port == nil {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { break }  // the server stopped before it listened
            printed += chunk
            let text = String(decoding: printed, as: UTF8.self)
            if let range = text.range(of: "at http://127.0.0.1:"), let end = text[range.upperBound...].firstIndex(of: "/") {
                port = Int(text[range.upperBound..<end])
            }
        }
        self.port = port ?? 0
        // What it prints from now on is read and dropped, so it never waits on a full pipe.
        errors.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
    }

    /// Stops the server and waits for it to end.
    func stop() {
        errors.fileHandleForReading.readabilityHandler = nil
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A temporary folder that tests fill with files.
struct Scratch {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }
}
