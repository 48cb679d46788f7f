import Foundation

/// A place where customers and the company meet: an entry of the touchpoint inventory.
public struct Touchpoint: Hashable, Sendable {
    public var id: String
    public var name: String
    /// How customers reach it: "phone", "web", "in person".
    public var channel: String?
    /// The team that owns it.
    public var owner: String?
    /// What happens there.
    public var interactions: [String]

    public init(id: String, name: String, channel: String? = nil, owner: String? = nil, interactions: [String] = []) {
        self.id = id
        self.name = name
        self.channel = channel
        self.owner = owner
        self.interactions = interactions
    }
}

/// A journey: touchpoints in the order a customer meets them on the way to one goal.
public struct Journey: Hashable, Sendable {
    public var id: String
    public var name: String
    /// Touchpoint ids, in order.
    public var steps: [String]

    /// More journeys than a site is warned about: every one is on the journeys page.
    static let manyJourneys = 100

    /// The one journey of a site that lists its touchpoints as `journey:`.
    static func single(through touchpoints: [Touchpoint]) -> Journey {
        Journey(id: "customer-journey", name: "Customer journey", steps: touchpoints.map(\.id))
    }

    /// True when every one of `touchpoints` is a step of this journey.
    func contains(all touchpoints: [String]) -> Bool { touchpoints.allSatisfy(steps.contains) }
}

/// The snapshot metrics that count the customers who joined and who left in a period, and
/// optionally the customer base and the share of revenue the leavers held (`customers:`).
public struct CustomerFlow: Hashable, Sendable {
    public var gained: String
    public var lost: String
    public var base: String?
    /// When in the period `base` counts the customers: the leavers' share is of that count,
    /// as finance reports it.
    public var baseAt: BaseMoment = .start
    public var revenueLost: String?

    /// The moment a customer base is counted (`base_at:`).
    public enum BaseMoment: String, CaseIterable, Sendable {
        case start, end
    }

    static let keys = ["gained", "lost", "base", "base_at", "revenue_lost"]

    /// Reads `customers:`; each metric it names must be a declared snapshot metric.
    static func read(_ fields: inout YAMLFields, metrics: [MetricDefinition]) -> CustomerFlow? {
        guard fields.has("customers") else { return nil }
        var flow: CustomerFlow?
        for var entry in fields.mappingValue("customers") {
            defer { fields.absorb(entry) }
            entry.warnAboutUnknownKeys(Set(keys))
            var named: [String: String] = [:]
            let baseAt: BaseMoment? = entry.choice("base_at")
            for key in keys where key != "base_at" {
                guard let id = entry.string(key, required: key == "gained" || key == "lost") else { continue }
                guard let metric = metrics.first(where: { $0.id == id }), !metric.isSurvey else {
                    let declared = metrics.filter { !$0.isSurvey }.map(\.id).joined(separator: ", ")
                    entry.report(
                        at: entry.node(key)!,
                        "'\(key)' names '\(id)', which is not a snapshot metric of 'metrics' (\(declared.isEmpty ? "none declared" : declared))")
                    continue
                }
                named[key] = metric.id
            }
            if let gained = named["gained"], let lost = named["lost"] {
                flow = CustomerFlow(
                    gained: gained, lost: lost, base: named["base"], baseAt: baseAt ?? .start, revenueLost: named["revenue_lost"])
            }
        }
        return flow
    }
}
