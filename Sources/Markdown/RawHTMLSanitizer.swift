/// Makes the raw HTML a site lets through (`markdown.unsafe: true`) safe to publish: it
/// keeps only the elements and attributes of an allowlist (GitHub's, in spirit), and only
/// URLs with a web, mail or phone scheme, or none.
///
/// It reads tags as a browser's tokenizer does (HTML5 §13.2.5), so that what it sees as a
/// tag, an attribute or a comment is what the browser will: any other element (`script`,
/// `noscript`, `meta`, `iframe`, `style`, `svg`, `form`…), any declaration, processing
/// instruction or tag left unfinished has its `<` escaped and shows as text; comments are
/// dropped. No element that switches the browser into raw text is ever let through, so no
/// text can hide a tag from this reading.
enum RawHTMLSanitizer {
    static let allowedElements: Set<String> = [
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
        "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
        "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt",
        "u", "ul", "var", "wbr",
    ]

    static let allowedAttributes: Set<String> = [
        "href", "src", "alt", "title", "width", "height", "align", "valign", "colspan", "rowspan", "scope", "headers",
        "abbr", "span", "start", "reversed", "type", "open", "datetime", "cite", "lang", "dir", "id", "class",
        "loading", "aria-label", "aria-hidden", "aria-describedby", "aria-labelledby", "role",
    ]

    /// Attributes whose value is a URL, checked by ``isAllowedURL(_:)``.
    private static let urlAttributes: Set<String> = ["href", "src", "cite"]

    static func sanitize(_ html: String) -> String {
        let characters = Array(html.unicodeScalars)
        // A String, not its unicode-scalar view: the view's `append(contentsOf:)` copies the
        // whole text each time, quadratic in the number of escapes.
        var output = ""
        output.reserveCapacity(html.utf8.count)
        var index = 0
        while index < characters.count {
            guard characters[index] == "<" else {
                output.unicodeScalars.append(characters[index])
                index += 1
                continue
            }
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if next == "!", let end = commentEnd(characters, from: index) {
                index = end  // comments are dropped
            } else if let next, next.isASCIILetter || (next == "/" && index + 2 < characters.count && characters[index + 2].isASCIILetter) {
                guard let tag = Tag(characters, from: index) else {
                    // A tag that runs to the end: the browser takes the rest as part of it, so
                    // it all goes out as text, read once.
                    appendEscaped(characters[index...], to: &output)
                    break
                }
                if allowedElements.contains(tag.name) {
                    output += tag.serialized
                } else {
                    appendEscaped(characters[index..<tag.end], to: &output)  // the whole tag shows as text
                }
                index = tag.end
            } else {
                output += "&lt;"
                index += 1
            }
        }
        return output
    }

    /// `characters` with every `<` escaped, as text.
    private static func appendEscaped(_ characters: ArraySlice<Unicode.Scalar>, to output: inout String) {
        for scalar in characters {
            if scalar == "<" { output += "&lt;" } else { output.unicodeScalars.append(scalar) }
        }
    }

    /// Where the comment starting at `start` (`<!--`) ends, as a browser reads it: after
    /// `-->` or `--!>`, after `<!-->` or `<!--->` at once, or at the end of the text.
    private static func commentEnd(_ characters: [Unicode.Scalar], from start: Int) -> Int? {
        guard characters.count >= start + 4, characters[start + 2] == "-", characters[start + 3] == "-" else { return nil }
        var index = start + 4
        if index < characters.count, characters[index] == ">" { return index + 1 }
        if index + 1 < characters.count, characters[index] == "-", characters[index + 1] == ">" { return index + 2 }
        while index < characters.count {
            if characters[index] == "-", index + 2 < characters.count, characters[index + 1] == "-" {
                if characters[index + 2] == ">" { return index + 3 }
                if characters[index + 2] == "!", index + 3 < characters.count, characters[index + 3] == ">" { return index + 4 }
            }
            index += 1
        }
        return characters.count
    }

    /// A start or end tag read as the browser's tokenizer reads it; nil when the text ends
    /// before the tag does.
    private struct Tag {
        var name = ""
        var isEnd = false
        var selfClosing = false
        var attributes: [(name: String, value: String?)] = []
        var end = 0

