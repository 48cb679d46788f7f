import Diagnostics
import Foundation

extension ResponseMapping {
    /// cxsite's own long form, read as a mapping: a row per answer, `date,metric,score` and the
    /// optional `respondent`, `segment`, `touchpoint`, `journey`, `comment` and `weight`,
    /// found in any order and case.
    static let longForm: ResponseMapping = {
        let at = SourceLocation.file("cxsite.yaml")
        func column(_ name: String) -> Column { Column(name: name, location: at) }
        var mapping = ResponseMapping(files: "*", location: at, format: .columns, date: column("date"))
        mapping.respondent = column("respondent")
        mapping.segment = column("segment")
        mapping.touchpoint = column("touchpoint")
        mapping.journey = column("journey")
        mapping.weight = column("weight")
        mapping.questions = [Question(column: column("score"), metricColumn: "metric", comment: "comment")]
        return mapping
    }()

    /// Whether this is cxsite's own long form, whose optional columns may be missing.
    var isLongForm: Bool { location == Self.longForm.location && files == Self.longForm.files }
}

extension ResponseAggregator {
    /// Where a file's columns stand, found in its header by the names its mapping gives (or
    /// the long form's), with what their values may mean. A class: every row reads it, and
    /// a reference is all a row's reading holds of it.
    final class Columns: Sendable {
        /// One question of the row: its score column, its metric or the column naming it, its
        /// comment, and the touchpoint or journey it is fixed to. Plain numbers only, so that
        /// reading a row copies it for free (its score names are in ``scoreNames``).
        struct Question {
            var score: Int
            var metric: SurveyMetric?
            var metricColumn: Int?
            var comment: Int?
            var touchpoint: Int?
            var journey: Int?
            var isRelationship: Bool
        }

        let count: Int
        let date: Int
        let respondent: Int?
        let segment: Int?
        let touchpoint: Int?
        let journey: Int?
        let weight: Int?
        let filters: [(column: Int, values: ValueNames)]
        let questions: [Question]
        /// The choice texts each question's scores may be written as, per metric
        /// (`SurveyMetric.allCases` order).
        let scoreNames: [[ValueNames]]
        let touchpointNames: ValueNames
        let journeyNames: ValueNames
        let dates: DateReading

        private init(
            count: Int, date: Int, respondent: Int?, segment: Int?, touchpoint: Int?, journey: Int?, weight: Int?,
            filters: [(column: Int, values: ValueNames)], questions: [(Question, scoreNames: [ValueNames])], touchpointNames: ValueNames,
            journeyNames: ValueNames, dates: DateReading
        ) {
            self.count = count
            self.date = date
            self.respondent = respondent
            self.segment = segment
            self.touchpoint = touchpoint
            self.journey = journey
            self.weight = weight
            self.filters = filters
            self.questions = questions.map(\.0)
            scoreNames = questions.map(\.scoreNames)
            self.touchpointNames = touchpointNames
            self.journeyNames = journeyNames
            self.dates = dates
        }

