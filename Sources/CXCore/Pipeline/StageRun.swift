import Diagnostics
import Foundation

/// The stages of the pipeline, in order; each diagnostic carries the one that found it.
enum Stage: String, Sendable {
    case load, validate, model, render, write
}

/// One build's way through the stages: the diagnostics each reported, tagged with it, and
/// how long each took.
struct StageRun {
    private(set) var diagnostics: [Diagnostic] = []
    var clock = StageClock()

    /// True once any stage has reported an error.
    var failed: Bool { diagnostics.contains(where: \.isError) }

    /// Runs a stage (or a step of one, timed under `label`), keeping its diagnostics.
    mutating func stage<Value>(_ stage: Stage, _ label: String? = nil, _ body: () -> (Value, [Diagnostic])) -> Value {
        let (value, found) = body()
        record(stage, found)
        clock.finish(label ?? stage.rawValue)
        return value
    }

    mutating func record(_ stage: Stage, _ found: [Diagnostic]) {
        diagnostics += found.map { diagnostic in
            var diagnostic = diagnostic
            diagnostic.stage = diagnostic.stage ?? stage.rawValue
            return diagnostic
        }
    }

    /// The files that load and validation reported anything about.
    var pathsWithDiagnostics: Set<String> {
        Set(diagnostics.filter { $0.stage == Stage.load.rawValue || $0.stage == Stage.validate.rawValue }.compactMap(\.location?.path))
    }

    /// Every diagnostic so far, sorted, to throw.
    func failure() -> DiagnosticList { DiagnosticList(diagnostics.sorted()) }
}

/// Times the stages of a build on the monotonic clock.
struct StageClock {
    private let start = DispatchTime.now().uptimeNanoseconds
    private var last = DispatchTime.now().uptimeNanoseconds
    private(set) var stages: [(name: String, seconds: Double)] = []

    mutating func finish(_ stage: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        stages.append((stage, Double(now - last) / 1e9))
        last = now
    }

    var total: Double { Double(last - start) / 1e9 }
}
