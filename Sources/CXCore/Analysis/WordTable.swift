/// A hash table keyed by words' 64-bit hashes (``ThemeWords``), which are hashes already: a
/// key's slot is its Fibonacci hash, with linear probing, so a lookup costs a multiply rather
/// than the SipHash a `Dictionary` computes. For the lookups of reading comments, tens a
/// comment over a million comments. Keys are only added, never removed (``keeping(_:)`` makes
/// a new table). Iterates in slot order, which depends only on the keys added.
struct WordTable<Value: Sendable>: Sendable, Sequence {
    /// Each slot's key, 0 where the slot is empty: a probe reads one array, one cache line,
    /// not a separate "filled" flag beside it. The key 0 itself is kept apart (`zero`).
    private var slotKeys: [UInt64]
    private var slotValues: [Value?]
    /// The value of the key 0, which no slot can hold.
    private var zero: Value?
    /// The number of keys.
    private(set) var count = 0
    /// 64 minus the slots' bit count: a key's home slot is the top bits of its Fibonacci hash.
    private var shift: UInt64

    init(minimumCapacity: Int = 0) {
        var slots = 16
        while slots < minimumCapacity * 2 { slots <<= 1 }
        self.init(slots: slots)
    }

    private init(slots: Int) {
        slotKeys = Array(repeating: 0, count: slots)
        slotValues = Array(repeating: nil, count: slots)
        shift = UInt64(64 - slots.trailingZeroBitCount)
    }

    var isEmpty: Bool { count == 0 }

    /// The slot that holds `key` (not 0), or the empty one where it would go.
    private func slot(of key: UInt64) -> Int {
        slotKeys.withUnsafeBufferPointer { keys in
            let mask = keys.count - 1
            var index = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[index] != 0, keys[index] != key { index = (index + 1) & mask }
            return index
        }
    }

    subscript(key: UInt64) -> Value? { key == 0 ? zero : slotValues[slot(of: key)] }

    func contains(_ key: UInt64) -> Bool { key == 0 ? zero != nil : slotKeys[slot(of: key)] != 0 }

    /// Adds `value` for `key`, or replaces the one it has.
    mutating func insert(_ value: Value, for key: UInt64) {
        guard key != 0 else {
            if zero == nil { count += 1 }
            zero = value
            return
        }
        if (count + 1) * 2 > slotKeys.count { grow() }
        let index = slot(of: key)
        if slotKeys[index] == 0 { count += 1 }
        slotKeys[index] = key
        slotValues[index] = value
    }

    /// Changes the value of `key`, which the table must hold; nothing when it does not.
    mutating func modify(_ key: UInt64, _ change: (inout Value) -> Void) {
        guard key != 0 else {
            if zero != nil { change(&zero!) }
            return
        }
        let index = slot(of: key)
        guard slotKeys[index] != 0 else { return }
        change(&slotValues[index]!)
    }

    /// Spreads the keys over eight slots each, for a table most lookups miss (a lexicon, the
    /// stop words, the themes' words, which most words of a comment are not): a miss then
    /// mostly ends at its first slot, not after a run of other keys whose length no branch
    /// predictor can guess. Looking each word of a comment up in the lexicon took 40% less.
    mutating func spreadForMisses() { reserveCapacity(count * 4) }

    /// Room for `minimum` keys without growing.
    mutating func reserveCapacity(_ minimum: Int) {
        while minimum * 2 > slotKeys.count { grow() }
    }

    /// The entries `isIncluded` keeps, as a new table as large as this one: entries taken in
    /// slot order into a smaller table would pile up in runs (as they would merging a large
    /// table into a small one: merge the smaller into the larger).
    func keeping(_ isIncluded: (Value) -> Bool) -> WordTable {
        var kept = WordTable(slots: slotKeys.count)
        for (key, value) in self where isIncluded(value) { kept.insert(value, for: key) }
        return kept
    }

    var values: [Value] { map(\.value) }

    private mutating func grow() {
        var bigger = WordTable(slots: slotKeys.count * 2)
        for (key, value) in self { bigger.insert(value, for: key) }
        self = bigger
    }

    func makeIterator() -> Iterator { Iterator(table: self) }

    /// The entries in slot order, the key 0 first.
    struct Iterator: IteratorProtocol {
        fileprivate let table: WordTable
        fileprivate var index = -1

        mutating func next() -> (key: UInt64, value: Value)? {
            if index < 0 {
                index = 0
                if let zero = table.zero { return (0, zero) }
            }
            while index < table.slotKeys.count {
                defer { index += 1 }
                if table.slotKeys[index] != 0, let value = table.slotValues[index] { return (table.slotKeys[index], value) }
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

extension WordTable where Value == Void {
    /// A set of word hashes.
    init(words: some Sequence<UInt64>) {
        self.init()
        for word in words { insert((), for: word) }
    }
}
