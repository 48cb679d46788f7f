import Diagnostics
import Foundation
import Markdown

/// Finds relative links in story and briefing markdown that point at no file of the output.
struct LinkChecker {
    let site: Site
    let content: Content
    let outputPaths: Set<String>

    func brokenLinks(severity: Diagnostic.Severity) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let documents: [(path: String, page: String, bodyLine: Int)] =
            site.stories.map { ($0.path, $0.pagePath, $0.bodyLine) } + site.briefings.map { ($0.path, $0.pagePath, $0.bodyLine) }
        for document in documents {
            for link in site.bodies[document.path]?.links ?? [] {
                guard let target = resolve(link.destination, from: document.page), !outputPaths.contains(target) else { continue }
                let location = SourceLocation(path: document.path, line: document.bodyLine + link.line - 1, column: link.column)
                found.append(content.diagnostic("broken link '\(link.destination)': the site has no \(target)", at: location, severity))
            }
        }
        return found
    }

    /// The output path a relative link points at, or nil for links that leave the site
    /// (a scheme, `//host`, `/absolute`, `#fragment`, `mailto:`).
    private func resolve(_ destination: String, from page: String) -> String? {
        var path = destination
        if let cut = path.firstIndex(where: { $0 == "#" || $0 == "?" }) { path = String(path[..<cut]) }
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains(":") else { return nil }
        path = path.removingPercentEncoding ?? path
        var segments = page.split(separator: "/").dropLast().map(String.init)
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            switch segment {
            case "", ".": continue
            case "..": if segments.isEmpty { return "../" + path } else { segments.removeLast() }
            default: segments.append(segment)
            }
        }
        if path.hasSuffix("/") { segments.append("index.html") }
        return segments.joined(separator: "/")
    }
}
