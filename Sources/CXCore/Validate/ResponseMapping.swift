import Diagnostics
import Foundation
import Yams

#if canImport(Glibc)
    import Glibc
#endif

/// A group of customers the site declares (`segments:` in cxsite.yaml): the id responses and
/// pages use, and the name pages show.
public struct Segment: Sendable, Hashable {
    public var id: String
    public var name: String
}

/// How the response files a glob matches are read when their columns are not cxsite's own
/// (`responses:` in cxsite.yaml, docs/exports/): a survey platform's export, one row per
/// respondent and a column per question, or any table with one header row.
struct ResponseMapping: Sendable {
    /// Whose export the files are: how many header rows they have and how their dates read.
    enum Format: String, CaseIterable, Sendable {
        case qualtrics, surveymonkey, delighted, googleforms, typeform, columns

        /// The platform's name, for messages.
        var name: String {
            switch self {
            case .qualtrics: "Qualtrics"
            case .surveymonkey: "SurveyMonkey"
            case .delighted: "Delighted"
            case .googleforms: "Google Forms"
            case .typeform: "Typeform"
            case .columns: "columns"
            }
        }

        /// The order of day and month in dates written with slashes, where the platform fixes it.
        var dateOrder: DateOrder? {
            switch self {
            case .surveymonkey, .googleforms: .monthFirst
            default: nil
            }
        }
    }

    /// Which part of a date written with slashes (`14/10/2026`) is the day.
    enum DateOrder: String, CaseIterable, Sendable {
        case dayFirst = "day-first"
        case monthFirst = "month-first"
    }

    /// A column named by its header, and the names a `values:` map gives its values.
    struct Column: Sendable {
        var name: String
        var values: [(value: String, means: String)] = []
        var location: SourceLocation
    }

    /// One question: the column of its scores, its metric (or the column naming it), its
    /// comment, and the touchpoint, journey or level it is fixed to.
    struct Question: Sendable {
        var column: Column
        var metric: SurveyMetric?
        var metricColumn: String?
        var comment: String?
        var touchpoint: String?
        var journey: String?
        /// `level: relationship`: the answer is about the relation as a whole, whatever the
        /// row's touchpoint or journey.
        var isRelationship = false
    }

    /// Rows are kept only when `column` holds one of `values` (`where:`).
    struct Filter: Sendable {
        var column: String
        var values: [String]
        var location: SourceLocation
    }

    /// The glob, relative to `content/responses/`.
    var files: String
    var location: SourceLocation
    var format: Format
    var date: Column
    var dateOrder: DateOrder?
    /// Numbers are written with a decimal comma (`86,4`).
    var decimalComma = false
    var respondent: Column?
    var segment: Column?
    var touchpoint: Column?
    var journey: Column?
    var weight: Column?
    var filters: [Filter] = []
    var questions: [Question] = []

    /// Whether the mapping reads the file at `path` (relative to `content/responses/`): shell
    /// wildcards, where `*` and `?` never cross a `/`.
    func matches(_ path: String) -> Bool {
        fnmatch(files, path, FNM_PATHNAME) == 0
    }

    /// The order of day and month in this file's slashed dates, if anything says it.
    var slashedDateOrder: DateOrder? { dateOrder ?? format.dateOrder }
}

extension ResponseMapping {
    /// The folder globs are relative to.
    static let folder = "content/responses/"

