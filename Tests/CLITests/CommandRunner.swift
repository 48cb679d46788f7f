import ChildProcess
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
        let testBinary =
            Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent("cxsite")
    }()

    /// The date every command runs on unless a test says otherwise: `SOURCE_DATE_EPOCH` of
    /// 2026-12-01, whatever the test runner's environment or the machine's clock say.
    static let today = ["SOURCE_DATE_EPOCH": "1796083200"]

    /// The environment `cxsite` runs in: this process's, on the date ``today`` unless
    /// `environment` names another.
    private static func environment(_ environment: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(today.merging(environment) { _, new in new }) { _, new in new }
    }

    /// Starts `cxsite` with `arguments`; what it prints goes nowhere unless a file is named.
    static func start(
        _ arguments: [String], environment: [String: String] = [:],
        standardError: ChildProcess.Output = .discarded
    ) throws -> ChildProcess {
        try ChildProcess(url.path, arguments, environment: Self.environment(environment), standardError: standardError)
    }

    /// Runs `cxsite` with `arguments` to its end.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> CommandResult {
        let result = try ChildProcess.run(url.path, arguments, environment: Self.environment(environment), directory: directory?.path)
        return CommandResult(
            status: result.termination.status, stdout: String(decoding: result.standardOutput, as: UTF8.self),
            stderr: String(decoding: result.standardError, as: UTF8.self))
    }
}

/// A running `cxsite serve` of the site in `source`, on a port the system picked (`--port 0`),
/// read from the line it prints once it listens.
final class ServeProcess {
    let process: ChildProcess
    let port: Int
    /// What the server printed up to the line that names its port.
    let greeting: String

    init(source: String, arguments: [String] = [], host: String = "127.0.0.1") throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("cxsite-serve-\(UUID().uuidString).log").path
        defer { unlink(log) }  // the server keeps writing to the file, unnamed
        process = try CXSiteBinary.start(["serve", "--source", source, "--port", "0", "--host", host] + arguments, standardError: .file(log))
        // "Serving SOURCE at http://HOST:PORT/ — …", after the first build: looked for every
        // 20 ms, for at most a minute.
        var port: Int?
        var text = ""
        for _ in 0..<3000 where port == nil && process.isRunning {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "at http://\(host):"), let end = text[range.upperBound...].firstIndex(of: "/") {
                port = Int(text[range.upperBound..<end])
            } else {
                usleep(20_000)
            }
        }
        self.port = port ?? 0
        greeting = text
    }

    /// Stops the server and waits for it to end.
    func stop() {
        guard process.isRunning else { return }
        process.send(SIGTERM)
        _ = process.wait()
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
