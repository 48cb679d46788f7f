import Diagnostics
import Foundation
import Markdown

/// What stories and briefings share: front matter split from the body, page names, slugs.
extension ContentValidator {
    /// The front matter of a story or briefing as fields to read, and its markdown body,
    /// checked against the bounds markdown is held to, with the line it starts on; nil, with
    /// the problem reported, when either cannot be used.
    mutating func frontMatter(of file: SourceFile, what: String) -> (YAMLFields, body: (markdown: CheckedMarkdown, line: Int))? {
        switch FrontMatter.split(file, what: what) {
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        case .success(let parts):
            let body: CheckedMarkdown
            switch MarkdownLimits.checked(parts.body) {
            case .success(let checked): body = checked
            case .failure(let problem):
                diagnostics.append(file.diagnostic(problem.message, line: parts.bodyLine + problem.line - 1, column: problem.column))
                return nil
            }
            switch YAMLFields.parse(parts.yaml, in: file, lineOffset: parts.yamlLineOffset, what: "the front matter") {
            case .success(let fields): return (fields, (body, parts.bodyLine))
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                return nil
            }
        }
    }

    /// True when `slug` can name a page folder; reports why not otherwise.
    mutating func pageName(_ slug: String, of file: SourceFile) -> Bool {
        guard let problem = Slug.problem(slug) else { return true }
        report(Diagnostic(.error, "the file name '\(slug)' cannot name a page: it \(problem)", at: .file(file.path)))
        return false
    }

    static func slug(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    mutating func reportDuplicateSlugs(_ items: [(slug: String, path: String)], kind: String) {
        var firstPath: [String: String] = [:]
        for item in items {
            let key = item.slug.lowercased()  // folders clash on case-insensitive disks
            if let earlier = firstPath[key] {
                diagnostics.append(
                    Diagnostic(
                        .error, "duplicate \(kind) slug '\(item.slug)': \(earlier) has the same name",
                        at: .file(item.path), notes: [Diagnostic.Note("the other file", at: .file(earlier))]))
            } else {
                firstPath[key] = item.path
            }
        }
    }

}
