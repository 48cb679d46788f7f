/// Closes what raw HTML leaves open, so that a story's HTML is a whole fragment: an
/// unclosed `<a href=…>` must not wrap the rest of the page (the aside, the footer) in its
/// link, and a stray `</div>` must not close the theme's own containers.
///
/// It reads HTML that cxsite produced: cmark-gfm's, with raw HTML through
/// ``RawHTMLSanitizer`` already, so every `<` in text is escaped and every attribute value is
/// quoted with no `>` in it. Elements are tracked on a stack, as a browser opens them: an end
/// tag closes its element and those opened inside it; an end tag with no open element is
/// dropped; whatever is open at the end is closed.
public enum TagBalance {
    /// Elements that have no end tag.
    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ]

    /// `html` with every element closed once, in order. Linear in its length.
    public static func balanced(_ html: String) -> String {
        var bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 64)
        var open: [[UInt8]] = []
        var index = 0
        var changed = false
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<"), let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            let isEnd = index + 1 < end && bytes[index + 1] == UInt8(ascii: "/")
            let nameStart = isEnd ? index + 2 : index + 1
            var nameEnd = nameStart
            while nameEnd < end, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            let name = Array(bytes[nameStart..<nameEnd]).map(lowercased)
            if name.isEmpty {  // not a tag (cmark escapes `<` in text; kept as it is)
                output.append(contentsOf: bytes[index...end])
            } else if !isEnd {
                output.append(contentsOf: bytes[index...end])
                if !voidElements.contains(String(decoding: name, as: UTF8.self)) { open.append(name) }
            } else if let depth = open.lastIndex(of: name) {
                while open.count > depth + 1 {
                    appendEndTag(open.removeLast(), to: &output)
                    changed = true
                }
                open.removeLast()
                output.append(contentsOf: bytes[index...end])
            } else {
                changed = true  // an end tag with nothing to close: dropped
            }
            index = end + 1
        }
        while let name = open.popLast() {
            appendEndTag(name, to: &output)
            changed = true
        }
        guard changed else { return html }
        bytes = output
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendEndTag(_ name: [UInt8], to output: inout [UInt8]) {
        output += Array("</".utf8) + name + [UInt8(ascii: ">")]
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
    }
}
