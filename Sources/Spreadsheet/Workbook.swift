import Foundation

/// An `.xlsx` workbook (Office Open XML, as Excel, LibreOffice, Numbers and Google Sheets
/// save it), read from its bytes: its sheets by name, and a sheet's cells a row at a time as
/// text. Numbers read as they were typed (`9`, `0.85`), cells formatted as dates as
/// `YYYY-MM-DD`, booleans as `TRUE` and `FALSE`.
///
/// The archive is read by ``ZipArchive`` and its XML by ``XMLScanner`` as it is inflated, so
/// a sheet of a million rows never sits whole in memory (the shared strings do: any row may
/// use any of them).
public struct Workbook {
    /// A sheet as the workbook lists it.
    public struct Sheet: Sendable {
        public let name: String
        /// Hidden sheets are never taken as the first sheet.
        public let isHidden: Bool
        /// The archive path of the sheet's XML.
        let part: String
    }

    /// Why the workbook, or one of its sheets, cannot be read.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The sheets in the workbook's order.
    public let sheets: [Sheet]
    private let archive: ZipArchive
    private let strings: StringTable
    /// For each cell style, whether it shows a number as a date.
    private let dateStyles: [Bool]
    /// Whether day 0 is 1904-01-01 (old Mac workbooks) rather than 1899-12-31.
    private let uses1904: Bool

    /// The largest part read whole (the workbook, its relationships, its styles).
    static let partLimit = 16 << 20
    /// The largest shared-string table: every text cell of the workbook, held in memory.
    public static let sharedStringsLimit = 256 << 20
    /// The longest cell, in bytes of text.
    public static let cellLimit = 128 << 10
    /// The most bytes a sheet's XML may inflate to: some twelve million rows of a few columns.
    static let sheetLimit = 4 << 30

