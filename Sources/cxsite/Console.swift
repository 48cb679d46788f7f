import CXCore
import Diagnostics
import Foundation

/// Messages to standard error.
enum Console {
    static func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            error(diagnostic.description)
        }
    }

    /// A progress bar drawn on one terminal line of standard error.
    static func progressBar(_ label: String) -> @Sendable (Double) -> Void {
        { share in
            let width = 30
            let filled = Int(share * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r  \(label) \(bar) \(Int(share * 100))%".utf8))
        }
    }

    /// Clears the progress bar's line, if one was drawn.
    static func finishProgress() {
        if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// Writes `message` and a line break to standard error, with nothing in it that a
    /// terminal would act on.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((TextSafety.forTerminal(message) + "\n").utf8))
    }

    /// Writes `message` and a line break to standard output, likewise made safe.
    static func out(_ message: String) {
        print(TextSafety.forTerminal(message))
    }
}
