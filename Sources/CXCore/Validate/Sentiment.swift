/// The polarity of a text, from −1 (angry) to 1 (delighted), by a lexicon and rules after
/// VADER (Hutto & Gilbert 2014; docs/themes.md): each word's valence from the lexicon, turned
/// by a negation among the three words before it, raised or lowered by an intensifier or a
/// softener, and weighed half before a "but" and half again after it; the sum is normalised
/// to −1…1.
struct SentimentLexicon: Sendable {
    /// Valence from −4 to 4, by the hash of the lower-cased word.
    private let valences: [UInt64: Double]

    /// VADER's lexicon, embedded from `data/sentiment/`.
    static let builtIn = SentimentLexicon(parsing: BuiltinData.files["sentiment/vader_lexicon.txt"] ?? "")
    /// A site's own lexicon, replacing the built-in one.
    static let sitePath = "content/sentiment-lexicon.txt"

    /// Reads lines of a word and its valence, tab-separated (further columns ignored); lines
    /// that are not (emoticons, several words, no number) are skipped.
    init(parsing text: String) {
        var valences: [UInt64: Double] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2, let valence = Double(fields[1].trimmingCharacters(in: .whitespaces)), valence.isFinite else { continue }
            let words = Self.words(String(fields[0]))
            if words.count == 1 { valences[words[0]] = max(-4, min(4, valence)) }
        }
        self.valences = valences
    }

    var isEmpty: Bool { valences.isEmpty }

    /// A text's words as the lexicon keys them: lower-cased, not stemmed.
    private static func words(_ text: String) -> [UInt64] {
        var text = text
        return text.withUTF8 { ThemeWords.tokens(in: $0, stemmed: false).map(\.word) }
    }

    /// Below this, a text reads negative; above its opposite, positive (VADER's thresholds).
    static let neutralBand = 0.05

    func polarity(of text: String) -> Double {
        var text = text
        return text.withUTF8 { polarity(in: $0) }
    }

    func polarity(in bytes: UnsafeBufferPointer<UInt8>) -> Double {
        let words = ThemeWords.tokens(in: bytes, stemmed: false).map(\.word)
        guard !words.isEmpty else { return 0 }
        let lastBut = words.lastIndex(of: Self.but)
        var sum = 0.0
        for (index, word) in words.enumerated() {
            guard var valence = valences[word], !Self.modifiers.contains(word) else { continue }
            // An intensifier or a softener up to three words before, weaker the further away.
            for (distance, decay) in [(1, 1.0), (2, 0.95), (3, 0.9)] where index - distance >= 0 {
                let before = words[index - distance]
                if Self.boosters.contains(before) { valence += (valence > 0 ? 1 : -1) * Self.boost * decay }
                if Self.softeners.contains(before) { valence -= (valence > 0 ? 1 : -1) * Self.boost * decay }
            }
            if words[max(0, index - 3)..<index].contains(where: Self.negations.contains) { valence *= Self.negationScale }
            if let lastBut { valence *= index < lastBut ? 0.5 : index > lastBut ? 1.5 : 1 }
            sum += valence
        }
        return max(-1, min(1, sum / (sum * sum + Self.normalisation).squareRoot()))
    }

    // VADER's constants.
    private static let boost = 0.293
    private static let negationScale = -0.74
    private static let normalisation = 15.0

    private static func set(_ text: String) -> Set<UInt64> { Set(text.split(separator: " ").flatMap { words(String($0)) }) }
    private static let but = words("but")[0]
    private static let negations = set("""
        not no never nobody nothing none neither nor without nowhere cannot isn't wasn't aren't weren't don't doesn't didn't \
        can't couldn't won't wouldn't shouldn't hasn't haven't hadn't ain't mustn't needn't
        """)
    private static let boosters = set("very really extremely so totally absolutely incredibly completely utterly hugely especially particularly truly too")
    private static let softeners = set("slightly somewhat barely marginally fairly partly")
    /// Words that turn others and carry no valence of their own here.
    private static let modifiers = boosters.union(softeners).union(negations)
}

/// A response whose score and words disagree: a promoter (9–10) whose comment reads angry, or
/// a detractor (0–6) whose comment reads warm. Worth reading: one of the two is not the whole story.
enum Mismatch: Sendable {
    case angryPromoter, warmDetractor

    /// How far from neutral a comment must read to disagree with its score.
    static let strength = 0.5

    init?(score: Int, polarity: Double) {
        if score >= 9, polarity <= -Self.strength {
            self = .angryPromoter
        } else if score <= 6, polarity >= Self.strength {
            self = .warmDetractor
        } else {
            return nil
        }
    }
}

/// The NPS responses of a period whose score and words disagree: how many, and the newest few.
struct ScoreWordMismatches: Sendable, Codable, Equatable {
    var angryPromoters = ResponseTotals()
    var warmDetractors = ResponseTotals()

    subscript(kind: Mismatch) -> ResponseTotals {
        get { kind == .angryPromoter ? angryPromoters : warmDetractors }
        set { if kind == .angryPromoter { angryPromoters = newValue } else { warmDetractors = newValue } }
    }

    mutating func merge(_ other: ScoreWordMismatches) {
        angryPromoters.merge(other.angryPromoters)
        warmDetractors.merge(other.warmDetractors)
    }
}
