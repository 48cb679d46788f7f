import CZlibSystem

/// A zip archive held in memory, read as an `.xlsx` needs it: the central directory (zip64
/// too), and an entry's bytes inflated by the system zlib in chunks, checked against the
/// entry's size and CRC-32. Every offset and size is checked against the bytes, so a damaged
/// or hostile archive is an error, never a trap, an endless loop or an unbounded allocation.
struct ZipArchive {
    /// A file of the archive, as its central directory describes it.
    struct Entry {
        let name: String
        let method: UInt16
        let isEncrypted: Bool
        let checksum: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    struct Problem: Error {
        let message: String
    }

    private let bytes: [UInt8]
    private(set) var entries: [String: Entry] = [:]

    /// The most entries read from a directory: a workbook has a few dozen.
    static let entryLimit = 100_000

    init(bytes: [UInt8]) throws(Problem) {
        self.bytes = bytes
        let end = try Self.endOfDirectory(in: bytes)
        var offset = end.directoryOffset
        for _ in 0..<min(end.entries, Self.entryLimit) {
            let entry = try entry(at: &offset)
            if entries[entry.name] == nil { entries[entry.name] = entry }
        }
    }

    subscript(name: String) -> Entry? { entries[name] }

    // MARK: The directory

    /// Where the central directory starts and how many entries it has, from the end record
    /// (the last within the last 64 KiB, as the format puts it) or its zip64 form.
    private static func endOfDirectory(in bytes: [UInt8]) throws(Problem) -> (entries: Int, directoryOffset: Int) {
        let recordSize = 22
        guard bytes.count >= recordSize else { throw Problem(message: "it has no end record") }
        var start = bytes.count - recordSize
        let lowest = max(0, bytes.count - recordSize - 0xFFFF)
        while start >= lowest, read32(bytes, start) != 0x0605_4B50 { start -= 1 }
        guard start >= lowest, start + recordSize + Int(read16(bytes, start + 20)) <= bytes.count else {
            throw Problem(message: "it has no end record")
        }
        var entries = Int(read16(bytes, start + 10))
        var directoryOffset = Int(read32(bytes, start + 16))
        if entries == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            // zip64: a locator just before the end record points at the zip64 end record.
            guard start >= 20, read32(bytes, start - 20) == 0x0706_4B50,
                let record = Int(exactly: read64(bytes, start - 12)), record >= 0, record <= bytes.count - 56,
                read32(bytes, record) == 0x0606_4B50,
                let count = Int(exactly: read64(bytes, record + 32)), let offset = Int(exactly: read64(bytes, record + 48))
            else {
                throw Problem(message: "its zip64 end record is damaged")
            }
            entries = count
            directoryOffset = offset
        }
        guard directoryOffset <= bytes.count else { throw Problem(message: "its directory lies past the end of the file") }
        return (entries, directoryOffset)
    }

    /// The directory entry at `offset`, which moves past it.
    private func entry(at offset: inout Int) throws(Problem) -> Entry {
        let fixed = 46
        let start = offset
        guard start >= 0, start <= bytes.count - fixed, Self.read32(bytes, start) == 0x0201_4B50 else {
            throw Problem(message: "its directory is damaged")
        }
        let nameLength = Int(Self.read16(bytes, start + 28))
        let extraLength = Int(Self.read16(bytes, start + 30))
        let commentLength = Int(Self.read16(bytes, start + 32))
        let nameStart = start + fixed
        let extraStart = nameStart + nameLength
        let extraEnd = extraStart + extraLength
        guard extraEnd + commentLength <= bytes.count else { throw Problem(message: "its directory is damaged") }
        var compressed = UInt64(Self.read32(bytes, start + 20))
        var uncompressed = UInt64(Self.read32(bytes, start + 24))
        var local = UInt64(Self.read32(bytes, start + 42))
        // The zip64 extra field holds, in this order, each of these whose field is all ones.
        var extra = extraStart
        while extra + 4 <= extraEnd {
            let id = Self.read16(bytes, extra)
            let fieldEnd = extra + 4 + Int(Self.read16(bytes, extra + 2))
            guard fieldEnd <= extraEnd else { break }
            if id == 0x0001 {
                var field = extra + 4
                func next(_ value: inout UInt64) {
                    guard value == 0xFFFF_FFFF, field + 8 <= fieldEnd else { return }
                    value = Self.read64(bytes, field)
                    field += 8
                }
                next(&uncompressed)
                next(&compressed)
                next(&local)
            }
            extra = fieldEnd
        }
        offset = extraEnd + commentLength
        guard let compressedSize = Int(exactly: compressed), let uncompressedSize = Int(exactly: uncompressed),
            let localHeaderOffset = Int(exactly: local)
        else {
            throw Problem(message: "its directory gives sizes no file has")
        }
        return Entry(
            name: String(decoding: bytes[nameStart..<extraStart], as: UTF8.self), method: Self.read16(bytes, start + 10),
            isEncrypted: Self.read16(bytes, start + 8) & 1 != 0, checksum: Self.read32(bytes, start + 16),
            compressedSize: compressedSize, uncompressedSize: uncompressedSize, localHeaderOffset: localHeaderOffset)
    }

