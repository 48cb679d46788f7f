/// Template data from typed Swift values: a struct becomes an object keyed by its property
/// names, an array a list, a nil optional `null` (never a missing key, so a template's
/// lookup stops there instead of climbing to an outer context). A page's model can then be a
/// Swift type, and a misspelt key a compile error rather than an empty spot on the page.
///
/// Two values encoded into the same encoder, one after the other, land in one object: a
/// model can be built from parts (see ``MustacheMerged``).
extension MustacheValue {
    public init(encoding value: some Encodable) throws {
        self = try MustacheEncoding.value(of: value)
    }
}

/// Two models read as one object: `extra`'s members beside `base`'s, `extra` winning where
/// both have a key.
public struct MustacheMerged<Base: Encodable & Sendable, Extra: Encodable & Sendable>: Encodable, Sendable {
    public let base: Base
    public let extra: Extra

    public init(_ base: Base, _ extra: Extra) {
        self.base = base
        self.extra = extra
    }

    public func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
        try extra.encode(to: encoder)
    }
}

/// An encoder that takes template data as it is, whole: the one behind
/// ``MustacheValue/init(encoding:)``, or one that hashes models.
public protocol MustacheValueSink: AnyObject {
    func take(_ value: MustacheValue) throws
}

extension MustacheValue: Encodable {
    /// Encodes as the JSON value it stands for, members in key order; a lambda encodes as
    /// null except into template data, where it stays a lambda.
    public func encode(to encoder: any Encoder) throws {
        if let sink = encoder as? any MustacheValueSink {
            try sink.take(self)
            return
        }
        switch self {
        case .null, .lambda:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .int(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .double(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .object(let members):
            var container = encoder.container(keyedBy: AnyKey.self)
            // In key order, so that every encoder sees the same sequence in every run.
            for key in members.keys.sorted() { try container.encode(members[key]!, forKey: AnyKey(key)) }
        }
    }
}

private struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
}

/// The encoder behind ``MustacheValue/init(encoding:)``.
private final class MustacheEncoding: Encoder, MustacheValueSink {
    final class Members {
        var values: [String: MustacheValue] = [:]
        /// Members filled through encoders handed out by `superEncoder(forKey:)`.
        var pending: [(key: String, encoder: MustacheEncoding)] = []
    }

    final class Items {
        var values: [MustacheValue] = []
        /// Places filled through encoders handed out by `superEncoder()`.
        var pending: [(index: Int, encoder: MustacheEncoding)] = []
    }

    enum Storage {
        case empty
        case members(Members)
        case items(Items)
        case value(MustacheValue)
    }

    var storage = Storage.empty
    /// Not tracked: nothing reads it, and building it costs an allocation per value.
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    static func value(of value: some Encodable) throws -> MustacheValue {
        switch value {
        case let value as String: return .string(value)
        case let value as Int: return .int(value)
        case let value as Bool: return .bool(value)
        case let value as Double: return .double(value)
        case let value as MustacheValue: return value
        default:
            let encoder = MustacheEncoding()
            try value.encode(to: encoder)
            return encoder.result
        }
    }

    var result: MustacheValue {
        switch storage {
        case .empty: return .null
        case .members(let members):
            for (key, encoder) in members.pending { members.values[key] = encoder.result }
            members.pending = []
            return .object(members.values)
        case .items(let items):
            for (index, encoder) in items.pending { items.values[index] = encoder.result }
            items.pending = []
            return .array(items.values)
        case .value(let value): return value
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(members: members()))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(items: items())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(encoder: self)
    }

    /// The object being filled, shared by every keyed container asked of this encoder (and
    /// starting from the object encoded before, when there was one).
    func members() -> Members {
        if case .members(let members) = storage { return members }
        let members = Members()
        if case .value(.object(let earlier)) = storage { members.values = earlier }
        storage = .members(members)
        return members
    }

