import Foundation
import Spreadsheet
import ZIPFoundation

@testable import CXCore

/// Writes `.xlsx` workbooks for tests, part by part, as a spreadsheet saves them.
enum TestWorkbook {
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let relationshipType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A zip archive of `parts`, deflated.
    static func archive(_ parts: [(path: String, text: String)]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return Array(archive.data ?? Data())
    }

    /// A workbook of sheets, each given as the XML inside `<sheetData>`, with shared strings
    /// and cell styles (`cellXfs`, by number format) when given.
    static func workbook(
        sheets: [(name: String, rows: String)], hidden: Set<String> = [], sharedStrings: [String]? = nil,
        styles: [Int] = [0, 14], customFormats: [Int: String] = [:], date1904: Bool = false
    ) throws -> [UInt8] {
        var parts: [(String, String)] = [
            (
                "[Content_Types].xml",
                #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#
            ),
            (
                "_rels/.rels",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="\(relationshipType)/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """
            ),
        ]
        var relationships = ""
        var sheetList = ""
        for (index, sheet) in sheets.enumerated() {
            let state = hidden.contains(sheet.name) ? #" state="hidden""# : ""
            sheetList += #"<sheet name="\#(escaped(sheet.name))" sheetId="\#(index + 1)"\#(state) r:id="rId\#(index + 1)"/>"#
            relationships +=
                #"<Relationship Id="rId\#(index + 1)" Type="\#(relationshipType)/worksheet" Target="worksheets/sheet\#(index + 1).xml"/>"#
            parts.append(
                (
                    "xl/worksheets/sheet\(index + 1).xml",
                    #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)"><sheetData>\#(sheet.rows)</sheetData></worksheet>"#
                ))
        }
        relationships += #"<Relationship Id="rIdStyles" Type="\#(relationshipType)/styles" Target="styles.xml"/>"#
        let formats = customFormats.sorted { $0.key < $1.key }.map { #"<numFmt numFmtId="\#($0.key)" formatCode="\#(escaped($0.value))"/>"# }.joined()
        parts.append(
            (
                "xl/styles.xml",
                #"<styleSheet xmlns="\#(mainNamespace)"><numFmts>\#(formats)</numFmts><cellStyleXfs><xf numFmtId="0"/></cellStyleXfs><cellXfs>\#(styles.map { #"<xf numFmtId="\#($0)" applyNumberFormat="1"/>"# }.joined())</cellXfs></styleSheet>"#
            ))
        if let sharedStrings {
            relationships += #"<Relationship Id="rIdStrings" Type="\#(relationshipType)/sharedStrings" Target="sharedStrings.xml"/>"#
            parts.append(("xl/sharedStrings.xml", #"<sst xmlns="\#(mainNamespace)">\#(sharedStrings.map { "<si>\($0)</si>" }.joined())</sst>"#))
        }
        parts.append(
            (
                "xl/workbook.xml",
                #"<workbook xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)"><workbookPr\#(date1904 ? #" date1904="1""# : "")/><sheets>\#(sheetList)</sheets></workbook>"#
            ))
        parts.append(
            (
                "xl/_rels/workbook.xml.rels",
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#(relationships)</Relationships>"#
            ))
        return try archive(parts)
    }

    /// The rows of a CSV file as a one-sheet workbook, as an analyst would keep them: dates
    /// as date cells (style 1), whole and decimal numbers as numbers, the rest as text.
    static func fromCSV(_ text: String, sheet: String = "Sheet1") throws -> [UInt8] {
        var reader = CSVReader(Array(text.utf8))
        var rows = ""
        while try reader.next() {
            let record = reader.record
            rows += #"<row r="\#(record.line)">"#
            for index in 0..<record.count {
                let value = record.string(index)
                let reference = "\(SheetRow.columnName(index + 1))\(record.line)"
                if value.isEmpty { continue }
                if case .success(let day) = Day.parse(value) {
                    rows += #"<c r="\#(reference)" s="1"><v>\#(day.daysSinceEpoch + 25_569)</v></c>"#
                } else if Double(value) != nil, value.first != "+" {
                    rows += #"<c r="\#(reference)"><v>\#(value)</v></c>"#
                } else {
                    rows += #"<c r="\#(reference)" t="inlineStr"><is><t xml:space="preserve">\#(escaped(value))</t></is></c>"#
                }
            }
            rows += "</row>"
        }
        return try workbook(sheets: [(sheet, rows)])
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
