/// Which characters may appear in a page: none of the controls (but tab and line breaks)
/// that make HTML invalid and XML ill-formed, nor Unicode's noncharacters.
public enum TextSafety {
    /// True for C0 controls other than tab, line feed and carriage return, DEL, the C1
    /// controls, and noncharacters (U+FDD0–U+FDEF, U+FFFE, U+FFFF and their kin in every plane).
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        switch value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00...0x1F, 0x7F...0x9F, 0xFDD0...0xFDEF: return true
        default: return value & 0xFFFE == 0xFFFE
        }
    }

    /// True when valid UTF-8 `bytes` hold a forbidden character; looks at bytes only, so
    /// ordinary text costs one pass without decoding.
    public static func containsForbidden(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F { return true }
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            guard index + length <= bytes.count else { return false }
            switch byte {
            case 0xC2 where bytes[index + 1] <= 0x9F: return true  // U+0080–U+009F
            case 0xEF where bytes[index + 1] == 0xB7 && (0x90...0xAF).contains(bytes[index + 2]): return true  // U+FDD0–U+FDEF
            case 0xEF where bytes[index + 1] == 0xBF && bytes[index + 2] >= 0xBE: return true  // U+FFFE, U+FFFF
            case 0xF0...0xF4 where bytes[index + 1] & 0x0F == 0x0F && bytes[index + 2] == 0xBF && bytes[index + 3] >= 0xBE: return true
            default: break
            }
            index += length
        }
        return false
    }

    /// The first forbidden character of `text` and its 0-based offset in scalars, if any,
    /// with how many there are in all.
    public static func firstForbidden(in text: String) -> (scalar: Unicode.Scalar, offset: Int, count: Int)? {
        var copy = text
        guard copy.withUTF8(containsForbidden) else { return nil }
        var first: (Unicode.Scalar, Int)?
        var count = 0
        for (offset, scalar) in text.unicodeScalars.enumerated() where isForbidden(scalar) {
            if first == nil { first = (scalar, offset) }
            count += 1
        }
        return first.map { ($0.0, $0.1, count) }
    }

    /// `text` as it may be printed to a terminal: every forbidden character, and carriage
    /// return, replaced by U+FFFD, so no byte of input (a file name holding an escape
    /// sequence) can move the cursor, set the title or write the clipboard. With `oneLine`,
    /// line feeds and tabs are replaced too.
    public static func forTerminal(_ text: String, oneLine: Bool = false) -> String {
        let unsafe = { (scalar: Unicode.Scalar) in
            isForbidden(scalar) || scalar == "\r" || (oneLine && (scalar == "\n" || scalar == "\t"))
        }
        guard text.unicodeScalars.contains(where: unsafe) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { unsafe($0) ? "\u{FFFD}" : $0 }))
    }

    /// `text` with every forbidden character replaced by U+FFFD.
    public static func scrubbed(_ text: String) -> String {
        var copy = text
        guard copy.withUTF8(containsForbidden) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isForbidden($0) ? "\u{FFFD}" : $0 }))
    }

    /// `U+001B`, as messages name a character.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
