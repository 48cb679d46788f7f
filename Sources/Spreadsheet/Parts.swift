import Foundation

/// Reads a sheet's XML (`<row>`, `<c>`, `<v>`, `<is>`) into rows of text, handing each row
/// that holds a value to `body` as its end tag is read.
struct SheetReader: XMLHandler {
    let strings: StringTable
    let dateStyles: [Bool]
    let uses1904: Bool
    let body: (SheetRow) -> Bool

    private var row = SheetRow()
    private var lastRow = 0
    private var lastColumn = 0
    private var inCell = false
    private var column = 0
    private var type = CellType.number
    private var style = 0
    private var inInlineString = false
    private var phonetic = 0
    private var capturing = false
    private var value: [UInt8] = []
    /// The text of each day met, as date cells repeat a handful of days.
    private var dateTexts: [Int: [UInt8]] = [:]

    /// The last column a sheet can have: XFD.
    static let columnLimit = 16_384

    private enum CellType {
        case number, shared, inline, formulaText, boolean, error, isoDate
    }

    init(strings: StringTable, dateStyles: [Bool], uses1904: Bool, body: @escaping (SheetRow) -> Bool) {
        self.strings = strings
        self.dateStyles = dateStyles
        self.uses1904 = uses1904
        self.body = body
    }

    mutating func open(_ name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, closes: Bool) throws(XMLScanner.Interruption) {
        switch name.count {
        case 1 where name[0] == UInt8(ascii: "c"):
            inCell = true
            column = lastColumn + 1
            type = .number
            style = 0
            XMLScanner.forEachAttribute(in: tag) { name, value in
                guard name.count == 1 else { return true }
                switch name[0] {
                case UInt8(ascii: "r"): column = Self.column(ofReference: value) ?? column
                case UInt8(ascii: "t"): type = Self.cellType(value)
                case UInt8(ascii: "s"): style = XMLScanner.integer(value) ?? 0
                default: break
                }
                return true
            }
            value.removeAll(keepingCapacity: true)
            if closes { finishCell() }
        case 1 where name[0] == UInt8(ascii: "v"):
            capturing = inCell && !closes
        case 1 where name[0] == UInt8(ascii: "t"):
            capturing = inInlineString && phonetic == 0 && !closes
        case 2 where XMLScanner.equal(name, "is"):
            inInlineString = inCell && !closes
        case 3 where XMLScanner.equal(name, "row"):
            row.number = XMLScanner.rawAttribute("r", in: tag).flatMap(XMLScanner.integer) ?? lastRow + 1
            row.columns.removeAll(keepingCapacity: true)
            row.bytes.removeAll(keepingCapacity: true)
            row.ends.removeAll(keepingCapacity: true)
            row.problem = nil
            lastColumn = 0
            if closes { lastRow = row.number }
        case 3 where XMLScanner.equal(name, "rPh"):
            if !closes { phonetic += 1 }
        default:
            break
        }
    }

