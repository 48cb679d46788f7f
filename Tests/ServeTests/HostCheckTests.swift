import Testing

@testable import Serve

/// The `Host:` names the preview answers to.
struct HostCheckTests {
    static let cases: [(String?, Bool)] = [
        (nil, true),
        ("localhost", true), ("LOCALHOST:8080", true), ("localhost.", true), ("app.localhost:3000", true),
        ("127.0.0.1", true), ("127.0.0.1:8080", true), ("192.168.1.20:8080", true),
        ("[::1]:8080", true), ("[fe80::1]", true),
        ("preview.test", true), ("preview.test:8080", true),
        ("attacker.example", false), ("attacker.example:8080", false), ("localhost.attacker.example", false),
        ("127.0.0.1.nip.io", false), ("999.1.1.1", false), ("1.2.3", false), ("", false),
    ]

    @Test(arguments: cases)
    func aHostIsAnsweredOnlyWhenItNamesThisMachine(_ field: String?, _ allowed: Bool) {
        #expect(HostCheck(allowing: ["Preview.Test"]).allows(field) == allowed)
    }
}