        init?(_ characters: [Unicode.Scalar], from start: Int) {
            var index = start + 1
            if characters[index] == "/" {
                isEnd = true
                index += 1
            }
            while index < characters.count, !characters[index].isHTMLSpace, characters[index] != "/", characters[index] != ">" {
                name.unicodeScalars.append(characters[index])
                index += 1
            }
            name = name.lowercased()
            while index < characters.count {
                let scalar = characters[index]
                if scalar == ">" {
                    end = index + 1
                    return
                }
                if scalar.isHTMLSpace {
                    index += 1
                    continue
                }
                if scalar == "/" {
                    selfClosing = index + 1 < characters.count && characters[index + 1] == ">"
                    index += 1
                    continue
                }
                // An attribute: a name (its first character may be `=`), then optionally = and a value.
                var attribute = String(scalar)
                index += 1
                while index < characters.count, !characters[index].isHTMLSpace, characters[index] != "/",
                    characters[index] != ">", characters[index] != "="
                {
                    attribute.unicodeScalars.append(characters[index])
                    index += 1
                }
                var probe = index
                while probe < characters.count, characters[probe].isHTMLSpace { probe += 1 }
                var value: String?
                if probe < characters.count, characters[probe] == "=" {
                    index = probe + 1
                    while index < characters.count, characters[index].isHTMLSpace { index += 1 }
                    var text = ""
                    if index < characters.count, characters[index] == "\"" || characters[index] == "'" {
                        let quote = characters[index]
                        index += 1
                        while index < characters.count, characters[index] != quote {
                            text.unicodeScalars.append(characters[index])
                            index += 1
                        }
                        guard index < characters.count else { return nil }  // the value never closes
                        index += 1
                    } else {
                        while index < characters.count, !characters[index].isHTMLSpace, characters[index] != ">" {
                            text.unicodeScalars.append(characters[index])
                            index += 1
                        }
                    }
                    value = text
                }
                attributes.append((attribute.lowercased(), value))
            }
            return nil
        }

        /// The tag with only allowed attributes and URLs, every value in double quotes.
        var serialized: String {
            if isEnd { return "</\(name)>" }
            var text = "<" + name
            var seen: Set<String> = []
            for attribute in attributes where RawHTMLSanitizer.allowedAttributes.contains(attribute.name) {
                guard seen.insert(attribute.name).inserted else { continue }  // the browser keeps the first
                text += " " + attribute.name
                guard var value = attribute.value else { continue }
                if RawHTMLSanitizer.urlAttributes.contains(attribute.name) {
                    // A URL goes out as it was checked: decoded, then escaped again, so the
                    // browser cannot decode it into something else.
                    value = RawHTMLSanitizer.decodeEntities(value)
                    if !RawHTMLSanitizer.isAllowedURL(value) { value = "" }
                    text += "=\"" + RawHTMLSanitizer.escapeAttribute(value, ampersands: true) + "\""
                    continue
                }
                text += "=\"" + RawHTMLSanitizer.escapeAttribute(value, ampersands: false) + "\""
            }
            return text + (selfClosing ? " />" : ">")
        }
    }

    /// True for a relative URL, or one whose scheme is http, https, mailto or tel, as the
    /// browser will read `decoded` (its entities decoded): tabs and line breaks dropped.
    static func isAllowedURL(_ decoded: String) -> Bool {
        var scheme = ""
        for scalar in decoded.unicodeScalars {
            if scalar.value <= 0x20 || scalar == "\u{7F}" { continue }
            if scalar == ":" { return ["http", "https", "mailto", "tel"].contains(scheme.lowercased()) }
            if scalar == "/" || scalar == "?" || scalar == "#" { return true }
            scheme.unicodeScalars.append(scalar)
        }
        return true
    }

    /// `value` ready for a double-quoted attribute; with `ampersands`, `&` too, for a value
    /// whose entities were decoded already.
    private static func escapeAttribute(_ value: String, ampersands: Bool) -> String {
        var result = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&" where ampersands: result += "&amp;"
            case "\"": result += "&quot;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Character references as a browser decodes them in an attribute: numeric ones with any
    /// number of digits and with or without their `;` (`&#0000000058;` is `:`), invalid code
    /// points as U+FFFD; the named ones that matter in URLs. Unknown names stay as written.
    static func decodeEntities(_ text: String) -> String {
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
                var value: UInt32 = 0
                var digits = 0
                while end < scalars.count, let digit = hex ? scalars[end].hexDigitValue : scalars[end].decimalDigitValue {
                    value = min(0x110000, value * (hex ? 16 : 10) + UInt32(digit))  // clamped, as browsers do
                    digits += 1
                    end += 1
                }
                if digits > 0 { decoded = Unicode.Scalar(value == 0 ? 0xFFFD : value) ?? "\u{FFFD}" }
            } else {
                var name = ""
                while end < scalars.count, name.count < 10, scalars[end].properties.isAlphabetic {
                    name.unicodeScalars.append(scalars[end])
                    end += 1
                }
                decoded =
                    [
                        "colon": ":", "tab": " ", "newline": " ", "amp": "&", "lt": "<", "gt": ">", "quot": "\"",
                        "apos": "'", "sol": "/", "period": ".", "lpar": "(", "rpar": ")",
                    ][name.lowercased()]
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

extension Unicode.Scalar {
    fileprivate var hexDigitValue: Int? { properties.isASCIIHexDigit ? Int(String(self), radix: 16) : nil }
    fileprivate var decimalDigitValue: Int? { ("0"..."9").contains(self) ? Int(value - 48) : nil }
    fileprivate var isHTMLSpace: Bool { self == " " || self == "\t" || self == "\n" || self == "\r" || self == "\u{0C}" }
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
