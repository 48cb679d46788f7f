import Testing

@testable import CXCore

/// The table that keys comments' words by their hashes: it holds what a dictionary would.
struct WordTableTests {
    /// Against a `Dictionary` fed the same operations, past several growths, with keys that
    /// share their low bits (where a table indexed by them would collide).
    @Test(arguments: [0, 10, 1_000, 20_000])
    func holdsWhatADictionaryHolds(_ count: Int) {
        var table = WordTable<Int>()
        var dictionary: [UInt64: Int] = [:]
        for index in 0..<count {
            // The same low 20 bits for all; and the key 0, which no slot holds, among them.
            let key = index == count / 2 ? 0 : UInt64(index) << 20 | 0x5
            table.insert(index, for: key)
            dictionary[key] = index
            if index % 3 == 0 {
                table.insert(-index, for: key)  // replaced, not added
                dictionary[key] = -index
            }
            if index % 5 == 0 { table.modify(key) { $0 += 1 } }
            if index % 5 == 0 { dictionary[key]! += 1 }
        }
        table.modify(0xDEAD) { $0 += 1 }  // absent: nothing
        #expect(table.count == dictionary.count && table.isEmpty == dictionary.isEmpty)
        #expect(Dictionary(uniqueKeysWithValues: table.map { ($0.key, $0.value) }) == dictionary)
        #expect(dictionary.allSatisfy { table[$0.key] == $0.value && table.contains($0.key) })
        #expect(table[0xDEAD] == nil && !table.contains(0xDEAD))
        let kept = table.keeping { $0 > 0 }
        #expect(Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) }) == dictionary.filter { $0.value > 0 })
        #expect(table == table.keeping { _ in true } && (count == 0 || table != kept || dictionary.allSatisfy { $0.value > 0 }))
    }
}
