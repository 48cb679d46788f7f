/// The build cache's file format, derived from the cached types' `Codable` conformances
/// rather than kept by hand beside them: values in the order the types encode them,
/// integers as 8 little-endian bytes, strings and lists length-prefixed, a flag byte before
/// each optional, and before each member the name of its key (written out the first time, a
/// number after that). Decoding checks every key's name, so a type whose members changed
/// reads an old file as damaged (and the build parses again) instead of misreading it.
///
/// Dictionaries and optionals inside lists are not supported: the cached types hold lists of
/// entries instead.
enum CacheCoding {
    struct Unsupported: Error, CustomStringConvertible {
        let description: String
    }

    /// The file's bytes did not decode as the expected type.
    struct Damaged: Error {}

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = Encoding()
        try value.encode(to: encoder)
        return encoder.output.bytes
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8]) throws -> Value {
        let decoder = Decoding(input: Input(bytes: bytes))
        let value = try Value(from: decoder)
        guard decoder.input.offset == bytes.count else { throw Damaged() }
        return value
    }

    // MARK: Writing

    final class Output {
        var bytes: [UInt8] = []
        /// Texts kept apart from the values, to be read one at a time (``CachedText``): the
        /// values hold where each is.
        private(set) var texts: [UInt8] = []
        private var keyNumbers: [String: Int] = [:]

        func int(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 } }
        func uint64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
        func string(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                int(utf8.count)
                bytes.append(contentsOf: utf8)
            }
        }

        /// A key: 0 and its name the first time, its number after that.
        func key(_ name: String) {
            if let number = keyNumbers[name] {
                int(number)
            } else {
                keyNumbers[name] = keyNumbers.count + 1
                int(0)
                string(name)
            }
        }

        /// A text in ``texts``: where it starts there, its length and its hash.
        func text(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                int(texts.count)
                int(utf8.count)
                uint64(StableHasher.hash(bytes: UnsafeRawBufferPointer(utf8)))
                texts.append(contentsOf: utf8)
            }
        }

        /// Counts of lists are written before their items, and filled in as items come.
        func placeholder() -> Int {
            defer { int(0) }
            return bytes.count
        }

        func increment(at offset: Int) {
            bytes.withUnsafeMutableBytes { raw in
                let count = Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)) + 1
                raw.storeBytes(of: count.littleEndian, toByteOffset: offset, as: Int64.self)
            }
        }
    }

    private final class Encoding: Encoder {
        let output: Output
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(output: Output = Output()) {
            self.output = output
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(encoder: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            Unkeyed(encoder: self, countOffset: output.placeholder())
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

        func encode(_ value: some Encodable) throws {
            if !encodePrimitive(value) { try value.encode(to: self) }
        }

        /// Writes a value of a type the format holds directly; false for any other.
        private func encodePrimitive(_ value: some Encodable) -> Bool {
            switch value {
            case let value as String: output.string(value)
            case let value as Int: output.int(value)
            case let value as Bool: output.bool(value)
            case let value as UInt64: output.uint64(value)
            case let value as Double: output.uint64(value.bitPattern)
            case let value as [UInt64]:  // a block of words at once: respondent links are millions
                output.int(value.count)
                for word in value { output.uint64(word) }
            case let value as Int32: output.int(Int(value))
            case let value as Int16: output.int(Int(value))
            case let value as Int8: output.int(Int(value))
            default: return false
            }
            return true
        }

        /// A single value: a number of another width is refused here, where every number's
        /// own `encode(to:)` leads, not checked for each value of every type.
        func encodeSingle(_ value: some Encodable) throws {
            if encodePrimitive(value) { return }
            if value is any FixedWidthInteger || value is any BinaryFloatingPoint {
                throw Unsupported(description: "\(type(of: value)) cannot be cached: use Int, Int32, Int16, Int8, UInt64 or Double")
            }
            try value.encode(to: self)
        }

        struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
            let encoder: Encoding
            var codingPath: [any CodingKey] { encoder.codingPath }

            mutating func encodeNil(forKey key: Key) {
                encoder.output.key(key.stringValue)
                encoder.output.bool(false)
            }
            mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
                encoder.output.key(key.stringValue)
                try encoder.encode(value)
            }
            mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
                encoder.output.key(key.stringValue)
                encoder.output.bool(value != nil)
                if let value { try encoder.encode(value) }
            }
            mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeIfPresent(value as Bool?, key) }
            mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeIfPresent(value as String?, key) }
            mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeIfPresent(value as Int?, key) }
            mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeIfPresent(value as UInt64?, key) }
            private mutating func encodeIfPresent<T: Encodable>(_ value: T?, _ key: Key) throws {
                encoder.output.key(key.stringValue)
                encoder.output.bool(value != nil)
                if let value { try encoder.encode(value) }
            }

            mutating func nestedContainer<NestedKey: CodingKey>(
                keyedBy keyType: NestedKey.Type,
                forKey key: Key
            ) -> KeyedEncodingContainer<NestedKey> {
                encoder.output.key(key.stringValue)
                return encoder.container(keyedBy: keyType)
            }
            mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
                encoder.output.key(key.stringValue)
                return encoder.unkeyedContainer()
            }
            mutating func superEncoder() -> any Encoder { encoder }
            mutating func superEncoder(forKey key: Key) -> any Encoder {
                encoder.output.key(key.stringValue)
                return encoder
            }
        }

        struct Unkeyed: UnkeyedEncodingContainer {
            let encoder: Encoding
            let countOffset: Int
            var codingPath: [any CodingKey] { encoder.codingPath }
            private(set) var count = 0

            init(encoder: Encoding, countOffset: Int) {
                self.encoder = encoder
                self.countOffset = countOffset
            }

            mutating func encodeNil() throws {
                throw Unsupported(description: "an optional inside a list cannot be cached")
            }
            mutating func encode<T: Encodable>(_ value: T) throws {
                try encoder.encode(value)
                added()
            }
            mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
                added()
                return encoder.container(keyedBy: keyType)
            }
            mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
                added()
                return encoder.unkeyedContainer()
            }
            mutating func superEncoder() -> any Encoder {
                added()
                return encoder
            }
            private mutating func added() {
                count += 1
                encoder.output.increment(at: countOffset)
            }
        }

        struct Single: SingleValueEncodingContainer {
            let encoder: Encoding
            var codingPath: [any CodingKey] { encoder.codingPath }

            mutating func encodeNil() throws {
                throw Unsupported(description: "an optional inside a list cannot be cached")
            }
            mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeSingle(value) }
        }
    }

    // MARK: Reading

    struct Input {
        let bytes: [UInt8]
        var offset = 0
        var keyNames: [String] = []
        /// The file the values' texts are in, where its text region starts and its length.
        var texts: (file: CachedText.File, start: Int, count: Int)?

        /// A text of the file's text region, to be read when needed; damaged when there is
        /// no such region or the text is not inside it.
        mutating func text() throws -> CachedText {
            let start = try int()
            let length = try int()
            let hash = try uint64()
            guard let texts, start >= 0, length >= 0, start <= texts.count, length <= texts.count - start else { throw Damaged() }
            return CachedText(file: texts.file, offset: texts.start + start, length: length, hash: hash)
        }

        mutating func int() throws -> Int { Int(Int64(bitPattern: try uint64())) }
        mutating func uint64() throws -> UInt64 {
            guard offset + 8 <= bytes.count else { throw Damaged() }
            defer { offset += 8 }
            return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        }
        mutating func bool() throws -> Bool {
            guard offset < bytes.count, bytes[offset] <= 1 else { throw Damaged() }
            defer { offset += 1 }
            return bytes[offset] == 1
        }
        mutating func string() throws -> String {
            let count = try int()
            guard count >= 0, count <= bytes.count - offset else { throw Damaged() }
            defer { offset += count }
            return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        }
        /// A count, then that many 64-bit words.
        mutating func words() throws -> [UInt64] {
            let count = try int()
            guard count >= 0, count <= (bytes.count - offset) / 8 else { throw Damaged() }
            let start = offset
            offset += count * 8
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + $0 * 8, as: UInt64.self)) }
            }
        }

        /// A count of items, each at least a byte long, so a damaged count cannot ask for more.
        mutating func count() throws -> Int {
            let count = try int()
            guard count >= 0, count <= bytes.count - offset else { throw Damaged() }
            return count
        }
        /// Reads a key and checks it is `name`.
        mutating func key(_ name: String) throws {
            let number = try int()
            if number == 0 {
                let written = try string()
                keyNames.append(written)
                guard written == name else { throw Damaged() }
            } else {
                guard number > 0, number <= keyNames.count, keyNames[number - 1] == name else { throw Damaged() }
            }
        }
    }

    private final class Decoding: Decoder {
        var input: Input
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(input: Input) {
            self.input = input
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(Keyed<Key>(decoder: self))
        }

        /// An integer stored as `Int`, which must fit `Narrow`: a file that says otherwise is damaged.
        private func narrow<Narrow: FixedWidthInteger>(_ type: Narrow.Type) throws -> Narrow {
            guard let value = Narrow(exactly: try input.int()) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(Narrow.self) out of range"))
            }
            return value
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            Unkeyed(decoder: self, count: try input.count())
        }

        func singleValueContainer() -> any SingleValueDecodingContainer { Single(decoder: self) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try decodePrimitive(type) ?? T(from: self)
        }

        /// A value of a type the format holds directly; nil for any other.
        private func decodePrimitive<T: Decodable>(_ type: T.Type) throws -> T? {
            switch type {
            case is String.Type: try input.string() as? T
            case is Int.Type: try input.int() as? T
            case is Bool.Type: try input.bool() as? T
            case is UInt64.Type: try input.uint64() as? T
            case is Double.Type: Double(bitPattern: try input.uint64()) as? T
            case is [UInt64].Type: try input.words() as? T
            case is [String].Type: try input.strings() as? T  // a phrase table's texts: thousands
            case is Int32.Type: try narrow(Int32.self) as? T
            case is Int16.Type: try narrow(Int16.self) as? T
            case is Int8.Type: try narrow(Int8.self) as? T
            default: nil
            }
        }

        /// A single value: a number of another width is refused here, where every number's
        /// own `init(from:)` leads, not checked for each value of every type.
        func decodeSingle<T: Decodable>(_ type: T.Type) throws -> T {
            if let value = try decodePrimitive(type) { return value }
            if type is any FixedWidthInteger.Type || type is any BinaryFloatingPoint.Type {
                throw Unsupported(description: "\(type) cannot be cached: use Int, Int32, Int16, Int8, UInt64 or Double")
            }
            return try T(from: self)
        }

        struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
            let decoder: Decoding
            var codingPath: [any CodingKey] { decoder.codingPath }
            var allKeys: [Key] { [] }

            func contains(_ key: Key) -> Bool { true }
            func decodeNil(forKey key: Key) throws -> Bool {
                throw Unsupported(description: "optionals are read with decodeIfPresent")
            }
            func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
                try decoder.input.key(key.stringValue)
                return try decoder.decode(type)
            }
            func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
                try decoder.input.key(key.stringValue)
                return try decoder.input.bool() ? try decoder.decode(type) : nil
            }
            // The common types read directly, without the generic path (the cache is read on
            // every build, and these are most of it).
            func decode(_ type: String.Type, forKey key: Key) throws -> String {
                try decoder.input.key(key.stringValue)
                return try decoder.input.string()
            }
            func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
                try decoder.input.key(key.stringValue)
                return try decoder.input.int()
            }
            func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
                try decoder.input.key(key.stringValue)
                return try decoder.input.bool()
            }
            func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
                try decoder.input.key(key.stringValue)
                return try decoder.input.uint64()
            }
            func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
                try decoder.input.key(key.stringValue)
                return try decoder.input.bool() ? try decoder.input.bool() : nil
            }
            func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
                try decoder.input.key(key.stringValue)
                return try decoder.input.bool() ? try decoder.input.string() : nil
            }
            func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
                try decoder.input.key(key.stringValue)
                return try decoder.input.bool() ? try decoder.input.int() : nil
            }
            func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
                try decoder.input.key(key.stringValue)
                return try decoder.input.bool() ? try decoder.input.uint64() : nil
            }

            func nestedContainer<NestedKey: CodingKey>(
                keyedBy type: NestedKey.Type,
                forKey key: Key
            ) throws -> KeyedDecodingContainer<NestedKey> {
                try decoder.input.key(key.stringValue)
                return decoder.container(keyedBy: type)
            }
            func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
                try decoder.input.key(key.stringValue)
                return try decoder.unkeyedContainer()
            }
            func superDecoder() throws -> any Decoder { decoder }
            func superDecoder(forKey key: Key) throws -> any Decoder {
                try decoder.input.key(key.stringValue)
                return decoder
            }
        }

        struct Unkeyed: UnkeyedDecodingContainer {
            let decoder: Decoding
            let count: Int?
            private(set) var currentIndex = 0
            var codingPath: [any CodingKey] { decoder.codingPath }
            var isAtEnd: Bool { currentIndex >= count ?? 0 }

            init(decoder: Decoding, count: Int) {
                self.decoder = decoder
                self.count = count
            }

            mutating func decodeNil() throws -> Bool { false }
            mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
                guard !isAtEnd else { throw Damaged() }
                currentIndex += 1
                return try decoder.decode(type)
            }
            mutating func decode(_ type: String.Type) throws -> String {
                guard !isAtEnd else { throw Damaged() }
                currentIndex += 1
                return try decoder.input.string()
            }
            mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
                currentIndex += 1
                return decoder.container(keyedBy: type)
            }
            mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
                currentIndex += 1
                return try decoder.unkeyedContainer()
            }
            mutating func superDecoder() throws -> any Decoder {
                currentIndex += 1
                return decoder
            }
        }

        struct Single: SingleValueDecodingContainer {
            let decoder: Decoding
            var codingPath: [any CodingKey] { decoder.codingPath }

            func decodeNil() -> Bool { false }
            func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeSingle(type) }
        }
    }
}
