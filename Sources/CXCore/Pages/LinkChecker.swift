import Diagnostics
import Foundation
import Markdown

/// Finds relative links in story and briefing markdown that point at no file of the output.
struct LinkChecker {
    let site: Site
    let content: Content
    let outputPaths: Set<String>

    /// The most broken links reported for one file; past them, one line says how many more.
    static let reportedPerFile = 20

    /// One diagnostic per broken destination of each file, at its first link, saying how
    /// many other links of the file go there too.
    func brokenLinks(severity: Diagnostic.Severity) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for story in site.stories where !story.body.links.isEmpty {
            found += brokenLinks(in: (story.path, story.route.path, story.body.links, story.bodyLine), severity: severity)
        }
        for briefing in site.briefings where !briefing.body.links.isEmpty {
            found += brokenLinks(in: (briefing.path, briefing.route.path, briefing.body.links, briefing.bodyLine), severity: severity)
        }
        return found
    }

    /// The diagnostics of one story's or briefing's links.
    private func brokenLinks(
        in document: (path: String, page: String, links: [RenderedMarkdown.Link], bodyLine: Int), severity: Diagnostic.Severity
    ) -> [Diagnostic] {
        var found: [Diagnostic] = []
        var broken: [(destination: String, target: String, first: RenderedMarkdown.Link, count: Int)] = []
        var index: [String: Int] = [:]
        for link in document.links {
            guard let target = Self.resolve(link.destination, from: document.page), !outputPaths.contains(target) else { continue }
            if let known = index[link.destination] {
                broken[known].count += 1
            } else {
                index[link.destination] = broken.count
                broken.append((link.destination, target, link, 1))
            }
        }
        for link in broken.prefix(Self.reportedPerFile) {
            let location = SourceLocation(path: document.path, line: document.bodyLine + link.first.line - 1, column: link.first.column)
            let more = link.count > 1 ? " (and \(link.count - 1) more links to it in this file)" : ""
            found.append(content.diagnostic("broken link '\(link.destination)': the site has no \(link.target)\(more)", at: location, severity))
        }
        if broken.count > Self.reportedPerFile {
            found.append(
                Diagnostic(
                    severity, "\(broken.count - Self.reportedPerFile) more broken links in this file are not shown",
                    at: .file(document.path)))
        }
        return found
    }

    /// The output path a relative link points at, or nil for links that leave the site
    /// (a scheme, `//host`, `/absolute`, `#fragment`, `mailto:`).
    static func resolve(_ destination: String, from page: String) -> String? {
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
