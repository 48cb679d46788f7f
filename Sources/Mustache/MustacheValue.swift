import Foundation

/// The data a template renders: the JSON data model plus lambdas.
///
/// Build it from Swift literals (`["title": "Q3", "stories": [...]]`), from Swift values
/// that adopt ``MustacheValueConvertible``, or from JSON and YAML documents.
public enum MustacheValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([MustacheValue])
    case object([String: MustacheValue])
    case lambda(MustacheLambda)

    /// False for null, `false`, the empty string and the empty list; sections render for
    /// every other value.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .string(let value): !value.isEmpty
        case .array(let items): !items.isEmpty
        case .int, .double, .object, .lambda: true
        }
    }

    /// The items of a list, or nil.
    public var arrayValue: [MustacheValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> MustacheValue? { member(key) }

    @inline(__always)
    func member(_ key: String) -> MustacheValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The text an interpolation tag prints; numbers print as the spec shows
    /// (`1.5` as `1.5`, whole numbers without `.0`). Lists and objects print nothing.
    public var interpolatedText: String {
        switch self {
        case .null, .array, .object, .lambda: ""
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): Self.format(value)
        case .string(let value): value
        }
    }

    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }
}

/// A Swift closure placed in the data, behaving as the Mustache spec's lambdas.
public struct MustacheLambda: Sendable {
    enum Body: Sendable {
        case interpolation(@Sendable () -> String)
        case section(@Sendable (String) -> String)
    }

    let body: Body

    /// A lambda for interpolation tags (`{{name}}`): its result is rendered as a template
    /// with the default delimiters, then escaped as usual.
    public init(_ body: @escaping @Sendable () -> String) {
        self.body = .interpolation(body)
    }

    /// A lambda for section tags (`{{#name}}…{{/name}}`): it receives the raw section text,
    /// and its result is rendered with the delimiters in force at the section.
    public init(section body: @escaping @Sendable (String) -> String) {
        self.body = .section(body)
    }
}

/// A Swift value that templates can render.
public protocol MustacheValueConvertible {
    var mustacheValue: MustacheValue { get }
}

extension MustacheValue: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { self }
}
extension String: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { .string(self) }
}
extension Substring: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { .string(String(self)) }
}
extension Int: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { .int(self) }
}
extension Double: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { .double(self) }
}
extension Bool: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { .bool(self) }
}
extension Optional: MustacheValueConvertible where Wrapped: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { self?.mustacheValue ?? .null }
}
extension Array: MustacheValueConvertible where Element: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { .array(map(\.mustacheValue)) }
}
extension Dictionary: MustacheValueConvertible where Key == String, Value: MustacheValueConvertible {
    public var mustacheValue: MustacheValue { .object(mapValues(\.mustacheValue)) }
}

extension MustacheValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: MustacheValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, MustacheValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: - JSON documents

extension MustacheValue: Decodable {
    /// Decodes any JSON value; booleans stay booleans and whole numbers stay integers.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([MustacheValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: MustacheValue].self))
        }
    }

    /// Parses a JSON document.
    public init(json: Data) throws {
        self = try JSONDecoder().decode(MustacheValue.self, from: json)
    }
}
