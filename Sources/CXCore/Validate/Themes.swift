import Diagnostics

/// A named subject of what customers write (`content/themes.yaml`): the phrases that mention
/// it and those that rule it out, and the touchpoint it belongs to, if one.
public struct CommentTheme: Sendable {
    public var id: String
    public var name: String
    public var touchpoint: String?
    public var match: [String]
    public var exclude: [String]
}

/// The site's themes and the matcher that tags text with them.
struct ThemeCatalog: Sendable {
    let themes: [CommentTheme]
    let matcher: ThemeMatcher
    /// A hash of the themes file, which the response totals cached per file depend on.
    let hash: UInt64

    static let path = "content/themes.yaml"

    init(themes: [CommentTheme] = [], hash: UInt64 = 0) {
        self.themes = themes
        self.hash = hash
        matcher = ThemeMatcher(themes.map { ($0.match, $0.exclude) })
    }

    func theme(_ id: String) -> CommentTheme? { themes.first { $0.id == id } }
}

extension ContentValidator {
    /// Reads `content/themes.yaml`: `themes:`, a list of `id`, `name`, `match` (phrases),
    /// optional `exclude` (phrases) and `touchpoint`.
    mutating func themeCatalog(from file: SourceFile) -> ThemeCatalog {
        var fields: YAMLFields
        switch YAMLFields.parse(file.text, in: file, lineOffset: 0, what: "the themes file") {
        case .success(let parsed): fields = parsed
        case .failure(let diagnostic):
            report(diagnostic)
            return ThemeCatalog()
        }
        if !fields.has("themes") { fields.error("missing required field 'themes': a list of themes, each with an id, a name and match phrases") }
        var themes: [CommentTheme] = []
        for var entry in fields.mappings("themes") {
            let id = entry.string("id", required: true)
            let name = entry.string("name", required: true)
            let touchpoint = entry.string("touchpoint")
            let match = entry.strings("match")
            let exclude = entry.strings("exclude")
            if !entry.has("match") { entry.error("missing required field 'match': the phrases that mention the theme") }
            for phrase in match + exclude where ThemeWords.words(phrase.value).isEmpty {
                entry.appendDiagnostic(
                    file.diagnostic("the phrase '\(phrase.value)' has no words to match", line: phrase.line, column: phrase.column))
            }
            if let touchpoint, config.touchpoint(touchpoint) == nil, let node = entry.node("touchpoint") {
                entry.report(at: node, "unknown touchpoint '\(touchpoint)': cxsite.yaml has \(config.touchpointList)")
            }
            if let id {
                if let problem = Slug.problem(id), let node = entry.node("id") {
                    entry.report(at: node, "theme id '\(id)' \(problem)")
                } else if themes.contains(where: { $0.id == id }), let node = entry.node("id") {
                    entry.report(at: node, "theme '\(id)' is listed twice")
                }
            }
            entry.warnAboutUnknownKeys(["id", "name", "match", "exclude", "touchpoint"])
            let ok = entry.diagnostics.allSatisfy { !$0.isError }
            fields.absorb(entry)
            if ok, let id, let name {
                themes.append(
                    CommentTheme(
                        id: id, name: name, touchpoint: touchpoint,
                        match: match.map(\.value), exclude: exclude.map(\.value)))
            }
        }
        fields.warnAboutUnknownKeys(["themes"])
        report(fields.diagnostics)
        return ThemeCatalog(themes: themes, hash: ThemeWords.hash(Array(file.text.utf8)))
    }
}
