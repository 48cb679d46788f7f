import Foundation

/// The values a column of an export may hold, each with what it means (a touchpoint's
/// number, a score): ids, names and a mapping's `values:`, matched in any case from the
/// field's bytes, so a row costs no string.
struct ValueNames: Sendable {
    /// Each value as written, for "did you mean".
    private(set) var written: [String] = []
    /// Each value's bytes, folded to lower case.
    private var folded: [[UInt8]] = []
    private var meanings: [Int] = []

    /// Values and their meanings; where a value is given twice, the first meaning stands.
    init(_ pairs: [(value: String, means: Int)]) {
        for pair in pairs {
            let key = Self.fold(Array(pair.value.utf8))
            guard !key.isEmpty, !folded.contains(key) else { continue }
            written.append(pair.value)
            folded.append(key)
            meanings.append(pair.means)
        }
    }

    var isEmpty: Bool { folded.isEmpty }

    /// What the (trimmed) field means; nil when it is none of the values.
    func find(_ raw: UnsafeBufferPointer<UInt8>) -> Int? {
        let bytes = RowBytes.trimmed(raw)
        if bytes.contains(where: { $0 >= 0x80 }) {
            let key = Self.fold(Array(bytes))
            return folded.firstIndex(of: key).map { meanings[$0] }
        }
        next: for (index, key) in folded.enumerated() where key.count == bytes.count {
            for (a, b) in zip(key, bytes) where a != Self.lower(b) { continue next }
            return meanings[index]
        }
        return nil
    }

    /// The value most like `text`, when one is close: for "did you mean".
    func closest(to text: String) -> String? {
        let lowered = text.lowercased()
        let best = written.min { YAMLFields.distance($0.lowercased(), lowered) < YAMLFields.distance($1.lowercased(), lowered) }
        guard let best, YAMLFields.distance(best.lowercased(), lowered) <= max(2, lowered.count / 4) else { return nil }
        return best
    }

    /// The bytes in lower case: ASCII by table, anything else through Unicode's case mapping.
    static func fold(_ bytes: [UInt8]) -> [UInt8] {
        var folded: [UInt8] = []
        bytes.withUnsafeBufferPointer { fold($0, into: &folded) }
        return folded
    }

    /// `bytes` in lower case, written over `output` (reused from row to row: no allocation
    /// for ASCII).
    static func fold(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        appendFolded(bytes, to: &output)
    }

    /// `bytes` in lower case, appended to `output`.
    static func appendFolded(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        if bytes.contains(where: { $0 >= 0x80 }) {
            output += String(decoding: bytes, as: UTF8.self).lowercased().utf8
        } else {
            for byte in bytes { output.append(lower(byte)) }
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 65 && byte <= 90 ? byte | 0x20 : byte
    }
}
