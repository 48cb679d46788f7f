import Mustache
import Yams

/// Template data from YAML (for `cxsite render`): here, not in the template engine, so that
/// the engine's public face names no YAML library.
extension MustacheValue {
    /// Parses a YAML document (YAML 1.1 core scalars: booleans, integers, floats, null).
    public init(yaml: String) throws {
        guard let node = try Yams.compose(yaml: yaml) else {
            self = .null
            return
        }
        self.init(yamlNode: node)
    }

    /// Converts a composed YAML node; plain scalars resolve by their YAML tag.
    public init(yamlNode node: Yams.Node) {
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain else {
                self = .string(scalar.string)
                return
            }
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: self = .null
            case .bool: self = node.bool.map(MustacheValue.bool) ?? .string(scalar.string)
            case .int: self = node.int.map(MustacheValue.int) ?? .string(scalar.string)
            case .float: self = node.float.map(MustacheValue.double) ?? .string(scalar.string)
            default: self = .string(scalar.string)
            }
        case .sequence(let sequence):
            self = .array(sequence.map(MustacheValue.init(yamlNode:)))
        case .mapping(let mapping):
            var members: [String: MustacheValue] = [:]
            for (key, value) in mapping {
                members[key.string ?? ""] = MustacheValue(yamlNode: value)
            }
            self = .object(members)
        case .alias:
            self = .null
        }
    }
}