    /// Reads `responses:`, checking each name against the touchpoints, journeys and segments.
    static func read(
        _ fields: inout YAMLFields, touchpoints: [Touchpoint], journeys: [Journey], segments: [Segment]
    ) -> [ResponseMapping] {
        var mappings: [ResponseMapping] = []
        for var entry in fields.mappings("responses") {
            defer { fields.absorb(entry) }
            entry.warnAboutUnknownKeys([
                "files", "format", "date", "date_order", "decimal_comma", "respondent", "segment", "touchpoint", "journey",
                "weight", "where", "questions",
            ])
            guard let files = entry.string("files", required: true),
                let date = entry.column("date", required: true)
            else { continue }
            if files.hasPrefix("/") || files.split(separator: "/").contains("..") {
                entry.report(at: entry.node("files")!, "'files' is a pattern inside content/responses/, such as \"qualtrics/*.csv\"")
                continue
            }
            var mapping = ResponseMapping(
                files: files, location: entry.location(of: entry.node("files")!), format: entry.choice("format") ?? .columns,
                date: date)
            mapping.dateOrder = entry.choice("date_order")
            mapping.decimalComma = entry.bool("decimal_comma") ?? false
            mapping.respondent = entry.column("respondent")
            mapping.weight = entry.column("weight")
            mapping.segment = entry.column("segment")
            if !segments.isEmpty, let column = mapping.segment {
                entry.checkValues(of: column, what: "segment", among: segments.map(\.id))
            }
            mapping.touchpoint = entry.column("touchpoint")
            if let column = mapping.touchpoint { entry.checkValues(of: column, what: "touchpoint", among: touchpoints.map(\.id)) }
            mapping.journey = entry.column("journey")
            if let column = mapping.journey { entry.checkValues(of: column, what: "journey", among: journeys.map(\.id)) }
            mapping.filters = entry.filters("where")
            for var question in entry.mappings("questions") {
                defer { entry.absorb(question) }
                if let read = question.question(touchpoints: touchpoints, journeys: journeys) { mapping.questions.append(read) }
            }
            if mapping.questions.isEmpty, !entry.has("questions") {
                entry.error("a response mapping needs 'questions': [{column: Q1, metric: nps, comment: Q2}, …]")
            }
            mappings.append(mapping)
        }
        return mappings
    }
}

extension YAMLFields {
    /// A column given as its header (`Q3`) or as `{column: Q3, values: {"FNOL": claim}}`.
    fileprivate mutating func column(_ key: String, required: Bool = false) -> ResponseMapping.Column? {
        guard let node = node(key), !Self.isNull(node) else {
            if required { error("missing required field '\(key)'") }
            return nil
        }
        if case .mapping = node {
            guard var nested = mappingValue(key).first else { return nil }
            defer { absorb(nested) }
            nested.warnAboutUnknownKeys(["column", "values"])
            guard let name = nested.string("column", required: true) else { return nil }
            return ResponseMapping.Column(name: name, values: nested.valueMap(), location: location(of: node))
        }
        guard let name = string(key, required: required) else { return nil }
        if name.isEmpty { return error(at: node, "'\(key)' must name a column") }
        return ResponseMapping.Column(name: name, location: location(of: node))
    }

    /// `values: {"text in the file": meaning}`, in the order written.
    fileprivate mutating func valueMap() -> [(value: String, means: String)] {
        guard let node = node("values"), !Self.isNull(node) else { return [] }
        guard case .mapping(let mapping, _) = node else {
            return error(at: node, "'values' must be a mapping of `text in the file: what it means`") ?? []
        }
        var pairs: [(String, String)] = []
        for (key, value) in mapping {
            guard case .scalar(let from) = key, case .scalar(let to) = value else {
                report(at: value, "each of 'values' maps a text to a text")
                continue
            }
            pairs.append((from.string.trimmingCharacters(in: .whitespaces), to.string.trimmingCharacters(in: .whitespaces)))
        }
        return pairs
    }

    /// Reports a `values:` map naming something that is not among `ids`.
    fileprivate mutating func checkValues(of column: ResponseMapping.Column, what: String, among ids: [String]) {
        for pair in column.values where !ids.contains(pair.means) {
            appendDiagnostic(
                Diagnostic(
                    .error,
                    "'\(pair.value)' is mapped to \(what) '\(pair.means)', which cxsite.yaml does not declare: "
                        + "the \(what)s are \(ids.joined(separator: ", "))",
                    at: column.location))
        }
    }

