import Diagnostics
import Foundation

/// A story file: its front matter's fields, each checked, and its body.
extension ContentValidator {
    mutating func story(from file: SourceFile) -> Story? {
        guard let (front, body) = frontMatter(of: file, what: "a story") else { return nil }
        var fields = front
        let slug = Self.slug(of: file.path)
        guard pageName(slug, of: file) else { return nil }
        typealias Field = Story.Field
        let title = fields.string(Field.title.rawValue, required: true)
        let date = fields.day(Field.date.rawValue, required: true)
        let outcome: Outcome? = fields.choice(Field.outcome.rawValue, required: true)
        let customer = fields.string(Field.customer.rawValue)
        let dateLocation = fields.node(Field.date.rawValue).map { fields.location(of: $0) }
        if let customer, customer.trimmingCharacters(in: .whitespaces).isEmpty, let node = fields.node(Field.customer.rawValue) {
            fields.appendDiagnostic(
                fields.file.diagnostic(
                    "'customer' is empty: who was it? (a name and place, or a role, as in \"Priya S., Leeds\")",
                    line: fields.position(of: node).line, column: fields.position(of: node).column,
                    severity: .warning))
        }
        let segment = fields.string(Field.segment.rawValue)
        let touchpoints = touchpointIDs(&fields)
        let journeys = journeyIDs(&fields)
        let score = fields.int(Field.score.rawValue, in: SurveyMetric.nps.scale)
        let quote = fields.string(Field.quote.rawValue)
        let tags = fields.strings(Field.tags.rawValue).map(\.value)
        let themes = fields.strings(Field.themes.rawValue).map {
            Story.ThemeReference(id: $0.value, location: file.location(line: $0.line, column: $0.column))
        }
        let owner = fields.string(Field.owner.rawValue)
        let status: LoopStatus? = fields.choice(Field.status.rawValue)
        let statusLocation = fields.node(Field.status.rawValue).map { fields.location(of: $0) }
        let loop: LoopLevel? = fields.choice(Field.loop.rawValue)
        let draft = fields.bool(Field.draft.rawValue) ?? false
        var left = false
        var leftDate: Day?
        if let node = fields.node(Field.left.rawValue), !YAMLFields.isNull(node) {
            if let answer = YAMLFields.plainScalar(node).flatMap(YAMLFields.boolean) {
                left = answer
            } else {
                leftDate = fields.day(Field.left.rawValue)
                left = leftDate != nil
            }
            if left, outcome == .success {
                fields.report(at: node, "a customer who left is a failure story: set 'outcome: failure', or remove 'left'")
            }
        }
        var expectedClose: Story.ExpectedClose?
        for var entry in fields.mappingValue(Field.expectedClose.rawValue) {
            let closeDate = entry.day("date", required: true)
            let reason = entry.string("reason", required: true)
            entry.warnAboutUnknownKeys(["date", "reason"])
            fields.absorb(entry)
            if let closeDate, let reason { expectedClose = Story.ExpectedClose(date: closeDate, reason: reason) }
        }
        let image = fields.string(Field.image.rawValue).flatMap { path in
            fields.node(Field.image.rawValue).map { Story.ImageReference(path: path, location: fields.location(of: $0)) }
        }
        var actions: [Story.Action] = []
        for var entry in fields.mappings(Field.actions.rawValue) {
            let what = entry.string("what", required: true)
            let actionOwner = entry.string("owner")
            let due = entry.day("due")
            let done = entry.bool("done") ?? false
            entry.warnAboutUnknownKeys(["what", "owner", "due", "done"])
            fields.absorb(entry)
            if let what { actions.append(Story.Action(what: what, owner: actionOwner, due: due, done: done)) }
        }
        fields.warnAboutUnknownKeys(Set(Field.allCases.map(\.rawValue)))
        diagnostics += fields.diagnostics
        diagnostics += Self.emptySections(in: (body.markdown.text, body.line), of: file)
        guard let title, let date, let outcome, !fields.diagnostics.contains(where: \.isError) else { return nil }
        return Story(
            slug: slug, title: title, date: date, outcome: outcome, customer: customer, segment: segment,
            touchpoints: touchpoints, journeys: journeys, score: score, quote: quote, tags: tags, themes: themes, owner: owner, status: status,
            loop: loop, actions: actions, draft: draft, left: left, leftDate: leftDate,
            expectedClose: expectedClose, image: image, dateLocation: dateLocation,
            statusLocation: statusLocation,
            body: StoryBody(markdown.render(body.markdown)), bodyLine: body.line, path: file.path,
            sourceHash: StableHasher.hash(file.text))
    }

