/// The shapes of markdown that cost cmark-gfm time or memory out of all proportion to their
/// size, and the bounds cxsite holds them to: a story of any content then renders in time
/// linear in its size. Measured with cmark-gfm 0.29:
/// - a table costs about a microsecond and 500 bytes per cell, so a 2 MB table takes 1.6 s
///   and 500 MB, and one row of 10,000 cells 40 s;
/// - containers nested deep (`> > > …`, `- - - …`, or indentation) cost every later line as
///   much per level;
/// - web addresses run together (`www.a_www.a_…`), many `)` after one, many e-mail addresses
///   on a line, many images (`![`) or runs of `*`, `_`, `~` and quote marks in a paragraph, and
///   many unfinished `<!x`, `<![` or `<?` in one: each is scanned again to the end of the word,
///   line or paragraph, so 400 KB of `www.a_` took 85 s;
/// - a link reference definition is copied into every link that uses it: a long definition and
///   many links render gigabytes (and cmark-gfm aborts).
///
/// The scan counts each shape where cmark-gfm's cost repeats: per word, line or paragraph
/// (lines between blank lines; a bullet starts a new one). It errs on the side of counting:
/// a line in a code block counts like any other.
public enum MarkdownLimits {
    /// The most cells in one table row.
    public static let cellsPerRow = 300
    /// The most cells in all the tables of one document.
    public static let cellsPerDocument = 100_000
    /// The deepest one line may nest block quotes and lists: its markers, plus a level for
    /// every two columns of indentation before them.
    public static let nestingPerLine = 16
    /// The most web addresses (`www.`, `://`) written together without a space.
    public static let addressesPerWord = 16
    /// The most closing parentheses after the start of a web address, in one word.
    public static let parenthesesPerAddress = 64
    /// The most e-mail addresses (an `@` after a letter, digit or `._+-`) on one line.
    public static let emailAddressesPerLine = 64
    /// The most images (`![`) in one paragraph.
    public static let imagesPerParagraph = 128
    /// The most runs of `*`, `_`, `~`, `'` and `"` in one paragraph; `_` and `'` within a word
    /// are not counted.
    public static let emphasisRunsPerParagraph = 500
    /// The most `<!` + letter, `<![` and `<?` in one paragraph.
    public static let declarationsPerParagraph = 64
    /// The most bytes the longest link reference definition may be copied into: its length
    /// times the `]` that could use it.
    public static let referenceExpansion = 16 << 20

    /// What is over a bound, and where: 1-based line and column (in Unicode scalars) within
    /// the markdown; a lone CR ends a line for cmark-gfm but not here, as in diagnostics.
    public struct Problem: Sendable, Equatable, Error {
        public var message: String
        public var line: Int
        public var column: Int

        public init(message: String, line: Int, column: Int) {
            self.message = message
            self.line = line
            self.column = column
        }
    }

    /// The first bound `markdown` goes past, or nil. One pass over the bytes.
    public static func problem(in markdown: String) -> Problem? {
        var text = markdown
        return text.withUTF8 { bytes in
            var scan = ShapeScan(bytes: bytes)
            return scan.problem()
        }
    }

    /// `markdown` as within every bound, or the first bound it goes past.
    public static func checked(_ markdown: String) -> Result<CheckedMarkdown, Problem> {
        if let problem = problem(in: markdown) { return .failure(problem) }
        return .success(CheckedMarkdown(text: markdown))
    }
}

/// Markdown within ``MarkdownLimits``' bounds, which only ``MarkdownLimits/checked(_:)`` makes:
/// rendering it need not scan it again.
public struct CheckedMarkdown: Sendable {
    public let text: String

    fileprivate init(text: String) {
        self.text = text
    }
}

/// One pass over a document's lines, counting what `MarkdownLimits` bounds.
private struct ShapeScan {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Each line's bytes, without its ending (LF, CRLF or a lone CR, as cmark-gfm reads them).
    let lines: [Range<Int>]
    /// Where each line is reported: the number and start of the line holding it as editors
    /// and diagnostics count lines, which a lone CR does not end.
    let reportedLines: [(number: Int, start: Int)]

