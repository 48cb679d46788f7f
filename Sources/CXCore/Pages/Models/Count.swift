/// A count a page shows: wherever a template prints it, it reads as ``NumberText`` writes it
/// (`4,180`); code reads its `value`.
struct Count: Encodable, Sendable, Hashable, Comparable, ExpressibleByIntegerLiteral {
    let value: Int

    init(_ value: Int) { self.value = value }
    init(integerLiteral value: Int) { self.value = value }

    static func < (left: Count, right: Count) -> Bool { left.value < right.value }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(NumberText.count(value))
    }
}
