/// Takes the power out of raw HTML a site lets through (`markdown.unsafe: true`): event
/// handler attributes (`onclick`, `onerror`…) are dropped and URL attributes with a
/// dangerous scheme are emptied. Elements themselves are left to GitHub's tagfilter.
enum RawHTMLSanitizer {
    private static let urlAttributes: Set<String> = ["href", "src", "action", "formaction", "xlink:href", "data",
                                                     "poster", "background", "cite", "srcset", "ping", "lowsrc",
                                                     "values", "to", "from", "by"]  // the last four: SVG animation

    static func sanitize(_ html: String) -> String {
        let characters = Array(html.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < characters.count {
            let scalar = characters[index]
            guard scalar == "<", index + 1 < characters.count,
                  characters[index + 1].properties.isAlphabetic else {
                output.append(scalar)
                index += 1
                continue
            }
            index = sanitizeTag(characters, from: index, into: &output)
        }
        return String(output)
    }

    /// Copies the tag starting at `start` with its attributes cleaned; returns where it ends.
    private static func sanitizeTag(_ characters: [Unicode.Scalar], from start: Int,
                                    into output: inout String.UnicodeScalarView) -> Int {
        var index = start + 1
        output.append("<")
        while index < characters.count, !isSpace(characters[index]), characters[index] != ">", characters[index] != "/" {
            output.append(characters[index])
            index += 1
        }
        while index < characters.count {
            let scalar = characters[index]
            if scalar == ">" {
                output.append(scalar)
                return index + 1
            }
            if isSpace(scalar) || scalar == "/" {
                output.append(scalar)
                index += 1
                continue
            }
            // An attribute: name, then optionally = and a value.
            var name = ""
            while index < characters.count, !isSpace(characters[index]), characters[index] != "=",
                  characters[index] != ">", characters[index] != "/" {
                name.unicodeScalars.append(characters[index])
                index += 1
            }
            var value: String?
            var quote: Unicode.Scalar?
            var probe = index
            while probe < characters.count, isSpace(characters[probe]) { probe += 1 }
            if probe < characters.count, characters[probe] == "=" {
                index = probe + 1
                while index < characters.count, isSpace(characters[index]) { index += 1 }
                var text = ""
                if index < characters.count, characters[index] == "\"" || characters[index] == "'" {
                    quote = characters[index]
                    index += 1
                    while index < characters.count, characters[index] != quote { text.unicodeScalars.append(characters[index]); index += 1 }
                    index += 1
                } else {
                    while index < characters.count, !isSpace(characters[index]), characters[index] != ">" {
                        text.unicodeScalars.append(characters[index])
                        index += 1
                    }
                }
                value = text
            }
            let lower = name.lowercased()
            if lower.hasPrefix("on") {  // event handlers go, with the space before them
                while let last = output.last, isSpace(last) { output.removeLast() }
                continue
            }
            output.append(contentsOf: name.unicodeScalars)
            guard var value else { continue }
            if urlAttributes.contains(lower), URLSafety.isDangerous(decodeEntities(value)) { value = "" }
            let delimiter: Unicode.Scalar = quote ?? "\""
            output.append("=")
            output.append(delimiter)
            output.append(contentsOf: (quote == nil ? value.replacingQuotes() : value).unicodeScalars)
            output.append(delimiter)
        }
        return index
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar == "\u{0C}"
    }

    /// Enough entity decoding to see through `&#106;avascript:`, `&#x6A` (browsers accept a
    /// numeric reference without its `;`) and `&colon;` disguises.
    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "&" else {
                result.append(scalars[index])
                index += 1
                continue
            }
            var end = index + 1
            var decoded: Unicode.Scalar?
            if end < scalars.count, scalars[end] == "#" {
                end += 1
                let hex = end < scalars.count && (scalars[end] == "x" || scalars[end] == "X")
                if hex { end += 1 }
                var digits = ""
                while end < scalars.count, digits.count < 8,
                      hex ? scalars[end].properties.isASCIIHexDigit : ("0"..."9").contains(scalars[end]) {
                    digits.unicodeScalars.append(scalars[end])
                    end += 1
                }
                decoded = UInt32(digits, radix: hex ? 16 : 10).flatMap(Unicode.Scalar.init)
            } else {
                var name = ""
                while end < scalars.count, name.count < 10, scalars[end].properties.isAlphabetic {
                    name.unicodeScalars.append(scalars[end])
                    end += 1
                }
                decoded = ["colon": ":", "tab": " ", "newline": " "][name.lowercased()]
            }
            guard let decoded else {
                result.append(scalars[index])
                index += 1
                continue
            }
            if end < scalars.count, scalars[end] == ";" { end += 1 }
            result.append(decoded)
            index = end
        }
        return String(result)
    }
}

private extension String {
    func replacingQuotes() -> String {
        var result = ""
        for character in self { result += character == "\"" ? "&quot;" : String(character) }
        return result
    }
}
