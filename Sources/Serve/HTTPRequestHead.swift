/// The head of an HTTP/1.1 request — its request line and header fields — read with bounds,
/// so that no request can make the server wait, allocate or scan without limit: a request
/// line longer than ``maximumRequestLine`` is answered 414 as soon as that many bytes have
/// come without a line break, a head longer than ``maximumHead`` (or with more than
/// ``maximumFields`` fields) 431, and every byte is looked at once however it arrives.
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The request target as sent (`/stories/a.html?x=1`).
    public var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// Header fields by lowercased name; repeated fields are joined with `, `.
    public var fields: [String: String]

    public static let maximumRequestLine = 8_192
    public static let maximumHead = 32_768
    public static let maximumFields = 100

    /// What the bytes received so far hold.
    public enum Reading: Sendable, Equatable {
        /// No whole head yet, and nothing wrong so far; where to resume reading.
        case incomplete(Progress)
        /// A head, and how many bytes it took (its blank line included).
        case head(HTTPRequestHead, length: Int)
        /// A request that is refused with this status; the connection is closed after it.
        case refused(HTTPStatus)
    }

    /// How far an unfinished head has been read: the bytes looked at, and the line breaks
    /// among them.
    public struct Progress: Sendable, Equatable {
        public var scanned: Int
        public var lineBreaks: Int

        public init(scanned: Int = 0, lineBreaks: Int = 0) {
            self.scanned = scanned
            self.lineBreaks = lineBreaks
        }
    }

    /// Reads the head at the start of `bytes`, resuming from `progress`, a search that already
    /// looked at its first bytes without finding the end (so a head that arrives a byte at a
    /// time costs linear time in all). A head with more than ``maximumFields`` fields is
    /// refused as soon as that many lines have come.
    public static func read(_ bytes: ArraySlice<UInt8>, after progress: Progress = Progress()) -> Reading {
        let start = bytes.startIndex
        let scanned = progress.scanned
        var lineBreaks = progress.lineBreaks
        var index = start + max(0, scanned - 3)
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "\n") {
                if index - start >= scanned { lineBreaks += 1 }
                let next = index + 1
                if next < bytes.endIndex, bytes[next] == UInt8(ascii: "\n") {
                    return parse(bytes[start..<next], length: next + 1 - start)
                }
                if next + 1 < bytes.endIndex, bytes[next] == UInt8(ascii: "\r"), bytes[next + 1] == UInt8(ascii: "\n") {
                    return parse(bytes[start..<next], length: next + 2 - start)
                }
            }
            index += 1
        }
        // Once, when the bytes first outgrow a request line: is there a line break in it?
        if bytes.count > maximumRequestLine, scanned <= maximumRequestLine,
            !bytes.prefix(maximumRequestLine + 1).contains(UInt8(ascii: "\n"))
        {
            return .refused(.uriTooLong)
        }
        // The request line and the most fields each end in a line break; one more is too many.
        if bytes.count > maximumHead || lineBreaks > maximumFields + 1 { return .refused(.headerFieldsTooLarge) }
        return .incomplete(Progress(scanned: bytes.count, lineBreaks: lineBreaks))
    }

    /// Parses a head whose lines (ending in LF or CRLF) are `head`, without the blank line.
    private static func parse(_ head: ArraySlice<UInt8>, length: Int) -> Reading {
        var lines = head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .refused(.badRequest) }
        if requestLine.count > maximumRequestLine { return .refused(.uriTooLong) }
        if length > maximumHead || lines.count - 1 > maximumFields { return .refused(.headerFieldsTooLarge) }
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte),
            !parts[1].isEmpty, parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return .refused(.badRequest) }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version.hasPrefix("HTTP/") else { return .refused(.badRequest) }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .refused(.versionNotSupported) }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[line.startIndex..<colon].allSatisfy(isTokenByte)
            else {
                return .refused(.badRequest)  // also an obsolete folded line, which starts with a space
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased()
            let value = line[(colon + 1)...].drop { $0 == 0x20 || $0 == 0x09 }
            let trimmed = value.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
            guard trimmed.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else { return .refused(.badRequest) }
            let text = String(decoding: trimmed, as: UTF8.self)
            fields[name] = fields[name].map { $0 + ", " + text } ?? text
        }
        return .head(
            HTTPRequestHead(
                method: String(decoding: parts[0], as: UTF8.self),
                target: String(decoding: parts[1], as: UTF8.self),
                version: version, fields: fields), length: length)
    }

    /// RFC 9110's token characters, which methods and field names are made of.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// True when the connection should stay open after the response.
    public var keepsAlive: Bool {
        let connection = fields["connection"]?.lowercased() ?? ""
        return version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
    }

    /// True when the request says it carries a body, which this server never reads: the
    /// connection is closed after the response rather than read out of step.
    public var hasBody: Bool {
        fields["transfer-encoding"] != nil || (fields["content-length"].map { $0 != "0" } ?? false)
    }
}

/// The statuses the preview server answers with.
public enum HTTPStatus: Int, Sendable {
    case ok = 200
    case movedPermanently = 301
    case badRequest = 400
    case forbidden = 403
    case notFound = 404
    case methodNotAllowed = 405
    case requestTimeout = 408
    case uriTooLong = 414
    case headerFieldsTooLarge = 431
    case internalServerError = 500
    case serviceUnavailable = 503
    case versionNotSupported = 505

    public var reason: String {
        switch self {
        case .ok: "OK"
        case .movedPermanently: "Moved Permanently"
        case .badRequest: "Bad Request"
        case .notFound: "Not Found"
        case .methodNotAllowed: "Method Not Allowed"
        case .requestTimeout: "Request Timeout"
        case .uriTooLong: "URI Too Long"
        case .headerFieldsTooLarge: "Request Header Fields Too Large"
        case .internalServerError: "Internal Server Error"
        case .serviceUnavailable: "Service Unavailable"
        case .forbidden: "Forbidden"
        case .versionNotSupported: "HTTP Version Not Supported"
        }
    }
}

/// What `make fuzz` feeds the request reader with arbitrary bytes.
public enum ServeFuzzEntryPoints {
    /// Reads `bytes` as one request head, then again as if they arrived in pieces of every
    /// size from 1 to 16 bytes: the answer must be the same, whatever the pieces.
    public static func request(_ bytes: [UInt8]) {
        let whole = HTTPRequestHead.read(bytes[...])
        for piece in 1...16 {
            var progress = HTTPRequestHead.Progress()
            var answer = HTTPRequestHead.Reading.incomplete(progress)
            var end = 0
            while end < bytes.count {
                end = min(bytes.count, end + piece)
                answer = HTTPRequestHead.read(bytes[..<end], after: progress)
                guard case .incomplete(let next) = answer else { break }
                progress = next
            }
            switch (whole, answer) {
            case (.incomplete, .incomplete), (.refused, .refused): continue
            case (.head(let a, let aLength), .head(let b, let bLength)) where a == b && aLength == bLength: continue
            case (.refused(.uriTooLong), .incomplete), (.refused(.headerFieldsTooLarge), .incomplete): continue
            default: fatalError("reading in pieces of \(piece) gave \(answer), reading whole gave \(whole)")
            }
        }
    }
}
