/// Takes the power out of raw HTML a site lets through (`markdown.unsafe: true`): event
/// handler attributes (`onclick`, `onerror`…) are dropped and URL attributes with a
/// dangerous scheme are emptied. Elements themselves are left to GitHub's tagfilter.
enum RawHTMLSanitizer {
    private static let urlAttributes: Set<String> = ["href", "src", "action", "formaction", "xlink:href", "data",
                                                     "poster", "background", "cite", "srcset", "ping", "lowsrc"]

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

    /// Enough entity decoding to see through `&#106;avascript:` and `&colon;` disguises.
    private static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            rest = rest[amp...]
            guard let semicolon = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semicolon) < 12 else {
                result += "&"
                rest = rest.dropFirst()
                continue
            }
            let entity = rest[rest.index(after: rest.startIndex)..<semicolon].lowercased()
            var decoded: String?
            if entity.hasPrefix("#x"), let code = UInt32(entity.dropFirst(2), radix: 16) {
                decoded = Unicode.Scalar(code).map { String($0) }
            } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()) {
                decoded = Unicode.Scalar(code).map { String($0) }
            } else if entity == "colon" {
                decoded = ":"
            } else if entity == "tab" || entity == "newline" {
                decoded = " "
            }
            if let decoded {
                result += decoded
                rest = rest[rest.index(after: semicolon)...]
            } else {
                result += "&"
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }
}

private extension String {
    func replacingQuotes() -> String {
        var result = ""
        for character in self { result += character == "\"" ? "&quot;" : String(character) }
        return result
    }
}
