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
        let text = file.text[...]
        func fence(_ line: Substring) -> Substring {
            (line.hasSuffix("\r") ? line.dropLast() : line).trimmingTrailingSpaces()
        }
        func lineEnd(from start: Substring.Index) -> Substring.Index {
            text[start...].firstIndex(of: "\n") ?? text.endIndex
        }
        let firstEnd = lineEnd(from: text.startIndex)
        guard fence(text[text.startIndex..<firstEnd]) == "---" else {
            return .failure(
                file.diagnostic(
                    "missing front matter: \(what) starts with a '---' line, then YAML fields such as 'title:', then '---'",
                    line: 1, column: 1))
        }
        var lineNumber = 1
        var start = firstEnd < text.endIndex ? text.index(after: firstEnd) : text.endIndex
        let yamlStart = start
        while start < text.endIndex {
            lineNumber += 1
            let end = lineEnd(from: start)
            let line = fence(text[start..<end])
            if line == "---" || line == "..." {
                let body = end < text.endIndex ? text[text.index(after: end)...] : ""
                var yaml = text[yamlStart..<start]
                if yaml.hasSuffix("\n") { yaml = yaml.dropLast() }
                return .success(Parts(yaml: String(yaml), yamlLineOffset: 1, body: String(body), bodyLine: lineNumber + 1))
            }
            start = end < text.endIndex ? text.index(after: end) : text.endIndex
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
