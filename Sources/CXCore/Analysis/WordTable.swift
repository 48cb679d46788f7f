/// A hash table keyed by words' 64-bit hashes (``ThemeWords``), which are hashes already: a
/// key's slot is its Fibonacci hash, with linear probing, so a lookup costs a multiply rather
/// than the SipHash a `Dictionary` computes. For the lookups of reading comments, tens a
/// comment over a million comments. Keys are only added, never removed (``keeping(_:)`` makes
/// a new table). Iterates in slot order, which depends only on the keys added.
struct WordTable<Value: Sendable>: Sendable, Sequence {
    private var slotKeys: [UInt64]
    private var slotValues: [Value?]
    /// The number of keys.
    private(set) var count = 0
    /// 64 minus the slots' bit count: a key's home slot is the top bits of its Fibonacci hash.
    private var shift: UInt64

    init(minimumCapacity: Int = 0) {
        var slots = 16
        while slots < minimumCapacity * 2 { slots <<= 1 }
        slotKeys = Array(repeating: 0, count: slots)
        slotValues = Array(repeating: nil, count: slots)
        shift = UInt64(64 - slots.trailingZeroBitCount)
    }

    var isEmpty: Bool { count == 0 }

    /// The slot that holds `key`, or the empty one where it would go.
    private func slot(of key: UInt64) -> Int {
        let mask = slotKeys.count - 1
        var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while slotValues[index] != nil, slotKeys[index] != key { index = (index + 1) & mask }
        return index
    }

    subscript(key: UInt64) -> Value? { slotValues[slot(of: key)] }

    func contains(_ key: UInt64) -> Bool { slotValues[slot(of: key)] != nil }

    /// Adds `value` for `key`, or replaces the one it has.
    mutating func insert(_ value: Value, for key: UInt64) {
        if (count + 1) * 2 > slotKeys.count { grow() }
        let index = slot(of: key)
        if slotValues[index] == nil { count += 1 }
        slotKeys[index] = key
        slotValues[index] = value
    }

    /// Changes the value of `key`, which the table must hold; nothing when it does not.
    mutating func modify(_ key: UInt64, _ change: (inout Value) -> Void) {
        let index = slot(of: key)
        guard slotValues[index] != nil else { return }
        change(&slotValues[index]!)
    }

    /// The entries `isIncluded` keeps, as a new table.
    func keeping(_ isIncluded: (Value) -> Bool) -> WordTable {
        var kept = WordTable(minimumCapacity: count)
        for (key, value) in self where isIncluded(value) { kept.insert(value, for: key) }
        return kept
    }

    var values: [Value] { map(\.value) }

    private mutating func grow() {
        var bigger = WordTable(minimumCapacity: slotKeys.count)
        for (key, value) in self { bigger.insert(value, for: key) }
        self = bigger
    }

    func makeIterator() -> AnyIterator<(key: UInt64, value: Value)> {
        var index = 0
        return AnyIterator {
            while index < slotKeys.count {
                defer { index += 1 }
                if let value = slotValues[index] { return (slotKeys[index], value) }
            }
            return nil
        }
    }
}

extension WordTable: Equatable where Value: Equatable {
    static func == (left: WordTable, right: WordTable) -> Bool {
        left.count == right.count && left.allSatisfy { right[$0.key] == $0.value }
    }
}