    /// Opens the workbook in `bytes`: its sheets, styles and shared strings are read now.
    public init(bytes: [UInt8]) throws(Problem) {
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw Problem(message: "this is an encrypted workbook or an old .xls file: save it as .xlsx without a password")
        }
        guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            throw Problem(message: "this is not an .xlsx workbook (it is not a zip archive): save it from the spreadsheet as Excel Workbook (.xlsx)")
        }
        do {
            archive = try ZipArchive(bytes: bytes)
        } catch {
            throw Problem(message: "the workbook's zip archive is cut short or damaged (\(error.message)): save it again")
        }
        let package = try Self.relationships(of: "", in: archive)
        guard let workbookPart = package.first(where: { $0.type.hasSuffix("/officeDocument") })?.target else {
            throw Problem(message: "the archive holds no workbook: is this an .xlsx file?")
        }
        let workbook = try Self.elements(["sheet", "workbookPr"], of: workbookPart, in: archive)
        let related = try Self.relationships(of: workbookPart, in: archive)
        uses1904 = workbook.first { $0.name == "workbookPr" }.flatMap { $0.attributes["date1904"] }.map { $0 == "1" || $0 == "true" } ?? false
        sheets = try workbook.filter { $0.name == "sheet" }.map { element throws(Problem) in
            guard let name = element.attributes["name"], let id = element.attributes["id"],
                let part = related.first(where: { $0.id == id && $0.type.hasSuffix("/worksheet") })?.target
            else {
                throw Problem(message: "the workbook lists a sheet whose part is missing: is the file damaged?")
            }
            return Sheet(name: name, isHidden: element.attributes["state"].map { $0 != "visible" } ?? false, part: part)
        }
        if let stylesPart = related.first(where: { $0.type.hasSuffix("/styles") })?.target {
            dateStyles = try Self.dateStyles(in: stylesPart, of: archive)
        } else {
            dateStyles = []
        }
        if let stringsPart = related.first(where: { $0.type.hasSuffix("/sharedStrings") })?.target {
            var reader = SharedStringReader()
            try Self.stream(stringsPart, of: archive, limit: Self.sharedStringsLimit, to: &reader, what: "shared strings")
            strings = reader.table
        } else {
            strings = StringTable()
        }
    }

    /// The first sheet that is not hidden.
    public var firstVisibleSheet: Sheet? { sheets.first { !$0.isHidden } }

    /// The sheet called `name`, as Excel matches names: without regard to case.
    public func sheet(named name: String) -> Sheet? {
        sheets.first { $0.name == name } ?? sheets.first { $0.name.lowercased() == name.lowercased() }
    }

    /// Calls `body` with each row of `sheet` that holds a value, in order, until it returns
    /// false. The row is reused: copy what is kept.
    public func forEachRow(in sheet: Sheet, _ body: (SheetRow) -> Bool) throws(Problem) {
        try withoutActuallyEscaping(body) { body throws(Problem) in
            var reader = SheetReader(strings: strings, dateStyles: dateStyles, uses1904: uses1904, body: body)
            try Self.stream(sheet.part, of: archive, limit: Self.sheetLimit, to: &reader, what: "sheet '\(sheet.name)'")
        }
    }

    /// Reads `xml` as the XML of a sheet without shared strings or styles, handed to the
    /// scanner `chunk` bytes at a time: for the fuzz targets.
    public static func forEachRow(inSheetXML xml: [UInt8], chunk: Int, _ body: (SheetRow) -> Bool) throws(Problem) {
        try withoutActuallyEscaping(body) { body throws(Problem) in
            var reader = SheetReader(strings: StringTable(), dateStyles: [], uses1904: false, body: body)
            var scanner = XMLScanner()
            do {
                for start in stride(from: 0, to: xml.count, by: max(1, chunk)) {
                    try xml[start..<min(xml.count, start + chunk)].withUnsafeBytes { bytes in try scanner.feed(bytes, to: &reader) }
                }
                try scanner.finish()
            } catch XMLScanner.Interruption.malformed(let message) {
                throw Problem(message: message)
            } catch {
                return  // stopped by `body`
            }
        }
    }

    // MARK: Parts

    /// Inflates `part` in chunks through a scanner into `handler`.
    private static func stream<Handler: XMLHandler>(
        _ part: String, of archive: ZipArchive, limit: Int,
        to handler: inout Handler, what: String
    ) throws(Problem) {
        guard let entry = archive[part] else {
            throw Problem(message: "the workbook's \(what) (\(part)) is missing from the archive: is the file damaged?")
        }
        var scanner = XMLScanner()
        var inflated = 0
        do {
            try archive.extract(entry) { chunk in
                inflated += chunk.count
                if inflated > limit { throw Interruption.tooLarge }
                try scanner.feed(chunk, to: &handler)
            }
            try scanner.finish()
        } catch XMLScanner.Interruption.stopped {
        } catch XMLScanner.Interruption.malformed(let message) {
            throw Problem(message: "the workbook's \(what) is not valid XML: \(message)")
        } catch Interruption.tooLarge {
            throw Problem(message: "the workbook's \(what) inflates to more than \(limit >> 20) MiB")
        } catch let problem as ZipArchive.Problem {
            throw Problem(message: "the workbook's \(what) cannot be read: the file is damaged (\(problem.message))")
        } catch {
            throw Problem(message: "the workbook's \(what) cannot be read: \(error)")
        }
    }

    private enum Interruption: Error {
        case tooLarge
    }

    /// A part read whole, as an element list: each element called one of `names`, with its
    /// attributes.
    private static func elements(_ names: Set<String>, of part: String, in archive: ZipArchive) throws(Problem) -> [Element] {
        var collector = ElementCollector(names: names)
        try stream(part, of: archive, limit: partLimit, to: &collector, what: "part \(part)")
        return collector.elements
    }

    /// The relationships of `part` (`""` for the package's own): where its related parts are.
    private static func relationships(of part: String, in archive: ZipArchive) throws(Problem) -> [Relationship] {
        let folder = (part as NSString).deletingLastPathComponent
        let path = (folder.isEmpty ? "" : folder + "/") + "_rels/" + (part as NSString).lastPathComponent + ".rels"
        guard archive[path] != nil else {
            if part.isEmpty { throw Problem(message: "the archive holds no workbook (no _rels/.rels): is this an .xlsx file?") }
            return []
        }
        return try elements(["Relationship"], of: path, in: archive).compactMap { element in
            guard let id = element.attributes["Id"], let type = element.attributes["Type"], let target = element.attributes["Target"],
                element.attributes["TargetMode"] != "External"
            else { return nil }
            return Relationship(id: id, type: type, target: resolve(target, from: folder))
        }
    }

    /// A relationship's target as an archive path: relative to the folder of its source, or
    /// from the root when it starts with `/`.
    static func resolve(_ target: String, from folder: String) -> String {
        var parts = target.hasPrefix("/") ? [] : folder.split(separator: "/").map(String.init)
        for part in target.split(separator: "/") {
            if part == ".." { _ = parts.popLast() } else if part != "." { parts.append(String(part)) }
        }
        return parts.joined(separator: "/")
    }

    private struct Relationship {
        let id: String
        let type: String
        let target: String
    }

    /// For each cell style (`cellXfs`), whether its number format shows a date.
    private static func dateStyles(in part: String, of archive: ZipArchive) throws(Problem) -> [Bool] {
        var reader = StyleReader()
        try stream(part, of: archive, limit: partLimit, to: &reader, what: "styles")
        return reader.styleFormats.map { id in
            reader.customFormats[id].map(NumberFormat.isDate) ?? NumberFormat.builtInDates.contains(id)
        }
    }
}

/// A row of a sheet: its number and the cells that hold a value, as text.
public struct SheetRow {
    /// The row's number as the sheet shows it (1 for the first).
    public internal(set) var number = 0
    /// The column of each cell (1 for column A), ascending.
    public internal(set) var columns: [Int] = []
    var bytes: [UInt8] = []
    var ends: [Int] = []
    /// A cell the row could not be read at (an error value, a bad shared-string number), and
    /// why; the row's other cells are as read.
    public internal(set) var problem: (column: Int, message: String)?

    /// How many cells hold a value.
    public var count: Int { columns.count }

    /// Cell `index`'s text, as bytes, without copying.
    public func withBytes<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[(index == 0 ? 0 : ends[index - 1])..<ends[index]])) }
    }

    /// The column letters of column `column`: 1 is `A`, 27 is `AA`.
    public static func columnName(_ column: Int) -> String {
        var name = ""
        var rest = column
        while rest > 0 {
            let digit = (rest - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + digit))) + name
            rest = (rest - 1) / 26
        }
        return name
    }
}

/// An element's name and attributes, as ``ElementCollector`` keeps them.
struct Element {
    let name: String
    let attributes: [String: String]
}

/// Keeps the elements of a small part called one of `names`, with every attribute.
private struct ElementCollector: XMLHandler {
    let names: Set<String>
    var elements: [Element] = []

    mutating func open(_ name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, closes: Bool) throws(XMLScanner.Interruption) {
        let text = String(decoding: name, as: UTF8.self)
        guard names.contains(text) else { return }
        elements.append(Element(name: text, attributes: try XMLScanner.attributes(in: tag)))
    }

    mutating func close(_ name: UnsafeBufferPointer<UInt8>) {}
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, isCDATA: Bool) {}
}
