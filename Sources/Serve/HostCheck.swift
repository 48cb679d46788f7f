/// Which `Host:` names the preview answers to, against DNS rebinding: a page on the web whose
/// name is made to resolve to 127.0.0.1 must not be able to read the preview. Answered are
/// `localhost` and its subdomains, IP addresses (no name can rebind to those), and the
/// names given with `--allow-host`; every other name gets 403.
public struct HostCheck: Sendable {
    /// The names allowed besides the built-in ones, lowercased.
    public let extraNames: Set<String>

    public init(allowing names: [String] = []) {
        extraNames = Set(names.map { $0.lowercased() })
    }

    /// True when a request with this `Host:` field may be answered. A request without one
    /// (HTTP/1.0, a hand-made request) comes from no browser page and is answered.
    public func allows(_ field: String?) -> Bool {
        guard let field else { return true }
        let name = Self.name(of: field.lowercased())
        if name == "localhost" || name.hasSuffix(".localhost") || extraNames.contains(name) { return true }
        return Self.isAddress(name)
    }

    /// The name of a `Host:` value, without its port: `[::1]:8080` → `::1`, `a.test:80` → `a.test`.
    static func name(of field: String) -> String {
        if field.hasPrefix("[") {
            return String(field.dropFirst().prefix { $0 != "]" })
        }
        var name = field.prefix { $0 != ":" }
        if name.hasSuffix(".") { name = name.dropLast() }  // `localhost.` is `localhost`
        return String(name)
    }

    /// True for an IPv4 address in dotted form or an IPv6 address.
    static func isAddress(_ name: String) -> Bool {
        if name.contains(":") { return name.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && UInt8(part) != nil }
    }
}
