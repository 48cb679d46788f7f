import Foundation

/// Field parsers that work on a row's bytes, for the common case; the slow paths with
/// messages run only for bad fields.
enum RowBytes {
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The field as text without the white space and line breaks around it (Foundation's
    /// `whitespacesAndNewlines`): bridged to Foundation only when it starts or ends in a
    /// byte that may be one, not for every comment a page keeps.
    static func trimmedText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let inner = trimmed(bytes)
        guard let first = inner.first, let last = inner.last else { return "" }
        let text = String(decoding: inner, as: UTF8.self)
        func printable(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
        return printable(first) && printable(last) ? text : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `YYYY-MM-DD` exactly; nil for anything else, including dates not in the calendar.
    static func day(_ raw: UnsafeBufferPointer<UInt8>) -> Day? {
        let bytes = trimmed(raw)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10) else { return nil }
        return Day(year: year, month: month, day: day)
    }

    static func integer(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let bytes = trimmed(raw)
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        var start = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            start = 1
            guard bytes.count > 1 else { return nil }
        }
        for i in start..<bytes.count {
            let digit = Int(bytes[i]) - 48
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return negative ? -value : value
    }

    /// `nps`, `csat` or `ces`, in any case.
    static func metric(_ raw: UnsafeBufferPointer<UInt8>) -> SurveyMetric? {
        let bytes = trimmed(raw)
        guard bytes.count == 3 || bytes.count == 4 else { return nil }
        var lower: UInt32 = 0
        for byte in bytes { lower = lower << 8 | UInt32(byte | 0x20) }
        switch lower {
        case 0x6E_70_73: return .nps  // "nps"
        case 0x63_73_61_74: return .csat  // "csat"
        case 0x63_65_73: return .ces  // "ces"
        default: return nil
        }
    }

    /// A whole number at the start of an answer's text, as platforms export labelled points:
    /// `10 - Extremely likely`, `5 = Very satisfied`.
    static func leadingInteger(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let bytes = trimmed(raw)
        var end = 0
        while end < bytes.count, end < 3, bytes[end] >= 48, bytes[end] <= 57 { end += 1 }
        guard end > 0, end < bytes.count, [UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "=")].contains(bytes[end]) else {
            return nil
        }
        return integer(UnsafeBufferPointer(rebasing: bytes[0..<end]))
    }

    /// A finite number, with a decimal comma (`86,4`) where the file writes them so.
    static func decimal(_ text: String, comma: Bool) -> Double? {
        let written = comma && !text.contains(".") ? text.replacingOccurrences(of: ",", with: ".") : text
        guard let value = Double(written), value.isFinite, abs(value) < 1e15 else { return nil }
        return value
    }

    /// Why `86,4` may not read as a number: said where the file's numbers have decimal points.
    static func decimalCommaHint(_ text: String, comma: Bool) -> String {
        guard !comma, text.contains(","), decimal(text, comma: true) != nil else { return "" }
        return ": a decimal comma? write \(text.replacingOccurrences(of: ",", with: ".")), save the file separated by "
            + "semicolons (as Excel does where commas are decimal), or say `decimal_comma: true` in its mapping"
    }
}
