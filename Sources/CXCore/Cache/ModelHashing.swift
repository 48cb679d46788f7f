import Foundation
import Mustache

/// The stable hash of a page's model, taken from its `Encodable` form without building
/// template data: member names and values in the order the type encodes them, each nested
/// value between markers, parts encoded once (``Prepared``) by the hash they keep. Two models with the same hash give the same template data,
/// so a page whose model hashes as before is neither encoded nor rendered again.
enum ModelHashing {
    /// Nil when the model holds something without a content hash (a lambda).
    static func hash(_ model: some Encodable) -> UInt64? {
        let encoder = Hashing()
        do {
            try encoder.nested(model)
        } catch {
            return nil
        }
        return encoder.hasher.finalize()
    }

    private struct Unhashable: Error {}

    fileprivate enum Tag: Int {
        case null = 1
        case bool, int, double, string, key, item, begin, end, prepared
    }

    final class Hashing: Encoder, MustacheValueSink {
        var hasher = StableHasher()
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        fileprivate func tag(_ tag: Tag) { hasher.combine(tag.rawValue) }

        /// A value between markers, so that where a nested value ends is part of the hash.
        func nested(_ value: some Encodable) throws {
            switch value {
            case let value as String:
                tag(.string)
                hasher.combine(value)
            case let value as Int:
                tag(.int)
                hasher.combine(value)
            case let value as Bool:
                tag(.bool)
                hasher.combine(value ? 1 : 0)
            case let value as Double:
                tag(.double)
                hasher.combine(value.bitPattern)
            default:
                tag(.begin)
                try value.encode(to: self)
                tag(.end)
            }
        }

        /// A part encoded once, by the hash it keeps.
        func take<Model>(_ part: Prepared<Model>) throws {
            guard let hash = part.hash else { throw Unhashable() }
            tag(.prepared)
            hasher.combine(hash)
        }

        /// Template data already made: hashed whole.
        func take(_ value: MustacheValue) throws {
            guard let hash = value.stableHash else { throw Unhashable() }
            tag(.prepared)
            hasher.combine(hash)
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(encoder: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(encoder: self) }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

        struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
            let encoder: Hashing
            var codingPath: [any CodingKey] { [] }

            private func key(_ key: Key) {
                encoder.tag(.key)
                encoder.hasher.combine(key.stringValue)
            }

            mutating func encodeNil(forKey key: Key) {
                self.key(key)
                encoder.tag(.null)
            }
            mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
                self.key(key)
                try encoder.nested(value)
            }
            // A nil optional is hashed as the template data has it: `null`.
            mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
                guard let value else { return encodeNil(forKey: key) }
                try encode(value, forKey: key)
            }
            mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeIfPresent(value as Bool?, key) }
            mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeIfPresent(value as String?, key) }
            mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeIfPresent(value as Int?, key) }
            mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeIfPresent(value as Double?, key) }
            private mutating func encodeIfPresent<T: Encodable>(_ value: T?, _ key: Key) throws {
                guard let value else { return encodeNil(forKey: key) }
                try encode(value, forKey: key)
            }

            mutating func nestedContainer<NestedKey: CodingKey>(
                keyedBy keyType: NestedKey.Type,
                forKey key: Key
            ) -> KeyedEncodingContainer<NestedKey> {
                self.key(key)
                return encoder.container(keyedBy: keyType)
            }
            mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
                self.key(key)
                return encoder.unkeyedContainer()
            }
            mutating func superEncoder() -> any Encoder { encoder }
            mutating func superEncoder(forKey key: Key) -> any Encoder {
                self.key(key)
                return encoder
            }
        }

        struct Unkeyed: UnkeyedEncodingContainer {
            let encoder: Hashing
            var codingPath: [any CodingKey] { [] }
            private(set) var count = 0

            init(encoder: Hashing) {
                self.encoder = encoder
            }

            private mutating func item() {
                count += 1
                encoder.tag(.item)
            }

            mutating func encodeNil() {
                item()
                encoder.tag(.null)
            }
            mutating func encode<T: Encodable>(_ value: T) throws {
                item()
                try encoder.nested(value)
            }
            mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
                item()
                return encoder.container(keyedBy: keyType)
            }
            mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
                item()
                return encoder.unkeyedContainer()
            }
            mutating func superEncoder() -> any Encoder {
                item()
                return encoder
            }
        }

        struct Single: SingleValueEncodingContainer {
            let encoder: Hashing
            var codingPath: [any CodingKey] { [] }

            mutating func encodeNil() { encoder.tag(.null) }
            mutating func encode<T: Encodable>(_ value: T) throws { try encoder.nested(value) }
            // Page models hold Int and Double only. These are named here, not found with a cast
            // to `any FixedWidthInteger` in `nested`: a cast to a protocol searches every
            // conformance the process has, once for each type of value a model holds.
            mutating func encode(_ value: Int8) throws { throw Unhashable() }
            mutating func encode(_ value: Int16) throws { throw Unhashable() }
            mutating func encode(_ value: Int32) throws { throw Unhashable() }
            mutating func encode(_ value: Int64) throws { throw Unhashable() }
            mutating func encode(_ value: UInt) throws { throw Unhashable() }
            mutating func encode(_ value: UInt8) throws { throw Unhashable() }
            mutating func encode(_ value: UInt16) throws { throw Unhashable() }
            mutating func encode(_ value: UInt32) throws { throw Unhashable() }
            mutating func encode(_ value: UInt64) throws { throw Unhashable() }
            mutating func encode(_ value: Float) throws { throw Unhashable() }
        }
    }
}

/// A part of many pages encoded once, and hashed once: a story's card is on the story's page,
/// the stories page and the pages of its touchpoints, and encoding or hashing it for each
/// costs more than rendering.
struct Prepared<Model: Encodable & Sendable>: Encodable, Sendable {
    let value: MustacheValue
    private let memo = HashMemo()

    init(_ model: Model) throws {
        value = try MustacheValue(encoding: model)
    }

    /// Made when a page's model is first hashed (a build without a cache hashes none), once.
    var hash: UInt64? { memo.value { value.stableHash } }

    func encode(to encoder: any Encoder) throws {
        if let hashing = encoder as? ModelHashing.Hashing {
            try hashing.take(self)
        } else {
            try value.encode(to: encoder)
        }
    }
}

/// A hash made at most once, on any thread.
private final class HashMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var made: UInt64??

    func value(_ make: () -> UInt64?) -> UInt64? {
        lock.withLock {
            if let made { return made }
            let hash = make()
            made = .some(hash)
            return hash
        }
    }
}