    /// A warning for each heading with nothing under it before the next heading of its level
    /// or higher, or the end: a section `cxsite new` wrote that nobody filled in.
    static func emptySections(in body: (text: String, line: Int), of file: SourceFile) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        // Bytes, not strings: this runs over every story's text on every full build.
        var text = body.text
        text.withUTF8 { bytes in
            var open: (title: Range<Int>, level: Int, line: Int)?
            func close() {
                if let section = open {
                    let title = String(decoding: UnsafeBufferPointer(rebasing: bytes[section.title]), as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)  // and a CRLF file's CR
                    warnings.append(
                        file.diagnostic(
                            "the section '\(title)' is empty: write it, or remove the heading",
                            line: section.line, column: 1, severity: .warning))
                }
                open = nil
            }
            let hash = UInt8(ascii: "#")
            let space = UInt8(ascii: " ")
            var inFence = false
            var lineStart = 0
            var offset = 0
            while lineStart <= bytes.count {
                let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                defer {
                    lineStart = lineEnd + 1
                    offset += 1
                }
                var first = lineStart
                while first < lineEnd, bytes[first] == space || bytes[first] == UInt8(ascii: "\t") || bytes[first] == UInt8(ascii: "\r") {
                    first += 1
                }
                guard first < lineEnd else { continue }
                let rest = bytes[first..<lineEnd]
                if rest.starts(with: "```".utf8) || rest.starts(with: "~~~".utf8) { inFence.toggle() }
                let level = inFence || rest.first != hash ? 0 : rest.prefix { $0 == hash }.count
                if (1...6).contains(level), rest.dropFirst(level).first == space {
                    if let section = open, level > section.level { open = nil }  // a subsection is content
                    close()
                    open = (first + level..<lineEnd, level, body.line + offset)
                } else {
                    open = nil
                }
            }
            close()
        }
        return warnings
    }

    mutating func touchpointIDs(_ fields: inout YAMLFields) -> [String] {
        let config = config
        return knownIDs(&fields, Story.Field.touchpoints, what: "touchpoint", known: config.touchpoints.map(\.id).joined(separator: ", ")) {
            config.touchpoint($0) != nil
        }
    }

    mutating func journeyIDs(_ fields: inout YAMLFields) -> [String] {
        let config = config
        return knownIDs(&fields, Story.Field.journeys, what: "journey", known: config.journeyList) { config.journey($0) != nil }
    }

    /// The ids of the list `field` that `isKnown`, each once, in order; the unknown ones are one
    /// error at the first of them, however many there are.
    mutating func knownIDs(
        _ fields: inout YAMLFields, _ field: Story.Field, what: String, known: String, isKnown: (String) -> Bool
    ) -> [String] {
        var ids: [String] = []
        var seen: Set<String> = []
        var unknown: [(value: String, line: Int, column: Int)] = []
        for item in fields.strings(field.rawValue) {
            guard isKnown(item.value) else {
                unknown.append(item)
                continue
            }
            if seen.insert(item.value).inserted { ids.append(item.value) }
        }
        if let first = unknown.first {
            diagnostics.append(
                fields.file.diagnostic(
                    YAMLFields.unknown(what, unknown.map(\.value)) + ": cxsite.yaml has \(known)", line: first.line, column: first.column))
        }
        return ids
    }

}
