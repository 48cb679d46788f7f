import Mustache

/// A 64-bit hash that is the same in every run (Swift's `Hasher` is seeded per process), for
/// the output manifest and the build cache. It reads eight bytes at a time with a
/// multiply–xorshift mix: meant to notice changes, not to resist an attacker.
struct StableHasher {
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func combine(_ value: UInt64) {
        state = (state ^ value) &* Self.multiplier
        state ^= state >> 29
    }

    mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }

    mutating func combine(bytes buffer: UnsafeRawBufferPointer) {
        combine(buffer.count)
        var offset = 0
        while offset + 8 <= buffer.count {
            combine(buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        for (shift, byte) in buffer[offset...].enumerated() { tail |= UInt64(byte) << (8 * UInt64(shift)) }
        combine(tail)
    }

    mutating func combine(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { combine(bytes: $0) }
    }

    mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    func finalize() -> UInt64 {
        var hash = state &* Self.multiplier
        hash ^= hash >> 32
        return hash
    }

    static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { hash(bytes: $0) }
    }

    static func hash(bytes buffer: UnsafeRawBufferPointer) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(bytes: buffer)
        return hasher.finalize()
    }

    static func hash(_ text: String) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(text)
        return hasher.finalize()
    }
}

extension MustacheValue {
    /// A stable hash of the value, or nil when it holds a lambda (code has no content hash).
    /// Members of an object are combined in an order-independent way, so the dictionary's
    /// per-process order does not matter.
    var stableHash: UInt64? {
        var hasher = StableHasher()
        switch self {
        case .null: hasher.combine(0)
        case .bool(let value): hasher.combine(value ? 1 : 2)
        case .int(let value):
            hasher.combine(3)
            hasher.combine(value)
        case .double(let value):
            hasher.combine(4)
            hasher.combine(value.bitPattern)
        case .string(let value):
            hasher.combine(5)
            hasher.combine(value)
        case .array(let items):
            hasher.combine(6)
            hasher.combine(items.count)
            for item in items {
                guard let hash = item.stableHash else { return nil }
                hasher.combine(hash)
            }
        case .object(let members):
            var sum: UInt64 = 0
            for (key, value) in members {
                guard let valueHash = value.stableHash else { return nil }
                var member = StableHasher()
                member.combine(key)
                member.combine(valueHash)
                sum &+= member.finalize()
            }
            hasher.combine(7)
            hasher.combine(members.count)
            hasher.combine(sum)
        case .lambda: return nil
        }
        return hasher.finalize()
    }
}
