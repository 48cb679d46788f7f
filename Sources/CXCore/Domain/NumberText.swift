import CFormat
import Foundation

/// The one way a number reads on every page, table, card, chart and message: thousands
/// grouped with commas (`4,180`), the minus sign − rather than a hyphen, and never `−0`.
public enum NumberText {
    /// `value` with `decimals` decimals, C's `%.Nf` rounding: `4,180`, `−10.1`, `0.40`.
    /// With `trimming`, trailing zeros of the fraction go: `1.5` rather than `1.50`.
    public static func decimal(_ value: Double, decimals: Int, trimming: Bool = false) -> String {
        guard value.isFinite else { return value.isNaN ? "—" : value > 0 ? "∞" : "−∞" }
        var digits = Array(plain(abs(value), decimals: decimals).utf8)
        if trimming, digits.contains(UInt8(ascii: ".")) {
            while digits.last == UInt8(ascii: "0") { digits.removeLast() }
            if digits.last == UInt8(ascii: ".") { digits.removeLast() }
        }
        let whole = digits.firstIndex(of: UInt8(ascii: ".")) ?? digits.endIndex
        var text: [UInt8] = []
        text.reserveCapacity(digits.count + whole / 3 + 3)
        let isZero = !digits.contains { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }
        if value < 0, !isZero { text += Array("−".utf8) }
        for (index, digit) in digits.enumerated() {
            if index > 0, index < whole, (whole - index) % 3 == 0 { text.append(UInt8(ascii: ",")) }
            text.append(digit)
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `value` with its sign, the way a change reads: `+3.1`, `−3.1`; zero has none: `0`.
    public static func signed(_ value: Double, decimals: Int, trimming: Bool = false) -> String {
        let text = decimal(value, decimals: decimals, trimming: trimming)
        let isZero = !text.utf8.contains { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }
        return value > 0 && !isZero ? "+" + text : text
    }

    /// A count: `4,180`.
    public static func count(_ value: Int) -> String {
        decimal(Double(value), decimals: 0)
    }

    /// A count with its noun: `1 story`, `4,180 stories`.
    public static func counted(_ value: Int, _ one: String, _ many: String) -> String {
        "\(count(value)) \(value == 1 ? one : many)"
    }

    /// `value` for a machine rather than a reader (SVG coordinates, data attributes): at most
    /// one decimal, an ASCII minus, no grouping.
    public static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        // Tenths in integers, as `%.1f` rounds them, wherever the value is far enough from a
        // tie that the product's rounding error cannot change the nearest tenth (a chart has
        // thousands of coordinates, and `snprintf`'s argument list was most of their cost).
        let tenths = value * 10
        let nearest = tenths.rounded()
        if abs(tenths) < 1e9, abs(abs(tenths - nearest) - 0.5) > 1e-6 {
            let count = Int(nearest)
            guard count % 10 != 0 else { return String(count / 10) }
            return (count < 0 ? "-" : "") + String(abs(count) / 10) + "." + String(abs(count) % 10)
        }
        var text = plain(value, decimals: 1)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text == "-0" ? "0" : text
    }

    /// C's `%.*f` through `snprintf` into a buffer: Foundation's `String(format:)` cost 9% of a
    /// rebuild, every number of every card being formatted, and building Swift's `CVarArg`
    /// list for `vsnprintf` still 4% of a preview's rebuild; `cx_fixed` is called from C.
    private static func plain(_ value: Double, decimals: Int) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 352) { buffer in
            let written = cx_fixed(buffer.baseAddress, UInt(buffer.count), Int32(max(0, min(decimals, 17))), value)
            guard written > 0, written < buffer.count else { return String(value) }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: Int(written)), as: UTF8.self)
        }
    }
}
