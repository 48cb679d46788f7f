@testable import CXCore
import Testing

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
        ("The engineer was not great", -1),                       // negation turns it
        ("Nobody was helpful", -1),                                // …from three words away too
        ("The router arrived on Tuesday", 0),                      // no word of feeling
        ("", 0),
        ("The install was fine but the bill was wrong", -1),       // what follows "but" weighs more
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
        let plain = lexicon.polarity(of: "good"), very = lexicon.polarity(of: "very good"), slightly = lexicon.polarity(of: "slightly good")
        #expect(very > plain && plain > slightly && slightly > 0)
        #expect(lexicon.polarity(of: "very bad") < lexicon.polarity(of: "bad"))
    }

    @Test func aSitesOwnLexiconReplacesTheBuiltInOne() {
        let own = SentimentLexicon(parsing: "outage\t-3\nswift\t2.5\n:-)\t2\nnot a number\tx\n")
        #expect(own.polarity(of: "Another outage") < 0 && own.polarity(of: "A swift fix") > 0)
        #expect(own.polarity(of: "great") == 0)  // only its own words
    }
}
