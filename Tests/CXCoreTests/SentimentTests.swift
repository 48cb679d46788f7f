import Foundation
import Testing

@testable import CXCore

/// Sentiment by VADER's lexicon and rules: negation, intensifiers, softeners and "but".
struct SentimentTests {
    private let lexicon = SentimentLexicon.builtIn

    @Test func theBuiltInLexiconIsVADERs() {
        #expect(!lexicon.isEmpty)
        #expect(lexicon.polarity(of: "great") > 0.5 && lexicon.polarity(of: "rude") < -0.3)
    }

    @Test(arguments: [
        ("The engineer was great", 1),
        ("Support was rude and useless", -1),
        ("The engineer was not great", -1),  // negation turns it
        ("Nobody was helpful", -1),  // …from three words away too
        ("The router arrived on Tuesday", 0),  // no word of feeling
        ("", 0),
        ("The install was fine but the bill was wrong", -1),  // what follows "but" weighs more
        ("The bill was wrong but the engineer was brilliant", 1),
    ])
    func polarity(_ text: String, _ sign: Int) {
        let polarity = lexicon.polarity(of: text)
        switch sign {
        case 1: #expect(polarity >= SentimentLexicon.neutralBand, "\(text): \(polarity)")
        case -1: #expect(polarity <= -SentimentLexicon.neutralBand, "\(text): \(polarity)")
        default: #expect(abs(polarity) < SentimentLexicon.neutralBand, "\(text): \(polarity)")
        }
        #expect((-1...1).contains(polarity))
    }

    @Test func intensifiersRaiseAndSoftenersLower() {
        let plain = lexicon.polarity(of: "good")
        let very = lexicon.polarity(of: "very good")
        let slightly = lexicon.polarity(of: "slightly good")
        #expect(very > plain && plain > slightly && slightly > 0)
        #expect(lexicon.polarity(of: "very bad") < lexicon.polarity(of: "bad"))
    }

    @Test func aSitesOwnLexiconReplacesTheBuiltInOne() {
        let own = SentimentLexicon(parsing: "outage\t-3\nswift\t2.5\n:-)\t2\nnot a number\tx\n")
        #expect(own.polarity(of: "Another outage") < 0 && own.polarity(of: "A swift fix") > 0)
        #expect(own.polarity(of: "great") == 0)  // only its own words
    }

    @Test func commentsAreCountedNegativeAndScoresThatDisagreeWithTheirWordsAreKept() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/themes.yaml", "themes:\n  - id: bill\n    name: The bill\n    match: [bill]\n")
        try site.write(
            "content/responses/r.csv",
            """
            date,metric,score,touchpoint,comment
            2026-08-01,nps,10,billing,"Terrible, awful bill. I hate it."
            2026-08-02,nps,2,billing,"Wonderful people, great help, love them"
            2026-08-03,nps,3,billing,The bill was wrong and the agent was rude
            2026-08-04,nps,9,billing,The bill is clear
            2026-08-05,nps,8,billing,

            """)
        try site.append("cxsite.yaml", "min_n: 1\n")
        try site.build()
        let themes = try site.page("themes/index.html")
        #expect(themes.contains("1 promoters wrote comments that read angry, and 1 detractors wrote comments that read warm"))
        #expect(themes.contains("<p>Terrible, awful bill. I hate it.</p>") && themes.contains("<p>Wonderful people, great help, love them</p>"))
        // Of the three comments that mention the bill, two read negative.
        #expect(themes.contains("67% of its comments read negative"))
        #expect(try site.page("touchpoints/billing.html").contains("50% of the 4 comments here in Q3 2026 read negative."))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        let bill = try #require(((json as? [String: Any])?["themes"] as? [[String: Any]])?.first { $0["metric"] as? String == "nps" })
        #expect(abs(ResponseTests.number(bill["negative_share"]) - 2.0 / 3) < 1e-12)
    }

    // MARK: Agreement with the scores

    /// The area under the ROC curve of polarity as a test of "promoter, not detractor": the
    /// chance that a promoter's comment reads warmer than a detractor's (ties count half).
    static func separation(_ lexicon: SentimentLexicon, _ comments: [(score: Int, text: String)]) -> Double {
        let detractors = comments.filter { $0.score <= 6 }.map { lexicon.polarity(of: $0.text) }
        let promoters = comments.filter { $0.score >= 9 }.map { lexicon.polarity(of: $0.text) }
        var wins = 0.0
        for promoter in promoters {
            for detractor in detractors { wins += promoter > detractor ? 1 : promoter == detractor ? 0.5 : 0 }
        }
        return wins / Double(promoters.count * detractors.count)
    }

    /// The labelled comments of the tests' fixture, score and text.
    static let labelled: [(score: Int, text: String)] = {
        let file = TestSite.fixtures.appendingPathComponent("sentiment/labelled.tsv")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2, let score = Int(fields[0]) else { return nil }
            return (score, String(fields[1]))
        }
    }()

    /// The sample site's NPS comments with their scores (`content/responses/` of the repository).
    static func sampleComments() throws -> [(score: Int, text: String)] {
        let folder = TestSite.fixtures.appendingPathComponent("../../../content/responses").standardized
        var comments: [(score: Int, text: String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".csv") {
            var reader = try #require(CSVReader(path: folder.appendingPathComponent(name).path))
            _ = try reader.next()
            let header = (0..<reader.record.count).map { reader.record.string($0) }
            let (metric, score, comment) = try (
                #require(header.firstIndex(of: "metric")), #require(header.firstIndex(of: "score")), #require(header.firstIndex(of: "comment"))
            )
            while try reader.next() {
                guard reader.record.string(metric) == "nps", let value = Int(reader.record.string(score)) else { continue }
                let text = reader.record.string(comment)
                if !text.isEmpty { comments.append((value, text)) }
            }
        }
        return comments
    }

    @Test func theCustomerExperienceLayerReadsPricesWaitsAndFailuresAsCustomersMeanThem() {
        for text in [
            "Premium increase at renewal", "Stop raising prices for loyal customers", "Kept on hold, then cut off",
            "The engineer never turned up", "Charged twice", "Still waiting for my refund",
        ] {
            #expect(lexicon.polarity(of: text) <= -SentimentLexicon.neutralBand, "\(text): \(lexicon.polarity(of: text))")
        }
        for text in ["Fixed first time", "Called back when they said they would", "Quick and painless"] {
            #expect(lexicon.polarity(of: text) >= SentimentLexicon.neutralBand, "\(text): \(lexicon.polarity(of: text))")
        }
        // A phrase is words one after another in one sentence.
        #expect(lexicon.polarity(of: "Put it on. Hold the line") > lexicon.polarity(of: "Put it on hold"))
    }

    /// How well sentiment tells detractors' comments from promoters' (docs/themes.md reports
    /// both): on the labelled set and on the sample site, the layer reads the scores better
    /// than VADER alone.
    @Test func sentimentSeparatesDetractorsFromPromoters() throws {
        let vader = SentimentLexicon(parsing: BuiltinData.files["sentiment/vader_lexicon.txt"] ?? "")
        #expect(Self.labelled.count == 80)
        let labelled = (layered: Self.separation(lexicon, Self.labelled), vader: Self.separation(vader, Self.labelled))
        #expect(labelled.layered >= 0.95 && labelled.layered > labelled.vader, "AUC \(labelled)")
        let sample = try Self.sampleComments()
        let onSample = (layered: Self.separation(lexicon, sample), vader: Self.separation(vader, sample))
        #expect(onSample.layered >= 0.9 && onSample.layered > onSample.vader, "AUC on the sample: \(onSample), \(sample.count)")
    }
}
