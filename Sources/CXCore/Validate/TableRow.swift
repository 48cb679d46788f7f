import Diagnostics
import Foundation

/// The fields of one snapshot or tally row, read with their checks: every problem is a
/// diagnostic at its field.
struct TableRow {
    let cells: ContentValidator.Cells
    let file: SourceFile
    let line: Int
    let config: SiteConfig
    private(set) var diagnostics: [Diagnostic] = []
    var ok: Bool { diagnostics.isEmpty }

    init(cells: ContentValidator.Cells, file: SourceFile, line: Int, config: SiteConfig) {
        self.cells = cells
        self.file = file
        self.line = line
        self.config = config
    }

    mutating func fail(_ message: String, _ name: String) {
        let cell = cells[name]
        diagnostics.append(file.diagnostic(message, line: cell?.line ?? line, column: cell?.column ?? 1))
    }

    /// The field's text; nil when it is missing or empty, or holds a control character.
    mutating func text(_ name: String) -> String? {
        guard let value = cells[name]?.text, !value.isEmpty else { return nil }
        if let problem = YAMLFields.controlCharacter(in: value) {
            fail("'\(name)' \(problem)", name)
            return nil
        }
        return value
    }

    /// The required `period`, of the kind `cxsite.yaml` groups by.
    mutating func period() -> Period? {
        guard let raw = text("period") else {
            fail("missing period (as in 2026-Q3 or 2026-09)", "period")
            return nil
        }
        switch Period.parse(raw) {
        case .success(let parsed) where parsed.kind != config.period:
            fail("'\(raw)' is a \(parsed.kind.rawValue) but cxsite.yaml groups by \(config.period.rawValue)", "period")
        case .success(let parsed): return parsed
        case .failure(let problem):
            // A spreadsheet reads "2026-09" typed in a cell as a date, which the sheet then gives.
            if file.sheet != nil, case .success(let day) = Day.parse(raw) {
                fail(
                    "'\(raw)' is a date, not a period: the spreadsheet took what was typed for a date; format the column as text and type \(Period(containing: day, kind: config.period))",
                    "period")
            } else {
                fail(problem.description, "period")
            }
        }
        return nil
    }

    /// The optional `touchpoint`, which must be in the journey.
    mutating func touchpoint() -> String? {
        guard let touchpoint = text("touchpoint") else { return nil }
        guard config.touchpoint(touchpoint) != nil else {
            fail(
                "unknown touchpoint '\(touchpoint)': cxsite.yaml has \(config.touchpointList)",
                "touchpoint")
            return nil
        }
        return touchpoint
    }

    /// The group a row is of: everyone, or the one of `segment`, `touchpoint`, `journey` and
    /// `level` it gives; nil when it gives more than one, or one cxsite.yaml does not know.
    /// `what` names the row for the message ("a tally").
    mutating func group(of what: String) -> Scorecard.Group? {
        let before = diagnostics.count
        let segment = text("segment")
        let touchpoint = touchpoint()
        let journey = journey()
        var level: Scorecard.Group?
        if let raw = text("level") {
            switch raw.lowercased() {
            case "relationship": level = .relationship
            case "transactional": level = .transactional
            default: fail("level '\(raw)' must be relationship or transactional (a journey's row names its journey)", "level")
            }
        }
        let named = [
            segment.map(Scorecard.Group.segment), touchpoint.map(Scorecard.Group.touchpoint),
            journey.map(Scorecard.Group.journey), level,
        ].compactMap { $0 }
        if named.count > 1 {
            fail(
                "\(what) row is one group: give one of segment, touchpoint, journey and level (none for everyone)",
                ["segment", "touchpoint", "journey", "level"].last { text($0) != nil }!)
        }
        return diagnostics.count == before ? named.first ?? .all : nil
    }

    /// The optional `journey`, which must be one of cxsite.yaml's.
    mutating func journey() -> String? {
        guard let journey = text("journey") else { return nil }
        guard config.journey(journey) != nil else {
            fail("unknown journey '\(journey)': cxsite.yaml has \(config.journeyList)", "journey")
            return nil
        }
        return journey
    }

    /// The field as a number, with a decimal comma where the file writes them so; nil when
    /// missing or not a number.
    mutating func decimal(_ name: String) -> Double? {
        text(name).flatMap { RowBytes.decimal($0, comma: file.decimalComma) }
    }

    /// A number of `name`, at least `minimum`; nil (reported) when missing or not such a number.
    mutating func number(_ name: String, atLeast minimum: Double, what: String) -> Double? {
        guard let raw = text(name) else {
            fail("missing '\(name)': \(what)", name)
            return nil
        }
        guard let value = decimal(name), value >= minimum else {
            fail("'\(name)' is '\(raw)': it must be \(what)", name)
            return nil
        }
        return value
    }
}
