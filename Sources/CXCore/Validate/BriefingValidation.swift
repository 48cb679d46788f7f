import Diagnostics
import Foundation

/// A briefing file: its front matter's fields, each checked, and its body.
extension ContentValidator {
    mutating func briefing(from file: SourceFile) -> Briefing? {
        guard let (front, body) = frontMatter(of: file, what: "a briefing") else { return nil }
        var fields = front
        guard pageName(Self.slug(of: file.path), of: file) else { return nil }
        let title = fields.string("title", required: true)
        let date = fields.day("date", required: true)
        var period: Period?
        if let node = fields.node("period"), let text = node.string {
            switch Period.parse(text) {
            case .success(let parsed) where parsed.kind != config.period:
                fields.report(at: node, "'period': \(text) is a \(parsed.kind.rawValue) but cxsite.yaml groups by \(config.period.rawValue)")
            case .success(let parsed): period = parsed
            case .failure(let problem): fields.report(at: node, "'period': \(problem)")
            }
        } else {
            fields.error("missing required field 'period' (as in 2026-Q3 or 2026-09)")
        }
        let storiesLocation = fields.node("stories").map { fields.location(of: $0) } ?? file.location(line: 1, column: 1)
        let references = fields.strings("stories").map {
            (slug: $0.value, location: fields.file.location(line: $0.line, column: $0.column))
        }
        let agenda: AgendaPlace = fields.choice("agenda") ?? .afterStories
        var handout = HandoutPart.allCases
        if fields.has("handout") {
            let allowed = HandoutPart.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            handout = fields.strings("handout").compactMap { entry in
                if let part = HandoutPart(rawValue: entry.value) { return part }
                diagnostics.append(
                    fields.file.diagnostic(
                        "'handout': unknown part '\(entry.value)': expected \(allowed)", line: entry.line, column: entry.column))
                return nil
            }
        }
        fields.warnAboutUnknownKeys(["title", "date", "period", "stories", "agenda", "handout"])
        diagnostics += fields.diagnostics
        guard let title, let date, let period, !fields.diagnostics.contains(where: \.isError) else { return nil }
        return Briefing(
            slug: Self.slug(of: file.path), title: title, date: date, period: period,
            storyReferences: references, storiesLocation: storiesLocation,
            body: markdown.render(body.markdown, headingOffset: 1),
            bodyLine: body.line, path: file.path, agenda: agenda, handout: handout)
    }

    /// A briefing's figures file (`cxsite freeze`), each field checked.
    mutating func publishedFigures(from file: SourceFile) -> PublishedFigures? {
        var fields: YAMLFields
        switch YAMLFields.parse(file.text, in: file, lineOffset: 0, what: "a briefing's figures file") {
        case .success(let parsed): fields = parsed
        case .failure(let diagnostic):
            report(diagnostic)
            return nil
        }
        let frozen = fields.day("frozen", required: true)
        if !fields.has("figures") { fields.error("missing required field 'figures': each with an id, a name and the text shown") }
        var figures: [PublishedFigures.Figure] = []
        for var entry in fields.mappings("figures") {
            let id = entry.string("id", required: true)
            let name = entry.string("name", required: true)
            let shown = entry.string("shown", required: true)
            if let id, figures.contains(where: { $0.id == id }), let node = entry.node("id") {
                entry.report(at: node, "figure '\(id)' is listed twice")
            }
            entry.warnAboutUnknownKeys(["id", "name", "shown"])
            let valid = !entry.diagnostics.contains(where: \.isError)
            fields.absorb(entry)
            if valid, let id, let name, let shown { figures.append(PublishedFigures.Figure(id: id, name: name, shown: shown)) }
        }
        fields.warnAboutUnknownKeys(["frozen", "figures"])
        diagnostics += fields.diagnostics
        guard let frozen, !fields.diagnostics.contains(where: \.isError) else { return nil }
        return PublishedFigures(frozen: frozen, figures: figures, path: file.path)
    }
}