        /// The columns `mapping` names, in the header's `names`; or a message for each it lacks.
        static func find(in names: [String], mapping: ResponseMapping, config: SiteConfig) -> Result<Columns, MissingColumns> {
            let trimmed = names.map { $0.trimmingCharacters(in: .whitespaces) }
            var missing: [String] = []
            func index(_ name: String, for role: String, optional: Bool = false) -> Int? {
                if let found = trimmed.firstIndex(of: name) ?? trimmed.firstIndex(where: { $0.lowercased() == name.lowercased() }) {
                    return found
                }
                if !optional {
                    let close = ValueNames(trimmed.filter { !$0.isEmpty }.map { ($0, 0) }).closest(to: name)
                    missing.append(
                        "the header has no column '\(name)', which cxsite.yaml maps \(role) to"
                            + (close.map { " (did you mean '\($0)'?)" } ?? ""))
                }
                return nil
            }
            let long = mapping.isLongForm
            if long {
                let lowered = Set(trimmed.map { $0.lowercased() })
                let lacking = ["date", "metric", "score"].filter { !lowered.contains($0) }
                if !lacking.isEmpty {
                    return .failure(
                        MissingColumns(messages: [
                            "the header has no \(lacking.joined(separator: ", ")) column: response files start with date,metric,score"
                        ]))
                }
            }
            let date = index(mapping.date.name, for: "the date")
            let respondent = mapping.respondent.flatMap { index($0.name, for: "the respondent", optional: long) }
            let segment = mapping.segment.flatMap { index($0.name, for: "the segment", optional: long) }
            let touchpoint = mapping.touchpoint.flatMap { index($0.name, for: "the touchpoint", optional: long) }
            let journey = mapping.journey.flatMap { index($0.name, for: "the journey", optional: long) }
            let weight = mapping.weight.flatMap { index($0.name, for: "the weight", optional: long) }
            let filters = mapping.filters.compactMap { filter in
                index(filter.column, for: "a 'where' filter").map { (column: $0, values: ValueNames(filter.values.map { ($0, 1) })) }
            }
            let questions = mapping.questions.compactMap { question -> (Question, scoreNames: [ValueNames])? in
                guard let score = index(question.column.name, for: "a question's scores") else { return nil }
                let metricColumn = question.metricColumn.flatMap { index($0, for: "the metric") }
                let comment = question.comment.flatMap { index($0, for: "a comment", optional: long) }
                let asked = Question(
                    score: score, metric: question.metric, metricColumn: metricColumn, comment: comment,
                    touchpoint: question.touchpoint.flatMap { id in config.touchpoints.firstIndex { $0.id == id } },
                    journey: question.journey.flatMap { id in config.journeys.firstIndex { $0.id == id } },
                    isRelationship: question.isRelationship)
                return (
                    asked,
                    SurveyMetric.allCases.map { metric in
                        ValueNames(
                            question.column.values.compactMap { pair in Int(pair.means).map { (pair.value, $0) } }
                                + (long ? [] : metric.choiceTexts))
                    }
                )
            }
            let columns = Columns(
                count: names.count, date: date ?? 0, respondent: respondent, segment: segment, touchpoint: touchpoint,
                journey: journey, weight: weight, filters: filters, questions: questions,
                touchpointNames: Self.names(
                    mapping.touchpoint, ids: config.touchpoints.map(\.id),
                    names: long ? [] : config.touchpoints.map(\.name)),
                journeyNames: Self.names(
                    mapping.journey, ids: config.journeys.map(\.id), names: long ? [] : config.journeys.map(\.name)),
                dates: DateReading(order: mapping.slashedDateOrder, unixSeconds: mapping.format == .delighted, mapped: !long))
            return missing.isEmpty ? .success(columns) : .failure(MissingColumns(messages: missing))
        }

        /// What a header lacks, a message per column.
        struct MissingColumns: Error {
            var messages: [String]
        }

        /// The values a touchpoint or journey column may hold: its `values:` map, the ids and,
        /// in a mapped file, the names, in any case.
        private static func names(_ column: ResponseMapping.Column?, ids: [String], names: [String]) -> ValueNames {
            let mapped = (column?.values ?? []).compactMap { pair in ids.firstIndex(of: pair.means).map { (pair.value, $0) } }
            return ValueNames(
                mapped + ids.enumerated().map { ($1, $0) } + names.enumerated().map { ($1, $0) })
        }
    }
}

extension SurveyMetric {
    /// The answer texts survey platforms export for this scale's points, with the score each
    /// stands for (a text such as "10 - Extremely likely" is read by its number).
    var choiceTexts: [(value: String, means: Int)] {
        switch self {
        case .nps: [("Not at all likely", 0), ("Extremely likely", 10)]
        case .csat:
            [
                ("Very dissatisfied", 1), ("Dissatisfied", 2), ("Somewhat dissatisfied", 2),
                ("Neither satisfied nor dissatisfied", 3), ("Neutral", 3), ("Satisfied", 4), ("Somewhat satisfied", 4),
                ("Very satisfied", 5),
            ]
        case .ces:
            [
                ("Strongly disagree", 1), ("Disagree", 2), ("Somewhat disagree", 3), ("Neither agree nor disagree", 4),
                ("Somewhat agree", 5), ("Agree", 6), ("Strongly agree", 7),
            ]
        }
    }
}