    // MARK: Reading an entry

    /// Hands `entry`'s bytes to `consumer` in chunks as they are inflated, then checks their
    /// size and CRC-32. `consumer` may throw to stop.
    func extract(_ entry: Entry, chunk: Int = 1 << 18, _ consumer: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !entry.isEncrypted else { throw Problem(message: "it is encrypted") }
        let header = entry.localHeaderOffset
        guard header >= 0, header <= bytes.count - 30, Self.read32(bytes, header) == 0x0403_4B50 else {
            throw Problem(message: "its local header is damaged")
        }
        let start = header + 30 + Int(Self.read16(bytes, header + 26)) + Int(Self.read16(bytes, header + 28))
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw Problem(message: "it is cut short")
        }
        var checksum = crc32(0, nil, 0)
        var total = 0
        try bytes.withUnsafeBytes { all in
            let input = UnsafeRawBufferPointer(rebasing: all[start..<(start + entry.compressedSize)])
            func deliver(_ output: UnsafeRawBufferPointer) throws {
                total += output.count
                guard total <= entry.uncompressedSize else { throw Problem(message: "it holds more than its size says") }
                checksum = crc32(checksum, output.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(output.count))
                try consumer(output)
            }
            switch entry.method {
            case 0:
                for offset in stride(from: 0, to: input.count, by: chunk) {
                    try deliver(UnsafeRawBufferPointer(rebasing: input[offset..<min(input.count, offset + chunk)]))
                }
            case 8:
                try Self.inflate(input, chunk: chunk, deliver)
            default:
                throw Problem(message: "it is compressed in a way (method \(entry.method)) spreadsheets do not use")
            }
        }
        guard total == entry.uncompressedSize, UInt32(checksum) == entry.checksum else {
            throw Problem(message: "it does not match its checksum")
        }
    }

    /// Inflates raw deflate data with zlib, handing each chunk of output on.
    private static func inflate(
        _ input: UnsafeRawBufferPointer, chunk: Int,
        _ deliver: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Problem(message: "zlib could not start inflating it")
        }
        defer { inflateEnd(&stream) }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { output.deallocate() }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while true {
            stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(chunk)
            let result = CZlibSystem.inflate(&stream, Z_NO_FLUSH)
            let produced = chunk - Int(stream.avail_out)
            if produced > 0 { try deliver(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            switch result {
            case Z_STREAM_END: return
            case Z_OK: continue
            case Z_BUF_ERROR where stream.avail_in == 0: throw Problem(message: "it is cut short")
            default: throw Problem(message: "its compressed data is corrupt")
            }
        }
    }

    // MARK: Little-endian fields

    private static func read16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func read32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(read16(bytes, at)) | UInt32(read16(bytes, at + 2)) << 16
    }

    private static func read64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
        UInt64(read32(bytes, at)) | UInt64(read32(bytes, at + 4)) << 32
    }
}
