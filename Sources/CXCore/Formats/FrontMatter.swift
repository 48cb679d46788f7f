import Diagnostics

/// Splits a markdown file into its YAML front matter and its body.
enum FrontMatter {
    struct Parts {
        var yaml: String
        /// The file line just before the YAML's first line.
        var yamlLineOffset: Int
        var body: String
        /// The file line the body starts on.
        var bodyLine: Int
    }

    static func split(_ file: SourceFile, what: String) -> Result<Parts, Diagnostic> {
        // Walk the lines only as far as the closing fence; the body is taken whole after it.
        // Lines are found in the UTF-8 view: in a file saved with CRLF, "\r\n" is one Character,
        // which a search for the Character "\n" never meets.
        let text = file.text[...]
        let newline = UInt8(ascii: "\n")
        func fence(_ line: Substring) -> Substring {
            (line.utf8.last == UInt8(ascii: "\r") ? line[..<line.utf8.index(before: line.endIndex)] : line).trimmingTrailingSpaces()
        }
        func lineEnd(from start: Substring.Index) -> Substring.Index {
            text.utf8[start...].firstIndex(of: newline) ?? text.endIndex
        }
        func after(_ end: Substring.Index) -> Substring.Index {
            end < text.endIndex ? text.utf8.index(after: end) : text.endIndex
        }
        let firstEnd = lineEnd(from: text.startIndex)
        guard fence(text[text.startIndex..<firstEnd]) == "---" else {
            return .failure(
                file.diagnostic(
                    "missing front matter: \(what) starts with a '---' line, then YAML fields such as 'title:', then '---'",
                    line: 1, column: 1))
        }
        var lineNumber = 1
        var start = after(firstEnd)
        let yamlStart = start
        while start < text.endIndex {
            lineNumber += 1
            let end = lineEnd(from: start)
            let line = fence(text[start..<end])
            if line == "---" || line == "..." {
                var yaml = text[yamlStart..<start]
                if yaml.utf8.last == newline { yaml = yaml[..<yaml.utf8.index(before: yaml.endIndex)] }
                return .success(Parts(yaml: String(yaml), yamlLineOffset: 1, body: String(text[after(end)...]), bodyLine: lineNumber + 1))
            }
            start = after(end)
        }
        return .failure(
            file.diagnostic(
                "the front matter opened on line 1 is never closed: add a '---' line after its fields",
                line: 1, column: 1))
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == " " || self[index(before: end)] == "\t" {
            end = index(before: end)
        }
        return self[startIndex..<end]
    }
}