    /// `where: {Finished: "1", Status: [IP Address, Imported]}`.
    fileprivate mutating func filters(_ key: String) -> [ResponseMapping.Filter] {
        guard let node = node(key), !Self.isNull(node) else { return [] }
        guard case .mapping(let mapping, _) = node else {
            return error(at: node, "'\(key)' must be a mapping of `column: value` (or a list of values)") ?? []
        }
        var filters: [ResponseMapping.Filter] = []
        for (column, value) in mapping {
            guard case .scalar(let name) = column else { continue }
            let values: [String]
            switch value {
            case .scalar(let scalar): values = [scalar.string]
            case .sequence(let sequence, _): values = sequence.compactMap(\.string)
            default:
                report(at: value, "'\(key)' gives each column a value or a list of values")
                continue
            }
            filters.append(ResponseMapping.Filter(column: name.string, values: values, location: location(of: column)))
        }
        return filters
    }

    /// One entry of `questions:`.
    fileprivate mutating func question(touchpoints: [Touchpoint], journeys: [Journey]) -> ResponseMapping.Question? {
        warnAboutUnknownKeys(["column", "metric", "metric_column", "comment", "touchpoint", "journey", "level", "values"])
        guard let name = string("column", required: true), let node = node("column") else { return nil }
        var question = ResponseMapping.Question(
            column: ResponseMapping.Column(name: name, values: valueMap(), location: location(of: node)))
        question.metric = choice("metric")
        question.metricColumn = string("metric_column")
        switch (question.metric, question.metricColumn) {
        case (nil, nil):
            error("a question needs its 'metric' (nps, csat or ces), or a 'metric_column' naming it on each row")
            return nil
        case (.some, .some):
            report(at: self.node("metric_column")!, "give a question either 'metric' or 'metric_column', not both")
        default: break
        }
        if let metric = question.metric {
            for pair in question.column.values {
                guard let score = Int(pair.means), metric.scale.contains(score) else {
                    report(
                        at: self.node("values")!,
                        "'\(pair.value)' is mapped to '\(pair.means)', which is not a \(metric.rawValue) score "
                            + "(\(SurveyMetric.text(metric.scale)))")
                    continue
                }
            }
        }
        question.comment = string("comment")
        question.touchpoint = string("touchpoint")
        if let id = question.touchpoint, !touchpoints.contains(where: { $0.id == id }) {
            report(at: self.node("touchpoint")!, "unknown touchpoint '\(id)': cxsite.yaml has \(touchpoints.map(\.id).joined(separator: ", "))")
        }
        question.journey = string("journey")
        if let id = question.journey, !journeys.contains(where: { $0.id == id }) {
            report(at: self.node("journey")!, "unknown journey '\(id)': cxsite.yaml has \(journeys.map(\.id).joined(separator: ", "))")
        }
        if let level = string("level") {
            if level == "relationship" {
                question.isRelationship = true
                if question.touchpoint != nil || question.journey != nil {
                    report(at: self.node("level")!, "a question at the relationship level has no touchpoint or journey")
                }
            } else {
                report(
                    at: self.node("level")!,
                    "unknown level '\(level)': a question's level is 'relationship'; give a touchpoint or journey for the others")
            }
        }
        return question
    }
}

extension SiteConfig {
    /// Reads `segments:`: ids like touchpoints', names as pages show them.
    static func segmentList(_ fields: inout YAMLFields) -> [Segment] {
        var segments: [Segment] = []
        for var entry in fields.mappings("segments") {
            defer { fields.absorb(entry) }
            entry.warnAboutUnknownKeys(["id", "name"])
            guard let id = entry.string("id", required: true) else { continue }
            let name = entry.string("name") ?? id
            if let problem = Slug.problem(id) {
                entry.error("segment id '\(id)' \(problem)")
            } else if segments.contains(where: { $0.id == id }) {
                entry.error("segment '\(id)' is listed twice")
            } else if let other = segments.first(where: { $0.name.lowercased() == name.lowercased() }) {
                entry.error("segment '\(id)' has the name of segment '\(other.id)', '\(other.name)'")
            } else {
                segments.append(Segment(id: id, name: name))
            }
        }
        return segments
    }
}