    mutating func close(_ name: UnsafeBufferPointer<UInt8>) throws(XMLScanner.Interruption) {
        switch name.count {
        case 1 where name[0] == UInt8(ascii: "c"):
            finishCell()
        case 1 where name[0] == UInt8(ascii: "v"), 1 where name[0] == UInt8(ascii: "t"):
            capturing = false
        case 2 where XMLScanner.equal(name, "is"):
            inInlineString = false
        case 3 where XMLScanner.equal(name, "row"):
            lastRow = row.number
            if row.count > 0 || row.problem != nil, !body(row) { throw .stopped }
        case 3 where XMLScanner.equal(name, "rPh"):
            phonetic -= 1
        default:
            break
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, isCDATA: Bool) throws(XMLScanner.Interruption) {
        guard capturing, value.count <= Workbook.cellLimit else { return }
        if isCDATA { value.append(contentsOf: bytes) } else { try XMLScanner.appendDecoded(bytes, to: &value) }
    }

    private mutating func finishCell() {
        inCell = false
        capturing = false
        defer { lastColumn = column }
        guard column > lastColumn, column <= Self.columnLimit else {
            fail(
                column > Self.columnLimit
                    ? "a cell past the last column a sheet has (XFD)" : "two cells for one place in the row: is the file damaged?")
            return
        }
        guard value.count <= Workbook.cellLimit else {
            fail("the cell holds more than \(Workbook.cellLimit >> 10) KiB of text")
            return
        }
        let start = row.bytes.count
        switch type {
        case .shared:
            guard let index = value.withUnsafeBufferPointer(XMLScanner.integer), strings.indices.contains(index) else {
                fail("the cell names a shared string the workbook does not have: is the file damaged?")
                return
            }
            strings.append(index, to: &row.bytes)
        case .inline, .formulaText:
            row.bytes.append(contentsOf: value)
            OOXMLText.unescape(&row.bytes, from: start)
        case .boolean:
            row.bytes.append(contentsOf: value == [UInt8(ascii: "1")] ? Array("TRUE".utf8) : Array("FALSE".utf8))
        case .error:
            fail("the cell holds the error \(String(decoding: value, as: UTF8.self)): correct its formula, or clear the cell")
            return
        case .isoDate:
            row.bytes.append(contentsOf: value.prefix(10))
        case .number:
            guard !value.isEmpty else { return }
            if style < dateStyles.count, dateStyles[style] {
                switch SerialDate.day(of: value, uses1904: uses1904) {
                case .success(let day):
                    if dateTexts[day] == nil {
                        if dateTexts.count >= 10_000 { dateTexts = [:] }
                        dateTexts[day] = SerialDate.text(ofDay: day)
                    }
                    row.bytes.append(contentsOf: dateTexts[day]!)
                case .failure(let problem):
                    fail(problem.message)
                    return
                }
            } else {
                row.bytes.append(contentsOf: Self.number(value))
            }
        }
        if row.bytes.count > start {
            row.columns.append(column)
            row.ends.append(row.bytes.count)
        }
    }

    private mutating func fail(_ message: String) {
        if row.problem == nil { row.problem = (column, message) }
    }

    /// The column of a cell reference: `B7` is 2.
    static func column(ofReference reference: UnsafeBufferPointer<UInt8>) -> Int? {
        var column = 0
        for byte in reference {
            guard byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") else { break }
            column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
            if column > columnLimit { return columnLimit + 1 }
        }
        return column > 0 ? column : nil
    }

    private static func cellType(_ raw: UnsafeBufferPointer<UInt8>) -> CellType {
        if XMLScanner.equal(raw, "s") { return .shared }
        if XMLScanner.equal(raw, "inlineStr") { return .inline }
        if XMLScanner.equal(raw, "str") { return .formulaText }
        if XMLScanner.equal(raw, "b") { return .boolean }
        if XMLScanner.equal(raw, "e") { return .error }
        if XMLScanner.equal(raw, "d") { return .isoDate }
        return .number
    }

    /// A number as it was typed: `9` not `9.0`, `0.85` not `0.84999999999999998`.
    static func number(_ raw: [UInt8]) -> [UInt8] {
        let digits = raw.first == UInt8(ascii: "-") ? raw.dropFirst() : raw[...]
        if !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return raw }
        guard let value = Double(String(decoding: raw, as: UTF8.self)), value.isFinite else { return raw }
        if value.rounded() == value, abs(value) < 1e15 { return Array(String(Int(value)).utf8) }
        return Array("\(value)".utf8)
    }
}

/// The workbook's shared strings: every text a cell may name by number, in one buffer.
struct StringTable {
    var bytes: [UInt8] = []
    var ends: [Int] = []

    var indices: Range<Int> { ends.indices }

    func append(_ index: Int, to output: inout [UInt8]) {
        output.append(contentsOf: bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
    }
}

/// Reads `sharedStrings.xml`: each `<si>` is one string, the text of its `<t>` elements
/// (several for rich text), without phonetic guides (`<rPh>`).
struct SharedStringReader: XMLHandler {
    private(set) var table = StringTable()
    private var inItem = false
    private var phonetic = 0
    private var capturing = false
    private var start = 0

    mutating func open(_ name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, closes: Bool) throws(XMLScanner.Interruption) {
        if XMLScanner.equal(name, "si") {
            start = table.bytes.count
            inItem = !closes
            if closes { table.ends.append(start) }
        } else if XMLScanner.equal(name, "t") {
            capturing = inItem && phonetic == 0 && !closes
        } else if XMLScanner.equal(name, "rPh"), !closes {
            phonetic += 1
        }
    }

    mutating func close(_ name: UnsafeBufferPointer<UInt8>) throws(XMLScanner.Interruption) {
        if XMLScanner.equal(name, "si") {
            OOXMLText.unescape(&table.bytes, from: start)
            table.ends.append(table.bytes.count)
            inItem = false
        } else if XMLScanner.equal(name, "t") {
            capturing = false
        } else if XMLScanner.equal(name, "rPh") {
            phonetic -= 1
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, isCDATA: Bool) throws(XMLScanner.Interruption) {
        guard capturing else { return }
        if isCDATA { table.bytes.append(contentsOf: bytes) } else { try XMLScanner.appendDecoded(bytes, to: &table.bytes) }
    }
}

/// Reads `styles.xml`: the custom number formats, and the number format of each cell style.
struct StyleReader: XMLHandler {
    private(set) var customFormats: [Int: String] = [:]
    /// The number format of each cell style (`cellXfs`), by style number.
    private(set) var styleFormats: [Int] = []
    private var inCellStyles = false

