import Diagnostics
import Foundation

extension Authoring {
    /// Adds a theme matching `phrase` to `content/themes.yaml` (made when missing) and returns
    /// its path: for `cxsite theme add`, which turns a suggested theme into one the site follows.
    /// The file's own text, comments included, is kept; the new text must read back as the old
    /// themes plus this one, or nothing is written. Replaces the file by renaming a new one
    /// over it, so a failure leaves it as it was.
    @discardableResult
    public static func addTheme(phrase: String, id: String?, name: String?, touchpoint: String?, in source: URL) throws -> String {
        let facts = try facts(of: source)
        let id = id ?? slug(for: phrase)
        if let problem = Slug.problem(id) { throw DiagnosticList([Diagnostic(.error, "the theme id '\(id)' \(problem): give one with --id")]) }
        if let touchpoint, !facts.touchpoints.contains(touchpoint) {
            throw DiagnosticList([
                Diagnostic(.error, "unknown touchpoint '\(touchpoint)': cxsite.yaml has \(facts.touchpoints.joined(separator: ", "))")
            ])
        }
        let folder = SiteFolder(source)
        var old: String?
        if folder.exists(ThemeCatalog.path) {
            switch folder.read(ThemeCatalog.path) {
            case .success(let file): old = file.text
            case .failure(let diagnostic): throw DiagnosticList([diagnostic])
            }
        }
        let entry =
            "  - id: \(yamlString(id))\n    name: \(yamlString(name ?? sentenceCase(phrase)))\n"
            + (touchpoint.map { "    touchpoint: \(yamlString($0))\n" } ?? "") + "    match: [\(yamlString(phrase))]\n"
        let text: String
        if let old {
            text = old + (old.hasSuffix("\n") || old.isEmpty ? "" : "\n") + entry
        } else {
            text = "# What customers write about: see docs/themes.md.\nthemes:\n" + entry
        }
        try check(text, adds: id, to: old, in: folder)
        if old == nil {
            try SourceFiles.create([(ThemeCatalog.path, text)], in: source)
        } else {
            try replace(ThemeCatalog.path, with: text, in: source)
        }
        return folder.url(ThemeCatalog.path).path
    }

    /// Throws unless `text` reads, without errors, as the themes of `old` and `id`.
    private static func check(_ text: String, adds id: String, to old: String?, in folder: SiteFolder) throws {
        let (settingsSources, _) = Load.settings(of: folder)
        guard let settings = Validate.settings(settingsSources).0 else { return }
        func themes(_ text: String) -> ([String], [Diagnostic]) {
            var validator = ContentValidator(config: settings.config)
            let catalog = validator.themeCatalog(from: SourceFile(path: ThemeCatalog.path, text: text))
            return (catalog.themes.map(\.id), validator.diagnostics.filter(\.isError))
        }
        let before = old.map { themes($0).0 } ?? []
        if before.contains(id) {
            throw DiagnosticList([Diagnostic(.error, "theme '\(id)' is already in \(ThemeCatalog.path): give another with --id")])
        }
        let (after, errors) = themes(text)
        guard errors.isEmpty, after == before + [id] else {
            throw DiagnosticList(
                errors + [
                    Diagnostic(
                        .error, "could not add the theme to \(ThemeCatalog.path) without changing what it says: add it by hand",
                        at: .file(ThemeCatalog.path))
                ])
        }
    }

    /// "refund came" → "Refund came".
    private static func sentenceCase(_ phrase: String) -> String {
        phrase.prefix(1).uppercased() + phrase.dropFirst()
    }
}
