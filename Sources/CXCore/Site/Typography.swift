/// Small typographic touches for text from front matter, matching what cmark-gfm's smart
/// punctuation does for markdown bodies.
enum Typography {
    /// Straight quotes to curly ones: `it's` → `it’s`, `"word"` → `“word”`.
    static func smarten(_ text: String) -> String {
        guard text.contains("'") || text.contains("\"") else { return text }
        var result = ""
        var previous: Character = " "
        for character in text {
            switch character {
            case "'":
                result.append(previous.isWhitespace || "([{“‘".contains(previous) ? "‘" : "’")
            case "\"":
                result.append(previous.isWhitespace || "([{‘".contains(previous) ? "“" : "”")
            default:
                result.append(character)
            }
            previous = character
        }
        return result
    }

    /// An identifier as a label: `small-business` → `Small business`.
    static func label(_ id: String) -> String {
        let words = id.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
