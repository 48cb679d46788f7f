/// A place in a source file. Lines and columns start at 1; columns count Unicode scalars,
/// so a caret printed under `column` sits under the right character.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// A location for a whole file, printed as `path` alone.
    public static func file(_ path: String) -> SourceLocation {
        SourceLocation(path: path, line: 0, column: 0)
    }

    /// `path:line:column`, or just `path` for a whole-file location; the path on one line,
    /// with nothing a terminal would act on.
    public var description: String {
        let path = TextSafety.forTerminal(path, oneLine: true)
        if line <= 0 { return path }
        if column <= 0 { return "\(path):\(line)" }
        return "\(path):\(line):\(column)"
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}

/// An error or warning with a location, the text of the line it points into, and notes
/// that point at related places (where a section was opened, the other file of a pair).
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        case error, warning, note
    }

    /// A related place, printed after the main message.
    public struct Note: Hashable, Sendable {
        public var message: String
        public var location: SourceLocation?
        public var sourceLine: String?

        /// Columns dropped from the front of `sourceLine` when it was cut to fit the terminal.
        public var sourceLineShift: Int

        public init(_ message: String, at location: SourceLocation? = nil, sourceLine: String? = nil) {
            self.message = Excerpt.clip(message)
            self.location = location
            (self.sourceLine, self.sourceLineShift) = Excerpt.cut(sourceLine, around: location?.column ?? 0)
        }
    }

    public var severity: Severity
    public var message: String
    public var location: SourceLocation?
    /// The stage of the program that found it (a build's `load`, `validate`, `model`,
    /// `render` or `write`), when one says.
    public var stage: String?
    /// The text of the line `location` points into, when known: all of it, or for a long
    /// line the part around the column, with `…` where it was cut.
    public var sourceLine: String?
    /// Columns dropped from the front of `sourceLine` when it was cut.
    public var sourceLineShift: Int
    public var notes: [Note]
    /// Lines to copy, printed indented after the notes: a fix written out, such as a
    /// mapping to paste into a configuration file.
    public var attachment: [String] = []

    public init(
        _ severity: Severity = .error, _ message: String, at location: SourceLocation? = nil,
        sourceLine: String? = nil, notes: [Note] = []
    ) {
        self.severity = severity
        self.message = Excerpt.clip(message)
        self.location = location
        (self.sourceLine, self.sourceLineShift) = Excerpt.cut(sourceLine, around: location?.column ?? 0)
        self.notes = notes
    }

    /// Creates a diagnostic whose source line is taken from `source`, the text of the file.
    public init(
        _ severity: Severity = .error, _ message: String, at location: SourceLocation,
        in source: Substring, notes: [Note] = []
    ) {
        self.init(
            severity, message, at: location,
            sourceLine: SourceText.line(location.line, of: source), notes: notes)
    }

    public var isError: Bool { severity == .error }

    /// The diagnostic as the terminal shows it:
    ///
    ///     content/stories/late.md:3:7: error: unknown outcome 'late'
    ///     outcome: late
    ///              ^
    public var description: String {
        var text = Self.headline(severity.rawValue, message, location)
        text += Self.excerpt(sourceLine, location, shift: sourceLineShift)
        for note in notes {
            text += "\n" + Self.headline(Severity.note.rawValue, note.message, note.location)
            text += Self.excerpt(note.sourceLine, note.location, shift: note.sourceLineShift)
        }
        for line in attachment { text += "\n    " + Excerpt.clip(line) }
        return text
    }

    private static func headline(_ severity: String, _ message: String, _ location: SourceLocation?) -> String {
        guard let location else { return "\(severity): \(message)" }
        return "\(location): \(severity): \(message)"
    }

    /// The source line and a caret under the column; tabs are kept so the caret lines up.
    private static func excerpt(_ sourceLine: String?, _ location: SourceLocation?, shift: Int) -> String {
        guard let sourceLine, let location, location.line > 0 else { return "" }
        var caret = ""
        if location.column > 0 {
            for scalar in sourceLine.unicodeScalars.prefix(max(0, location.column - 1 - shift)) {
                caret.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
            }
            caret += "^"
        }
        return "\n" + sourceLine + (caret.isEmpty ? "" : "\n" + caret)
    }
}

/// Keeps what a diagnostic prints readable, whatever the input: a long source line is cut
/// to the part around the column, a long message in its middle.
public enum Excerpt {
    /// The most characters of a source line shown.
    public static let width = 100
    /// The most characters of a message.
    static let messageLimit = 600

    /// `line` cut to ``width`` characters around `column`, with `…` where text was dropped,
    /// and how many columns the start moved (the caret moves back by as many).
    static func cut(_ line: String?, around column: Int) -> (String?, Int) {
        guard let line else { return (nil, 0) }
        let scalars = TextSafety.scrubbed(line).unicodeScalars  // no control character reaches the terminal
        guard scalars.count > width else { return (String(scalars), 0) }
        let start = max(0, min(column - 1 - width / 3, scalars.count - width))
        let lower = scalars.index(scalars.startIndex, offsetBy: start)
        let upper = scalars.index(lower, offsetBy: width)
        var text = start > 0 ? "…" : ""
        text.unicodeScalars.append(contentsOf: scalars[lower..<upper])
        if upper < scalars.endIndex { text += "…" }
        return (text, start > 0 ? start - 1 : 0)
    }

    /// `message`, or for a very long one its start and end around `…`.
    static func clip(_ message: String) -> String {
        let scalars = TextSafety.scrubbed(message).unicodeScalars
        guard scalars.count > messageLimit else { return String(scalars) }
        var text = String(String.UnicodeScalarView(scalars.prefix(messageLimit * 2 / 3)))
        text += " … "
        text.unicodeScalars.append(contentsOf: scalars.suffix(messageLimit / 3 - 3))
        return text
    }
}

extension Diagnostic: Comparable {
    /// Diagnostics sort by file, then line and column; unlocated ones come first.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        switch (a.location, b.location) {
        case (let l?, let r?): return l < r
        case (nil, _?): return true
        default: return false
        }
    }
}

/// A list of diagnostics, thrown when at least one of them is an error.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    public var errors: [Diagnostic] { diagnostics.filter(\.isError) }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}

/// Line and column arithmetic over source text.
public enum SourceText {
    /// The text of 1-based line `number` of `source`, without its line ending.
    public static func line(_ number: Int, of source: Substring) -> String? {
        guard number > 0 else { return nil }
        var current = 1
        var lineStart = source.utf8.startIndex
        var index = lineStart
        let utf8 = source.utf8
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                if current == number { break }
                current += 1
                lineStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        guard current == number else { return nil }
        var line = Substring(utf8[lineStart..<index])
        if line.hasSuffix("\r") { line = line.dropLast() }
        return String(line)
    }

    /// The 1-based line and column of UTF-8 offset `offset` in `bytes`; columns count scalars.
    public static func position<Bytes: Collection<UInt8>>(ofOffset offset: Int, in bytes: Bytes) -> (line: Int, column: Int)
    where Bytes.Index == Int {
        var line = 1
        var column = 1
        var index = bytes.startIndex
        let end = min(bytes.startIndex + offset, bytes.endIndex)
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return (line, column)
    }
}
