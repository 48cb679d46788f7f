import Mustache
import Testing

/// Template data from typed Swift values (``MustacheValue/init(encoding:)``).
struct EncodingTests {
    struct Person: Encodable, Sendable {
        var name: String
        var age: Int
        var nickname: String?
        var score: Double?
        var tags: [String]
        var pet: Pet?
    }

    struct Pet: Encodable, Sendable {
        var kind: String
    }

    struct Extra: Encodable, Sendable {
        var name: String
        var isNew: Bool
    }

    @Test func structsBecomeObjectsKeyedByTheirPropertyNames() throws {
        let value = try MustacheValue(
            encoding: Person(
                name: "Ana", age: 41, nickname: nil, score: 8.5, tags: ["a", "b"],
                pet: Pet(kind: "cat")))
        #expect(
            try Template("{{name}} {{age}} {{score}} {{#tags}}[{{.}}]{{/tags}} {{pet.kind}}").render(value)
                == "Ana 41 8.5 [a][b] cat")
    }

    /// A nil optional stops the lookup: a missing key would let `{{nickname}}` find the
    /// outer context's value instead.
    @Test func nilOptionalsAreNullNotMissing() throws {
        let person = try MustacheValue(encoding: Person(name: "Ana", age: 41, nickname: nil, score: nil, tags: [], pet: nil))
        #expect(person["nickname"] != nil)
        #expect(person["pet"] != nil)
        let outer: MustacheValue = ["nickname": "outer", "person": person]
        #expect(try Template("{{#person}}<{{nickname}}>{{^pet}}no pet{{/pet}}{{/person}}").render(outer) == "<>no pet")
    }

    @Test func mergedModelsReadAsOneObjectWithTheSecondWinning() throws {
        let merged = MustacheMerged(Pet(kind: "dog"), Extra(name: "Rex", isNew: true))
        let value = try MustacheValue(encoding: merged)
        #expect(try Template("{{kind}} {{name}} {{#isNew}}new{{/isNew}}").render(value) == "dog Rex new")
        let overriding = try MustacheValue(encoding: MustacheMerged(Extra(name: "old", isNew: false), Extra(name: "new", isNew: true)))
        #expect(overriding["name"]?.interpolatedText == "new")
    }

    @Test func nestedValuesAndRawTemplateDataPassThrough() throws {
        struct Holder: Encodable, Sendable {
            var raw: MustacheValue
            var grid: [[Int]]
            var byName: [String: Int]
        }
        let value = try MustacheValue(encoding: Holder(raw: ["x": 1], grid: [[1, 2], [3]], byName: ["a": 1]))
        #expect(try Template("{{raw.x}} {{#grid}}({{#.}}{{.}}{{/.}}){{/grid}} {{byName.a}}").render(value) == "1 (12)(3) 1")
    }
}
