import Foundation

/// How a response file's dates read: `YYYY-MM-DD`, with or without a time after it, always;
/// dates with slashes (`14/10/2026`) in the order the file's mapping or platform says, never
/// guessed; dots (`14.10.2026`) day first; Unix seconds where the platform writes them. The
/// time of day is ignored: a response counts on the day written.
struct DateReading: Sendable {
    /// Which part of a slashed date is the day; nil when nothing says.
    var order: ResponseMapping.DateOrder?
    /// Whether whole numbers are Unix seconds (Delighted), read as the UTC day.
    var unixSeconds = false
    /// Whether the file has a mapping, where a `date_order` can be given.
    var mapped = false

    /// The day `raw` names; nil when it names none (then ``problem(_:)`` says why).
    func day(_ raw: UnsafeBufferPointer<UInt8>) -> Day? {
        let bytes = RowBytes.trimmed(raw)
        if let day = Self.iso(bytes) { return day }
        if unixSeconds, let seconds = Self.seconds(bytes) { return Day(secondsSince1970: seconds) }
        guard let parts = Self.numbered(bytes) else { return nil }
        switch parts.separator {
        case UInt8(ascii: "."): return Day(year: parts.year, month: parts.second, day: parts.first)
        default:
            switch order {
            case .dayFirst: return Day(year: parts.year, month: parts.second, day: parts.first)
            case .monthFirst: return Day(year: parts.year, month: parts.first, day: parts.second)
            case nil: return nil
            }
        }
    }

    /// Why `text` names no day, and its shape (digits as 9, letters as a), so that rows with
    /// the same mistake are one error.
    func problem(_ text: String) -> (message: String, shape: String) {
        let shape = String(
            text.prefix(40).map { $0.isASCII && $0.isNumber ? "9" : $0.isLetter ? "a" : $0 })
        let bytes = Array(text.utf8)
        let parts = bytes.withUnsafeBufferPointer { Self.numbered($0) }
        let isoShaped = bytes.count >= 10 && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-")
        if isoShaped, case .failure(let problem) = Day.parse(String(text.prefix(10))) {
            return (problem.description, shape)
        }
        guard let parts, parts.separator == UInt8(ascii: "/") else {
            return (
                "'\(text)' is not a date: write it as YYYY-MM-DD (a time after it is ignored)"
                    + (unixSeconds ? ", or as Unix seconds" : ""), shape
            )
        }
        let placeToSay = mapped ? "in this file's mapping in cxsite.yaml" : "in a mapping for the file under 'responses' in cxsite.yaml"
        switch order {
        case nil:
            let reads =
                parts.first > 12
                ? " (this one can only be day first)" : parts.second > 12 ? " (this one can only be month first)" : ""
            return (
                "'\(text)' has its day and month in an order nothing states\(reads): say which \(placeToSay) "
                    + "(`date_order: day-first` or `month-first`), or write dates as YYYY-MM-DD", shape
            )
        case .dayFirst:
            return ("'\(text)' is not a day-first date (day/month/year) in the calendar: is the file's date_order month-first?", shape)
        case .monthFirst:
            return ("'\(text)' is not a month-first date (month/day/year) in the calendar: is the file's date_order day-first?", shape)
        }
    }

    /// `YYYY-MM-DD`, alone or followed by a space or `T` and a time.
    private static func iso(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        guard bytes.count >= 10 else { return nil }
        if bytes.count > 10 {
            guard bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes.count >= 14,
                isDigit(bytes[11]), isDigit(bytes[12]), bytes[13] == UInt8(ascii: ":")
            else { return nil }
        }
        return RowBytes.day(UnsafeBufferPointer(rebasing: bytes[0..<10]))
    }

    /// `a/b/YYYY` or `a.b.YYYY` (one or two digits each, the year four), alone or followed by
    /// a space and a time.
    private static func numbered(_ bytes: UnsafeBufferPointer<UInt8>) -> (first: Int, second: Int, year: Int, separator: UInt8)? {
        var index = 0
        func number(maxDigits: Int) -> (value: Int, digits: Int)? {
            var value = 0
            var digits = 0
            while index < bytes.count, isDigit(bytes[index]), digits < maxDigits {
                value = value * 10 + Int(bytes[index] - 48)
                digits += 1
                index += 1
            }
            return digits == 0 ? nil : (value, digits)
        }
        guard let first = number(maxDigits: 2), index < bytes.count else { return nil }
        let separator = bytes[index]
        guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".") else { return nil }
        index += 1
        guard let second = number(maxDigits: 2), index < bytes.count, bytes[index] == separator else { return nil }
        index += 1
        guard let year = number(maxDigits: 4), year.digits == 4 else { return nil }
        guard index == bytes.count || bytes[index] == UInt8(ascii: " ") else { return nil }
        return (first.value, second.value, year.value, separator)
    }

    /// Whole seconds since 1970, as Delighted writes them: up to 11 digits (a year before 5000).
    private static func seconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 11, bytes.allSatisfy(isDigit) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
