/// Small typographic touches for text from front matter, matching what cmark-gfm's smart
/// punctuation does for markdown bodies.
enum Typography {
    /// Straight quotes to curly ones: `it's` → `it’s`, `"word"` → `“word”`.
    static func smarten(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") }) else { return text }
        var result = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            switch scalar {
            case "'":
                result.append(previous.properties.isWhitespace || "([{“‘".unicodeScalars.contains(previous) ? "‘" : "’")
            case "\"":
                result.append(previous.properties.isWhitespace || "([{‘".unicodeScalars.contains(previous) ? "“" : "”")
            default:
                result.append(scalar)
            }
            previous = scalar
        }
        return String(result)
    }

    /// An identifier as a label: `small-business` → `Small business`.
    static func label(_ id: String) -> String {
        let words = String(id.map { $0 == "_" || $0 == "-" ? " " : $0 })
        guard let first = words.first else { return words }
        return first.uppercased() + words.dropFirst()
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