    var tableCells = 0
    /// The columns of the table being read: cmark-gfm gives every row that many cells,
    /// however few it writes.
    var tableColumns: Int?
    var paragraph = ParagraphCounts()
    /// The longest link reference definition so far, in bytes from its `]:` to the end of its
    /// paragraph, and where it starts; and the one being read.
    var longestDefinition: (bytes: Int, line: Int, start: Int)?
    var definition: (bytes: Int, line: Int, start: Int)?
    var closingBrackets = 0
    /// The fenced code block the scan is in, and the end of the HTML block it may be in.
    var fence: Fence?
    var htmlBlockEnd: HTMLBlockEnd?

    struct Fence {
        var marker: UInt8
        var length: Int
        var indent: Int
    }

    struct ParagraphCounts {
        var images = 0
        var emphasisRuns = 0
        var declarations = 0
    }

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        var lines: [Range<Int>] = []
        var reportedLines: [(number: Int, start: Int)] = []
        var reported = (number: 1, start: 0)
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D {
                lines.append(start..<index)
                reportedLines.append(reported)
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                start = index + 1
                if bytes[index] == 0x0A { reported = (reported.number + 1, start) }
            }
            index += 1
        }
        if start < bytes.count {
            lines.append(start..<bytes.count)
            reportedLines.append(reported)
        }
        self.lines = lines
        self.reportedLines = reportedLines
    }

    mutating func problem() -> MarkdownLimits.Problem? {
        for number in lines.indices {
            if let problem = problem(onLine: number) { return problem }
        }
        endParagraph()
        return referencesProblem()
    }

    private mutating func problem(onLine number: Int) -> MarkdownLimits.Problem? {
        let line = lines[number]
        if let open = fence {
            if closes(open, line) {
                fence = nil
                return nil
            }
            // A fence in a list item ends with the item: at a line indented less than it was.
            guard !isBlank(line), indentation(line).columns < open.indent else { return nil }
            fence = nil
        }
        let nesting = containerDepth(line)
        if nesting.depth > MarkdownLimits.nestingPerLine {
            return problem(
                "block quotes and lists nested more than \(MarkdownLimits.nestingPerLine) levels deep on one line (every two columns of indentation count as a level): cxsite renders at most \(MarkdownLimits.nestingPerLine)",
                line: number, at: nesting.pastBound)
        }
        // Tables can sit in block quotes and lists: read each line past its markers.
        let content = nesting.contentStart..<line.upperBound
        if isBlank(content) {
            tableColumns = nil
            endParagraph()
            if htmlBlockEnd == .blankLine { htmlBlockEnd = nil }
            return nil
        }
        noteHTMLBlock(content)
        if htmlBlockEnd == nil, let opened = fenceOpening(line) {
            fence = opened
            tableColumns = nil
            endParagraph()
            return nil
        }
        if startsBulletItem(line) { endParagraph() }
        if let problem = tableProblem(onLine: number, content: content) { return problem }
        noteDefinition(onLine: number, content: content)
        return inlineProblem(onLine: number)
    }

    // MARK: Code and HTML blocks

    /// A fenced code block's opening line: up to three spaces, then three or more backticks
    /// (and none after) or tildes. Its lines are neither parsed as markdown nor counted.
    /// A fence counts only where cmark-gfm surely opens one: not inside an HTML block, and
    /// it is closed no later than cmark-gfm closes it, so nothing it parses goes uncounted.
    private func fenceOpening(_ line: Range<Int>) -> Fence? {
        let indent = indentation(line)
        guard indent.columns <= 3, indent.end < line.upperBound else { return nil }
        let marker = bytes[indent.end]
        guard marker == UInt8(ascii: "`") || marker == UInt8(ascii: "~") else { return nil }
        var end = indent.end
        while end < line.upperBound, bytes[end] == marker { end += 1 }
        guard end - indent.end >= 3 else { return nil }
        if marker == UInt8(ascii: "`"), bytes[end..<line.upperBound].contains(marker) { return nil }
        return Fence(marker: marker, length: end - indent.end, indent: indent.columns)
    }

    /// Whether `line` closes the code block `open` began; lenient about indentation, so that
    /// the scan never reads code where cmark-gfm reads markdown.
    private func closes(_ open: Fence, _ line: Range<Int>) -> Bool {
        let indent = indentation(line)
        guard indent.columns <= open.indent + 3 else { return false }
        var end = indent.end
        while end < line.upperBound, bytes[end] == open.marker { end += 1 }
        return end - indent.end >= open.length && isBlank(end..<line.upperBound)
    }

    /// Notes where an HTML block may begin (a line whose content starts with `<`) and where it
    /// ends: at a blank line, or at the end marker of a comment, declaration, processing
    /// instruction, CDATA section or `script`, `pre`, `style` and `textarea`, which may span
    /// blank lines. No fence opens inside one.
    private mutating func noteHTMLBlock(_ content: Range<Int>) {
        var searchFrom = content.lowerBound
        if htmlBlockEnd == nil {
            guard bytes[content.lowerBound] == UInt8(ascii: "<") else { return }
            let start = HTMLBlockEnd.kind(of: bytes, content)
            htmlBlockEnd = start.end
            searchFrom += start.openerLength
        }
        guard case .marker(let markers) = htmlBlockEnd else { return }
        if markers.contains(where: { contains($0, in: searchFrom..<content.upperBound) }) { htmlBlockEnd = nil }
    }

    /// Whether `needle` (lowercase) occurs in `range`, ignoring the case of letters.
    private func contains(_ needle: [UInt8], in range: Range<Int>) -> Bool {
        guard range.count >= needle.count else { return false }
        return (range.lowerBound...(range.upperBound - needle.count)).contains { start in
            needle.indices.allSatisfy { lowercased(bytes[start + $0]) == needle[$0] }
        }
    }

    /// Columns of leading spaces and tabs (a tab to the next multiple of four), and where
    /// they end.
    private func indentation(_ line: Range<Int>) -> (columns: Int, end: Int) {
        var index = line.lowerBound
        var columns = 0
        while index < line.upperBound, isSpace(bytes[index]) {
            columns = bytes[index] == 0x09 ? columns + 4 - columns % 4 : columns + 1
            index += 1
        }
        return (columns, index)
    }

    // MARK: Tables

    private mutating func tableProblem(onLine number: Int, content: Range<Int>) -> MarkdownLimits.Problem? {
        if tableColumns == nil, number + 1 < lines.count {
            let next = lines[number + 1]
            if isDelimiterRow(containerDepth(next).contentStart..<next.upperBound) {
                tableColumns = cellCount(content)
            }
        }
        guard let columns = tableColumns else { return nil }
        let cells = max(columns, cellCount(content))
        if cells > MarkdownLimits.cellsPerRow {
            return problem(
                "a table row with more than \(MarkdownLimits.cellsPerRow) cells: cxsite renders tables of at most \(MarkdownLimits.cellsPerRow) columns",
                line: number, at: lines[number].lowerBound)
        }
        tableCells += cells
        if tableCells > MarkdownLimits.cellsPerDocument {
            return problem(
                "tables with more than \(MarkdownLimits.cellsPerDocument) cells in all: split them over several stories, or link to the data",
                line: number, at: lines[number].lowerBound)
        }
        return nil
    }

    /// A GFM table's delimiter row: cells of hyphens with optional colons, between pipes.
    private func isDelimiterRow(_ line: Range<Int>) -> Bool {
        var hasPipe = false
        var hasHyphen = false
        for index in line {
            switch bytes[index] {
            case UInt8(ascii: "|"): hasPipe = true
            case UInt8(ascii: "-"): hasHyphen = true
            case UInt8(ascii: ":"), 0x20, 0x09: break
            default: return false
            }
        }
        return hasPipe && hasHyphen
    }

    /// The cells of a table row: its pipes, but for one leading and one trailing pipe, plus one.
    private func cellCount(_ line: Range<Int>) -> Int {
        var count = 1
        for index in line where bytes[index] == UInt8(ascii: "|") { count += 1 }
        let content = line.filter { !isSpace(bytes[$0]) }
        if let first = content.first, bytes[first] == UInt8(ascii: "|") { count -= 1 }
        if let last = content.last, content.count > 1, bytes[last] == UInt8(ascii: "|") { count -= 1 }
        return count
    }

    // MARK: Containers and paragraphs

    /// How deep the line nests: its block quote (`>`) and list markers (`-`, `*`, `+`, `1.`,
    /// `1)`), plus a level for every two columns of indentation before the first, when it has
    /// any; the marker that passes the bound, and where the line's content starts.
    private func containerDepth(_ line: Range<Int>) -> (depth: Int, pastBound: Int, contentStart: Int) {
        var (indent, index) = indentation(line)
        var markers = 0
        var pastBound: Int?
        var contentStart = index
        while index < line.upperBound {
            while index < line.upperBound, isSpace(bytes[index]) { index += 1 }
            contentStart = index
            guard index < line.upperBound, let width = markerWidth(at: index, before: line.upperBound) else { break }
            markers += 1
            if pastBound == nil, markers + indent / 2 > MarkdownLimits.nestingPerLine { pastBound = index }
            index += width
            contentStart = index
        }
        return (markers == 0 ? 0 : markers + indent / 2, pastBound ?? line.lowerBound, contentStart)
    }

    /// The width of the block quote or list marker at `index`, or nil when there is none.
    private func markerWidth(at index: Int, before end: Int) -> Int? {
        let byte = bytes[index]
        let followedBySpace: (Int) -> Bool = { $0 == end || isSpace(bytes[$0]) }
        switch byte {
        case UInt8(ascii: ">"):
            return 1
        case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+"):
            return followedBySpace(index + 1) ? 1 : nil
        case 0x30...0x39:
            var digitsEnd = index
            while digitsEnd < end, digitsEnd - index < 9, (0x30...0x39).contains(bytes[digitsEnd]) { digitsEnd += 1 }
            guard digitsEnd < end, bytes[digitsEnd] == UInt8(ascii: ".") || bytes[digitsEnd] == UInt8(ascii: ")"),
                followedBySpace(digitsEnd + 1)
            else { return nil }
            return digitsEnd + 1 - index
        default:
            return nil
        }
    }

    /// A bullet list item with content, in the first four columns: it ends the paragraph
    /// before it, whatever contains that paragraph.
    private func startsBulletItem(_ line: Range<Int>) -> Bool {
        var index = line.lowerBound
        while index < line.upperBound, index - line.lowerBound < 3, bytes[index] == 0x20 { index += 1 }
        guard index + 2 < line.upperBound else { return false }
        let marker = bytes[index]
        guard marker == UInt8(ascii: "-") || marker == UInt8(ascii: "*") || marker == UInt8(ascii: "+"),
            isSpace(bytes[index + 1])
        else { return false }
        return !isBlank(index + 1..<line.upperBound)
    }

    private mutating func endParagraph() {
        paragraph = ParagraphCounts()
        endDefinition()
    }

    private mutating func endDefinition() {
        if let current = definition, current.bytes > longestDefinition?.bytes ?? 0 { longestDefinition = current }
        definition = nil
    }

    // MARK: Inline shapes

    /// Counts, along one line, what cmark-gfm scans again per word, line and paragraph.
    private mutating func inlineProblem(onLine number: Int) -> MarkdownLimits.Problem? {
        let line = lines[number]
        var addresses = 0
        var parentheses = 0
        var emailAddresses = 0
        var index = line.lowerBound
        while index < line.upperBound {
            let byte = bytes[index]
            switch byte {
            case 0x20, 0x09:
                addresses = 0
                parentheses = 0
            case UInt8(ascii: "w"), UInt8(ascii: "W"), UInt8(ascii: ":"):
                guard startsAddress(at: index, before: line.upperBound) else { break }
                if passes(&addresses, MarkdownLimits.addressesPerWord) {
                    return problem(
                        "more than \(MarkdownLimits.addressesPerWord) web addresses run together without a space: put spaces between them",
                        line: number, at: index)
                }
            case UInt8(ascii: ")"):
                guard addresses > 0 else { break }
                if passes(&parentheses, MarkdownLimits.parenthesesPerAddress) {
                    return problem(
                        "a web address with more than \(MarkdownLimits.parenthesesPerAddress) closing parentheses: write it as a link, [text](address)",
                        line: number, at: index)
                }
            case UInt8(ascii: "@"):
                guard index > line.lowerBound, isEmailLocal(bytes[index - 1]) else { break }
                if passes(&emailAddresses, MarkdownLimits.emailAddressesPerLine) {
                    return problem(
                        "more than \(MarkdownLimits.emailAddressesPerLine) e-mail addresses on one line: put them on lines of their own",
                        line: number, at: index)
                }
            case UInt8(ascii: "!"):
                guard index + 1 < line.upperBound, bytes[index + 1] == UInt8(ascii: "[") else { break }
                if passes(&paragraph.images, MarkdownLimits.imagesPerParagraph) {
                    return problem(
                        "more than \(MarkdownLimits.imagesPerParagraph) images in one paragraph: put blank lines between them",
                        line: number, at: index)
                }
            case UInt8(ascii: "<"):
                guard startsDeclaration(at: index, before: line.upperBound) else { break }
                if passes(&paragraph.declarations, MarkdownLimits.declarationsPerParagraph) {
                    return problem(
                        "more than \(MarkdownLimits.declarationsPerParagraph) '<!' or '<?' in one paragraph: put blank lines between them, or write them as code",
                        line: number, at: index)
                }
            case UInt8(ascii: "]"):
                closingBrackets += 1
            case UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "'"), UInt8(ascii: "\""):
                var end = index + 1
                while end < line.upperBound, bytes[end] == byte { end += 1 }
                let withinWord =
                    (byte == UInt8(ascii: "_") || byte == UInt8(ascii: "'"))
                    && index > line.lowerBound && isAlphanumeric(bytes[index - 1])
                    && end < line.upperBound && isAlphanumeric(bytes[end])
                if !withinWord {
                    if passes(&paragraph.emphasisRuns, MarkdownLimits.emphasisRunsPerParagraph) {
                        return problem(
                            "more than \(MarkdownLimits.emphasisRunsPerParagraph) runs of *, _, ~ or quote marks in one paragraph: put blank lines between its parts",
                            line: number, at: index)
                    }
                }
                index = end
                continue
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// `www.` (any case) or `://`: where cmark-gfm's autolinks begin to look for an address.
    private func startsAddress(at index: Int, before end: Int) -> Bool {
        if bytes[index] == UInt8(ascii: ":") {
            return index + 2 < end && bytes[index + 1] == UInt8(ascii: "/") && bytes[index + 2] == UInt8(ascii: "/")
        }
        guard index + 3 < end else { return false }
        return (0..<3).allSatisfy { bytes[index + $0] | 0x20 == UInt8(ascii: "w") } && bytes[index + 3] == UInt8(ascii: ".")
    }

    /// `<!` and a letter, `<![` or `<?`: a declaration, CDATA section or processing
    /// instruction, which cmark-gfm reads up to its end.
    private func startsDeclaration(at index: Int, before end: Int) -> Bool {
        guard index + 1 < end else { return false }
        switch bytes[index + 1] {
        case UInt8(ascii: "?"): return true
        case UInt8(ascii: "!"):
            guard index + 2 < end else { return false }
            let next = bytes[index + 2]
            return next == UInt8(ascii: "[") || (next | 0x20 >= UInt8(ascii: "a") && next | 0x20 <= UInt8(ascii: "z"))
        default: return false
        }
    }

    // MARK: Link reference definitions

    /// Starts measuring a definition (`[label]:` after the line's markers), or adds the line to
    /// the one being measured: its title may run to the end of the paragraph.
    private mutating func noteDefinition(onLine number: Int, content: Range<Int>) {
        let line = lines[number]
        if var current = definition {
            current.bytes += line.count + 1
            definition = current
        }
        guard content.count > 2, bytes[content.lowerBound] == UInt8(ascii: "["),
            let close = content.dropFirst().first(where: { bytes[$0] == UInt8(ascii: "]") }),
            close + 1 < content.upperBound, bytes[close + 1] == UInt8(ascii: ":")
        else { return }
        endDefinition()
        definition = (content.upperBound - close, number, content.lowerBound)
    }

    private func referencesProblem() -> MarkdownLimits.Problem? {
        guard let longest = longestDefinition, longest.bytes * closingBrackets > MarkdownLimits.referenceExpansion else { return nil }
        return problem(
            "a link reference definition of \(longest.bytes) bytes, in a story with \(closingBrackets) ']' that could use it, could render more than \(MarkdownLimits.referenceExpansion >> 20) MiB: shorten it, or link to it fewer times",
            line: longest.line, at: longest.start)
    }

    // MARK: Bytes

    /// The problem at byte `index` of line `number`, located in lines and Unicode scalars.
    private func problem(_ message: String, line number: Int, at index: Int) -> MarkdownLimits.Problem {
        let reported = reportedLines[number]
        let column = bytes[reported.start..<index].count { $0 & 0xC0 != 0x80 } + 1
        return MarkdownLimits.Problem(message: message, line: reported.number, column: column)
    }

    private func isBlank(_ range: Range<Int>) -> Bool {
        range.allSatisfy { isSpace(bytes[$0]) }
    }
}

/// Where an HTML block ends, by the way it begins (CommonMark's seven kinds).
private enum HTMLBlockEnd: Equatable {
    case blankLine
    /// Any of these, lowercase, anywhere on a line.
    case marker([[UInt8]])

    private static let rawTextNames = ["script", "pre", "style", "textarea"]

    /// The kind of block that `content`, which starts with `<`, may open, and the length of
    /// its opener (an end marker is looked for after it).
    static func kind(of bytes: UnsafeBufferPointer<UInt8>, _ content: Range<Int>) -> (end: HTMLBlockEnd, openerLength: Int) {
        let text = bytes[content].prefix(12).map(lowercased)
        let starts: (String) -> Bool = { text.starts(with: Array($0.utf8)) }
        if starts("<!--") { return (.marker([Array("-->".utf8)]), 4) }
        if starts("<![cdata[") { return (.marker([Array("]]>".utf8)]), 9) }
        if starts("<?") { return (.marker([Array("?>".utf8)]), 2) }
        if starts("<!"), text.count > 2, text[2] >= UInt8(ascii: "a"), text[2] <= UInt8(ascii: "z") { return (.marker([[UInt8(ascii: ">")]]), 2) }
        for name in rawTextNames where starts("<" + name) {
            let after = text.count > name.utf8.count + 1 ? text[name.utf8.count + 1] : nil
            if after == nil || after == UInt8(ascii: ">") || after.map(isSpace) == true {
                return (.marker(rawTextNames.map { Array("</\($0)>".utf8) }), name.utf8.count + 1)
            }
        }
        return (.blankLine, 1)
    }
}

private func lowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
}

/// Counts one more of a shape: whether the count now passes `bound`.
private func passes(_ count: inout Int, _ bound: Int) -> Bool {
    count += 1
    return count > bound
}

private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

private func isAlphanumeric(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte >= 0x80
}

private func isEmailLocal(_ byte: UInt8) -> Bool {
    isAlphanumeric(byte) && byte < 0x80 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+")
        || byte == UInt8(ascii: "-")
}
