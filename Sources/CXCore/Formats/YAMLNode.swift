import Yams

/// A node of a YAML document as field readers see it: text (and whether it was written
/// unquoted), a list or a mapping, each with where it starts. ``FlatYAML`` makes these for the
/// front matter it reads; Yams' nodes are converted for the rest.
indirect enum YAMLNode: Sendable, Equatable {
    case scalar(Scalar)
    case sequence([YAMLNode], Position)
    case mapping([(key: YAMLNode, value: YAMLNode)], Position)

    struct Scalar: Sendable, Equatable {
        var string: String
        /// Written without quotes: only plain scalars spell numbers, booleans and null.
        var isPlain: Bool
        var position: Position
    }

    /// Line and column from 1, the column in Unicode scalars, as Yams marks them.
    struct Position: Sendable, Equatable {
        var line: Int
        var column: Int
    }

    var position: Position {
        switch self {
        case .scalar(let scalar): scalar.position
        case .sequence(_, let position), .mapping(_, let position): position
        }
    }

    /// A scalar's text; nil for lists and mappings.
    var string: String? {
        guard case .scalar(let scalar) = self else { return nil }
        return scalar.string
    }

    static func == (left: YAMLNode, right: YAMLNode) -> Bool {
        switch (left, right) {
        case (.scalar(let a), .scalar(let b)): a == b
        case (.sequence(let a, let at), .sequence(let b, let bt)): at == bt && a == b
        case (.mapping(let a, let at), .mapping(let b, let bt)):
            at == bt && a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// Yams' node as one of these. Yams composes aliases as the nodes they name, so none is
    /// left; one would read as empty text.
    init(_ node: Yams.Node) {
        let position = node.mark.map { Position(line: $0.line, column: $0.column) } ?? Position(line: 1, column: 1)
        switch node {
        case .scalar(let scalar):
            self = .scalar(Scalar(string: scalar.string, isPlain: scalar.style == .plain, position: position))
        case .sequence(let sequence):
            self = .sequence(sequence.map(YAMLNode.init), position)
        case .mapping(let mapping):
            self = .mapping(mapping.map { (YAMLNode($0.key), YAMLNode($0.value)) }, position)
        case .alias:
            self = .scalar(Scalar(string: "", isPlain: false, position: position))
        }
    }
}
