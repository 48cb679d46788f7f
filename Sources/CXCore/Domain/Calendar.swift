/// A calendar date without a time zone, written `YYYY-MM-DD`.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC date of a Unix time.
    public init(secondsSince1970 seconds: Int) {
        // Civil-from-days (Howard Hinnant), the inverse of `daysSinceEpoch`.
        let z = Int((Double(seconds) / 86_400).rounded(.down)) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, saying what is wrong otherwise (`2026-02-30` does not exist).
    public static func parse(_ text: String) -> Result<Day, DateProblem> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else {
            return .failure(DateProblem("'\(text)' is not a date: write it as YYYY-MM-DD"))
        }
        guard let value = Day(year: year, month: month, day: day) else {
            return .failure(DateProblem("\(text) does not exist in the calendar"))
        }
        return .success(value)
    }

    /// Reads a day as encoded, refusing one that does not exist in the calendar.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard
            let day = Day(
                year: try container.decode(Int.self, forKey: .year), month: try container.decode(Int.self, forKey: .month),
                day: try container.decode(Int.self, forKey: .day))
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no such day"))
        }
        self = day
    }

    public var description: String {
        zeroPadded(year, width: 4) + "-" + zeroPadded(month, width: 2) + "-" + zeroPadded(day, width: 2)
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for ages and differences.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `7 October 2026`.
    public var longText: String {
        "\(day) \(Self.monthNames[month - 1]) \(year)"
    }

    public static func < (a: Day, b: Day) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ]

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Why a date or period did not parse.
public struct DateProblem: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// How a site groups time: by quarter (`2026-Q3`) or by month (`2026-09`).
public enum PeriodKind: String, CaseIterable, Sendable, Codable {
    case quarter, month
}

/// A quarter or a month.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    /// 1–4 for a quarter, 1–12 for a month.
    public let index: Int
    public let kind: PeriodKind

    public init(year: Int, index: Int, kind: PeriodKind) {
        self.year = year
        self.index = index
        self.kind = kind
    }

    /// The period of `kind` that contains `day`.
    public init(containing day: Day, kind: PeriodKind) {
        self.init(year: day.year, index: kind == .quarter ? (day.month - 1) / 3 + 1 : day.month, kind: kind)
    }

    /// Parses `2026-Q3` or `2026-09`.
    /// The period a wide sheet's column header names: `2026-Q3`, `Q3 2026`, `2026-09`,
    /// `Sep 2026`, `September 2026`, `Sep-26`, or a date (a date cell reads `2026-09-01`),
    /// taken as the period of `kind` that holds it. Nil for any other header.
    static func columnHeader(_ text: String, kind: PeriodKind) -> Period? {
        if case .success(let period) = parse(text) { return period }
        if text.count == 10, case .success(let day) = Day.parse(text) { return Period(containing: day, kind: kind) }
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "/" }).map(String.init)
        guard words.count == 2 else { return nil }
        func year(_ word: String) -> Int? {
            guard word.allSatisfy(\.isASCII), let value = Int(word) else { return nil }
            return word.count == 4 ? value : word.count == 2 ? 2000 + value : nil
        }
        if words[0].count == 2, words[0].first == "q", let quarter = Int(words[0].dropFirst()), (1...4).contains(quarter),
            let year = year(words[1])
        {
            return Period(year: year, index: quarter, kind: .quarter)
        }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        if let month = months.firstIndex(of: words[0]) ?? names.firstIndex(of: words[0]) ?? (words[0] == "sept" ? 8 : nil),
            let year = year(words[1])
        {
            return Period(year: year, index: month + 1, kind: .month)
        }
        return nil
    }

    public static func parse(_ text: String) -> Result<Period, DateProblem> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), year >= 1 else {
            return .failure(DateProblem("'\(text)' is not a period: write a quarter as 2026-Q3 or a month as 2026-09"))
        }
        if parts[1].count == 2, parts[1].first == "Q", let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) {
            return .success(Period(year: year, index: quarter, kind: .quarter))
        }
        if parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) {
            return .success(Period(year: year, index: month, kind: .month))
        }
        return .failure(DateProblem("'\(text)' is not a period: write a quarter as 2026-Q3 or a month as 2026-09"))
    }

    /// `2026-Q3` or `2026-09`.
    public var description: String {
        kind == .quarter ? "\(zeroPadded(year, width: 4))-Q\(index)" : "\(zeroPadded(year, width: 4))-\(zeroPadded(index, width: 2))"
    }

    /// `Q3 2026` or `September 2026`.
    public var label: String {
        kind == .quarter ? "Q\(index) \(year)" : "\(Day.monthNames[index - 1]) \(year)"
    }

    public var previous: Period {
        let count = kind == .quarter ? 4 : 12
        return index == 1 ? Period(year: year - 1, index: count, kind: kind) : Period(year: year, index: index - 1, kind: kind)
    }

    /// The month the period starts in.
    private var firstMonth: Int { kind == .quarter ? index * 3 - 2 : index }

    /// The first day of the period (years are 1–9999, so the date exists).
    public var first: Day { Day(year: year, month: firstMonth, day: 1)! }

    /// The last day of the period.
    public var last: Day {
        let month = kind == .quarter ? index * 3 : index
        return Day(year: year, month: month, day: Day.daysIn(month: month, year: year))!
    }

    /// True when `day` falls inside the period.
    func contains(_ day: Day) -> Bool { Period(containing: day, kind: kind) == self }

    /// The period's place in a count of periods of its kind, so that two periods' distance is
    /// the difference of their ordinals.
    var ordinal: Int { year * (kind == .quarter ? 4 : 12) + index - 1 }

    /// The period of `kind` whose ``ordinal`` is `ordinal`.
    init(ordinal: Int, kind: PeriodKind) {
        let count = kind == .quarter ? 4 : 12
        self.init(year: ordinal / count, index: ordinal % count + 1, kind: kind)
    }

    public static func < (a: Period, b: Period) -> Bool {
        (a.year, a.firstMonth, a.index) < (b.year, b.firstMonth, b.index)
    }
}

/// `value` in decimal, with leading zeros up to `width` digits.
func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