    mutating func open(_ name: UnsafeBufferPointer<UInt8>, tag: UnsafeBufferPointer<UInt8>, closes: Bool) throws(XMLScanner.Interruption) {
        if XMLScanner.equal(name, "numFmt") {
            let attributes = try XMLScanner.attributes(in: tag)
            if let id = attributes["numFmtId"].flatMap({ Int($0) }), let code = attributes["formatCode"] { customFormats[id] = code }
        } else if XMLScanner.equal(name, "cellXfs") {
            inCellStyles = !closes
        } else if XMLScanner.equal(name, "xf"), inCellStyles {
            styleFormats.append(XMLScanner.rawAttribute("numFmtId", in: tag).flatMap { Int(String(decoding: $0, as: UTF8.self)) } ?? 0)
        }
    }

    mutating func close(_ name: UnsafeBufferPointer<UInt8>) throws(XMLScanner.Interruption) {
        if XMLScanner.equal(name, "cellXfs") { inCellStyles = false }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, isCDATA: Bool) {}
}

/// Whether a number format shows a date.
enum NumberFormat {
    /// The built-in formats that are dates or times (ECMA-376 §18.8.30, with the East Asian ones).
    static let builtInDates: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// True when `code`'s first section has a day, month, year, hour or second, outside quoted
    /// text, escaped characters and `[…]` (colours, locales).
    static func isDate(_ code: String) -> Bool {
        var plain = ""
        var inQuote = false
        var inBracket = false
        var skipNext = false
        for character in code {
            if skipNext {
                skipNext = false
                continue
            }
            if inQuote {
                inQuote = character != "\""
                continue
            }
            if inBracket {
                inBracket = character != "]"
                continue
            }
            switch character {
            case "\"": inQuote = true
            case "[": inBracket = true
            case "\\", "_", "*": skipNext = true
            case ";": return containsDateCode(plain)
            default: plain.append(character)
            }
        }
        return containsDateCode(plain)
    }

    private static func containsDateCode(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower != "general" && lower.contains { "dmyhs".contains($0) }
    }
}

/// Excel's dates: a number of days since day 0 of the workbook's date system.
enum SerialDate {
    struct Problem: Error {
        let message: String
    }

    /// The day the serial number written in `raw` falls on, as days since 1970-01-01; a time
    /// of day is dropped.
    static func day(of raw: [UInt8], uses1904: Bool) -> Result<Int, Problem> {
        guard let serial = Double(String(decoding: raw, as: UTF8.self)), serial.isFinite, serial >= (uses1904 ? 0 : 1), serial < 2_958_466 else {
            return .failure(Problem(message: "the cell is formatted as a date but holds \(String(decoding: raw, as: UTF8.self)), which is no day"))
        }
        let day = Int(serial.rounded(.down))
        if uses1904 { return .success(day - 24_107) }
        if day == 60 { return .failure(Problem(message: "the cell holds 29 February 1900, a day Excel counts that never was")) }
        return .success(day < 60 ? day - 25_568 : day - 25_569)
    }

    /// `YYYY-MM-DD` for a day given as days since 1970-01-01.
    static func text(ofDay day: Int) -> [UInt8] {
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
        func padded(_ value: Int?, _ width: Int) -> String {
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return Array("\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2))".utf8)
    }

    /// The Gregorian calendar in UTC, in which a serial number names a day.
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// The escape Office Open XML uses for characters XML cannot hold: `_x000D_` is a carriage
/// return, `_x005F_` a literal underscore.
enum OOXMLText {
    /// Replaces each `_xHHHH_` in `bytes[start...]` by its character.
    static func unescape(_ bytes: inout [UInt8], from start: Int) {
        guard bytes.count - start >= 7, bytes[start...].contains(UInt8(ascii: "_")) else { return }
        var output: [UInt8] = []
        var index = start
        var changed = false
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "_"), index + 6 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
                bytes[index + 6] == UInt8(ascii: "_"),
                let value = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
                index += 7
                changed = true
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        if changed { bytes.replaceSubrange(start..., with: output) }
    }
}
