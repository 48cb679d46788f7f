import Foundation
import Testing

@testable import CXCore

/// Contact details written into comments are masked before a comment can be quoted.
struct ContactMaskingTests {
    static let cases: [(String, String)] = [
        ("Email me at jane.doe@example.com please.", "Email me at [email] please."),
        ("(Jane.Doe+cx@mail.example.co.uk)", "([email])"),
        ("Call 0161 496 0000 or +44 20 7946 0958.", "Call [phone number] or [phone number]."),
        ("ring (0161) 496-0000 today", "ring [phone number] today"),
        ("Card 4111 1111 1111 1111 was charged twice", "Card [card number] was charged twice"),
        ("card 4111-1111-1111-1111", "card [card number]"),
        ("Policy POL-2024-118273, renewal", "Policy [account number], renewal"),
        ("Account 12345678 closed", "Account [account number] closed"),
        // Not contact details: dates, times, money, scores, short numbers, words.
        ("Waited 3 weeks since 2026-10-14 09:12 for £120.50", "Waited 3 weeks since 2026-10-14 09:12 for £120.50"),
        ("On 14.10.2026 I rated 10/10 after 45 minutes", "On 14.10.2026 I rated 10/10 after 45 minutes"),
        ("Order #123456 was late, 2 of 3 items", "Order #123456 was late, 2 of 3 items"),
        ("The @ sign and user@localhost", "The @ sign and user@localhost"),
    ]

    @Test(arguments: cases)
    func contactDetailsAreMaskedAndTheRestKept(_ text: String, _ expected: String) {
        #expect(ContactMasking().masked(text).text == expected)
    }

    @Test func eachKindCanBeLeftUnmasked() {
        var masking = ContactMasking()
        masking.kinds = [.emails]
        #expect(masking.masked("a@b.example 0161 496 0000").text == "[email] 0161 496 0000")
        masking.kinds = []
        #expect(masking.masked("a@b.example").count == 0)
    }

    /// Through a whole build: no page quotes a detail, the summary counts them, and
    /// `privacy: mask: []` turns masking off.
    @Test func noPageQuotesAContactDetailAndTheSummaryCountsThem() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        // Enough answers for comments to be quoted (min_n_comments).
        let others = (1...40).map { "2026-09-\(10 + $0 % 15),nps,\($0 % 11),fine\n" }.joined()
        try site.write(
            "content/responses/r.csv",
            "date,metric,score,comment\n" + others
                + "2026-09-28,nps,2,Nobody called me back on 0161 496 0000 write to jane.doe@example.com\n"
                + "2026-09-29,nps,1,Charged twice on 4111 1111 1111 1111\n")
        let summary = try site.build()
        #expect(summary.maskedContactDetails == 3)
        #expect(summary.line.contains(", 3 contact details masked in comments → "))
        let pages = TestSite.files(in: site.output).values.map { String(decoding: $0, as: UTF8.self) }
        #expect(pages.contains { $0.contains("Nobody called me back on [phone number] write to [email]") })
        for detail in ["496 0000", "jane.doe", "4111"] {
            #expect(!pages.contains { $0.contains(detail) }, "\(detail)")
        }
        try site.append("cxsite.yaml", "privacy:\n  mask: []\n")
        #expect(try site.build().maskedContactDetails == 0)
        #expect(TestSite.files(in: site.output).values.contains { String(decoding: $0, as: UTF8.self).contains("jane.doe@example.com") })
    }

    @Test func anUnknownKindIsALocatedError() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.append("cxsite.yaml", "privacy:\n  mask: [emails, addresses]\n")
        #expect(
            site.buildErrors().map(\.description).first?.hasPrefix(
                "cxsite.yaml:\(try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8).split(separator: "\n").count):18: error: unknown kind of contact detail 'addresses'"
            ) == true)
    }
}