    func items() -> Items {
        if case .items(let items) = storage { return items }
        let items = Items()
        storage = .items(items)
        return items
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let members: Members
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) { members.values[key.stringValue] = .null }
        mutating func encode(_ value: Bool, forKey key: Key) { members.values[key.stringValue] = .bool(value) }
        mutating func encode(_ value: String, forKey key: Key) { members.values[key.stringValue] = .string(value) }
        mutating func encode(_ value: Double, forKey key: Key) { members.values[key.stringValue] = .double(value) }
        mutating func encode(_ value: Int, forKey key: Key) { members.values[key.stringValue] = .int(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            members.values[key.stringValue] = try MustacheEncoding.value(of: value)
        }

        // A nil optional is `null`, not a missing key: synthesised `Encodable` calls these.
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) { members.values[key.stringValue] = value.map(MustacheValue.bool) ?? .null }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) {
            members.values[key.stringValue] = value.map(MustacheValue.string) ?? .null
        }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) {
            members.values[key.stringValue] = value.map(MustacheValue.double) ?? .null
        }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) { members.values[key.stringValue] = value.map(MustacheValue.int) ?? .null }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            members.values[key.stringValue] = try value.map { try MustacheEncoding.value(of: $0) } ?? .null
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type,
            forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            superEncoder(forKey: key).container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            superEncoder(forKey: key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            superEncoder(forKey: Key(stringValue: "super")!)
        }

        /// An encoder whose value becomes the member `key` once it is filled.
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            let encoder = MustacheEncoding()
            members.values[key.stringValue] = .null
            members.pending.append((key.stringValue, encoder))
            return encoder
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let items: Items
        var codingPath: [any CodingKey] { [] }
        var count: Int { items.values.count }

        mutating func encodeNil() { items.values.append(.null) }
        mutating func encode(_ value: Bool) { items.values.append(.bool(value)) }
        mutating func encode(_ value: String) { items.values.append(.string(value)) }
        mutating func encode(_ value: Double) { items.values.append(.double(value)) }
        mutating func encode(_ value: Int) { items.values.append(.int(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            items.values.append(try MustacheEncoding.value(of: value))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            superEncoder().container(keyedBy: keyType)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            superEncoder().unkeyedContainer()
        }

        /// An encoder whose value takes the next place in the list once it is filled.
        mutating func superEncoder() -> any Encoder {
            let encoder = MustacheEncoding()
            items.pending.append((items.values.count, encoder))
            items.values.append(.null)
            return encoder
        }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        let encoder: MustacheEncoding
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() { encoder.set(.null) }
        mutating func encode(_ value: Bool) { encoder.set(.bool(value)) }
        mutating func encode(_ value: String) { encoder.set(.string(value)) }
        mutating func encode(_ value: Double) { encoder.set(.double(value)) }
        mutating func encode(_ value: Float) { encoder.set(.double(Double(value))) }
        mutating func encode(_ value: Int) { encoder.set(.int(value)) }
        mutating func encode(_ value: Int8) { encoder.set(.int(Int(value))) }
        mutating func encode(_ value: Int16) { encoder.set(.int(Int(value))) }
        mutating func encode(_ value: Int32) { encoder.set(.int(Int(value))) }
        mutating func encode(_ value: Int64) { encoder.set(.int(Int(value))) }
        mutating func encode(_ value: UInt8) { encoder.set(.int(Int(value))) }
        mutating func encode(_ value: UInt16) { encoder.set(.int(Int(value))) }
        mutating func encode(_ value: UInt32) { encoder.set(.int(Int(value))) }
        mutating func encode(_ value: UInt) { encoder.set(Int(exactly: value).map(MustacheValue.int) ?? .double(Double(value))) }
        mutating func encode(_ value: UInt64) { encoder.set(Int(exactly: value).map(MustacheValue.int) ?? .double(Double(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.set(try MustacheEncoding.value(of: value))
        }
    }

    func set(_ value: MustacheValue) {
        storage = .value(value)
    }

    func take(_ value: MustacheValue) {
        storage = .value(value)
    }
}
