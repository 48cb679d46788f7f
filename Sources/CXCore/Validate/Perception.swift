import Diagnostics
import Yams

/// The three groups of the perception-gap exercise.
public enum PerceptionGroup: String, CaseIterable, Sendable {
    case leadership, staff, customers

    var label: String {
        switch self {
        case .leadership: "Leadership"
        case .staff: "Staff"
        case .customers: "Customers"
        }
    }
}

/// The four questions every group answers.
public enum PerceptionQuestion: String, CaseIterable, Sendable {
    case doWell = "do_well"
    case improve, competition
    case continueStart = "continue_start"

    var text: String {
        switch self {
        case .doWell: "What do we do well?"
        case .improve: "What could be improved?"
        case .competition: "What does the competition do differently?"
        case .continueStart: "What should we continue, or start, doing?"
        }
    }
}

/// One round of the perception-gap survey, from `content/perception/*.yaml`.
public struct PerceptionRound: Sendable {
    /// A share of a group who agree, given as a percentage or as counts.
    public struct Share: Sendable, Equatable {
        public var percent: Double
        /// The number who answered, when the file gave counts.
        public var n: Int?
    }

    public struct Rating: Sendable {
        public var statement: String
        public var shares: [PerceptionGroup: Share]

        /// Leadership minus customers, in points: the gap the exercise is about.
        public var gap: Double? {
            guard let leaders = shares[.leadership], let customers = shares[.customers] else { return nil }
            return leaders.percent - customers.percent
        }

        /// The gap's 95% interval in points by Newcombe's method, when both sides gave counts.
        public var gapInterval: ClosedRange<Double>? {
            guard let leaders = shares[.leadership], let customers = shares[.customers],
                let leadersN = leaders.n, let customersN = customers.n
            else { return nil }
            return SurveyStatistics.newcombe(
                a: leaders.percent / 100 * Double(leadersN), nA: Double(leadersN),
                b: customers.percent / 100 * Double(customersN), nB: Double(customersN))
        }
    }

    public var slug: String
    public var title: String
    public var date: Day
    public var ratings: [Rating]
    public var answers: [PerceptionGroup: [PerceptionQuestion: [String]]]
}

extension ContentValidator {
    /// Reads a perception round; a group missing from a rating or the answers is a warning.
    mutating func perceptionRound(from file: SourceFile) -> PerceptionRound? {
        var fields: YAMLFields
        switch YAMLFields.parse(file.text, in: file, lineOffset: 0, what: "a perception round") {
        case .success(let parsed): fields = parsed
        case .failure(let diagnostic):
            report(diagnostic)
            return nil
        }
        let title = fields.string("title", required: true)
        let date = fields.day("date", required: true)
        var ratings: [PerceptionRound.Rating] = []
        if !fields.has("ratings") { fields.error("missing required field 'ratings': the statements and the share of each group who agree") }
        for var entry in fields.mappings("ratings") {
            let statement = entry.string("statement", required: true)
            var shares: [PerceptionGroup: PerceptionRound.Share] = [:]
            for group in PerceptionGroup.allCases {
                if let share = entry.share(group.rawValue) { shares[group] = share }
            }
            let missing = PerceptionGroup.allCases.filter { shares[$0] == nil && !entry.has($0.rawValue) }
            if !missing.isEmpty {
                entry.warn("this rating has no \(missing.map(\.rawValue).joined(separator: " or ")): the gap needs all three groups")
            }
            entry.warnAboutUnknownKeys(Set(["statement"] + PerceptionGroup.allCases.map(\.rawValue)))
            fields.absorb(entry)
            if let statement { ratings.append(PerceptionRound.Rating(statement: statement, shares: shares)) }
        }
        var answers: [PerceptionGroup: [PerceptionQuestion: [String]]] = [:]
        if let node = fields.node("answers") {
            guard case .mapping = node else {
                fields.report(at: node, "'answers' must map each group (leadership, staff, customers) to its answers")
                report(fields.diagnostics)
                return nil
            }
            for var group in fields.mappingValue("answers") {
                for name in PerceptionGroup.allCases {
                    guard group.has(name.rawValue) else {
                        group.warn("the answers have no '\(name.rawValue)' group")
                        continue
                    }
                    for var questions in group.mappingValue(name.rawValue) {
                        var byQuestion: [PerceptionQuestion: [String]] = [:]
                        for question in PerceptionQuestion.allCases {
                            byQuestion[question] = questions.strings(question.rawValue).map(\.value)
                        }
                        questions.warnAboutUnknownKeys(Set(PerceptionQuestion.allCases.map(\.rawValue)))
                        group.absorb(questions)
                        answers[name] = byQuestion
                    }
                }
                group.warnAboutUnknownKeys(Set(PerceptionGroup.allCases.map(\.rawValue)))
                fields.absorb(group)
            }
        }
        fields.warnAboutUnknownKeys(["title", "date", "ratings", "answers"])
        report(fields.diagnostics)
        guard let title, let date, !fields.diagnostics.contains(where: \.isError) else { return nil }
        return PerceptionRound(
            slug: Self.slug(of: file.path), title: title, date: date, ratings: ratings,
            answers: answers)
    }
}

extension YAMLFields {
    /// A group's share: a percentage from 0 to 100, or `{agree: N, total: M}`.
    mutating func share(_ key: String) -> PerceptionRound.Share? {
        guard let node = node(key) else { return nil }
        if case .mapping = node {
            for var counts in mappingValue(key) {
                let agree = counts.int("agree", in: 0...Int(Int32.max))
                let total = counts.int("total", in: 1...Int(Int32.max))
                if counts.diagnostics.isEmpty, agree == nil || total == nil {
                    counts.error("counts need both 'agree' and 'total'")
                }
                counts.warnAboutUnknownKeys(["agree", "total"])
                absorb(counts)
                guard let agree, let total else { return nil }
                guard agree <= total else {
                    return error(at: node, "'\(key)': \(agree) agree out of \(total) is more than everyone")
                }
                return PerceptionRound.Share(percent: Double(agree) / Double(total) * 100, n: total)
            }
            return nil
        }
        guard let percent = number(key) else { return nil }
        guard (0...100).contains(percent) else {
            return error(at: node, "'\(key)' is \(NumberText.decimal(percent, decimals: 1, trimming: true))%: a share who agree is from 0 to 100")
        }
        return PerceptionRound.Share(percent: percent, n: nil)
    }

    /// Records a warning at the start of the mapping.
    mutating func warn(_ message: String) {
        appendDiagnostic(file.diagnostic(message, line: line, column: column, severity: .warning))
    }
}
