import Foundation

/// The polarity of a text, from −1 (angry) to 1 (delighted), by a lexicon and rules after
/// VADER (Hutto & Gilbert 2014; docs/themes.md): each word's or phrase's valence from the
/// lexicon (VADER's, with a layer of customer-experience words and phrases over it), turned
/// by a negation among the three words before it, raised or lowered by an intensifier or a
/// softener, and weighed half before a "but" and half again after it; the sum is normalised
/// to −1…1.
struct SentimentLexicon: Sendable {
    /// What the lexicon knows of each word it names, by the hash of the lower-cased word: one
    /// lookup a word of a comment, not one a list (valences, modifiers, phrases' first words).
    private var classes = WordTable<WordClass>()
    /// Phrases of two or three words (``phraseHash(_:)``), by their first word.
    private var phrases = WordTable<[(length: Int, hash: UInt64, valence: Double)]>()
    /// Whether some line gave a single word its valence.
    private(set) var hasWordValences = false

    /// A word's valence from −4 to 4 (nil for a word that turns others: it has none here), and
    /// what the word does to those after it.
    private struct WordClass: Sendable {
        var valence: Double?
        var startsPhrase = false
        var boosts = false
        var softens = false
        var negates = false
    }

    /// VADER's lexicon with the customer-experience layer over it, embedded from `data/sentiment/`.
    static let builtIn = SentimentLexicon(
        parsing: BuiltinData.files["sentiment/vader_lexicon.txt"] ?? "", BuiltinData.files["sentiment/cx_lexicon.txt"] ?? "")
    /// A site's own lexicon, replacing the built-in one.
    static let sitePath = "content/sentiment-lexicon.txt"

    /// Reads lines of a word or a phrase of two or three words and its valence, tab-separated
    /// (further columns ignored); lines that are not (emoticons, longer phrases, no number) are
    /// skipped. A later text's entries replace an earlier one's.
    /// Reads the bytes directly: every build reads the lexicon (7,500 lines), so no line
    /// becomes a string.
    init(parsing texts: String...) {
        for text in texts { read(text) }
        for (words, flag) in [(Self.boosterWords, \WordClass.boosts), (Self.softenerWords, \.softens), (Self.negationWords, \.negates)] {
            for word in Self.words(words) {
                var wordClass = classes[word] ?? WordClass()
                wordClass.valence = nil
                wordClass[keyPath: flag] = true
                classes.insert(wordClass, for: word)
            }
        }
        classes.spreadForMisses()
    }

    private mutating func read(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                let lineEnd = Self.index(of: UInt8(ascii: "\n"), in: bytes, lineStart..<bytes.count) ?? bytes.count
                defer { lineStart = lineEnd + 1 }
                guard let tab = Self.index(of: UInt8(ascii: "\t"), in: bytes, lineStart..<lineEnd) else { continue }
                let valueEnd = Self.index(of: UInt8(ascii: "\t"), in: bytes, (tab + 1)..<lineEnd) ?? lineEnd
                guard let number = Self.number(UnsafeBufferPointer(rebasing: bytes[(tab + 1)..<valueEnd])) else { continue }
                let valence = max(-4, min(4, number))
                let words = ThemeWords.tokens(in: UnsafeBufferPointer(rebasing: bytes[lineStart..<tab]))
                // Words of the whole key, one after another: emoticons are not words a comment has.
                let covered = words.map { $0.range.count }.reduce(0, +) + words.count - 1
                guard covered == tab - lineStart, words.dropFirst().allSatisfy(\.followsOn) else { continue }
                switch words.count {
                case 1:
                    var wordClass = classes[words[0].plain] ?? WordClass()
                    wordClass.valence = valence
                    classes.insert(wordClass, for: words[0].plain)
                    hasWordValences = true
                case 2...Self.longestPhrase:
                    let hash = Self.phraseHash(words.map(\.plain))
                    var sameStart = phrases[words[0].plain] ?? []
                    sameStart.removeAll { $0.hash == hash }
                    sameStart.append((words.count, hash, valence))
                    sameStart.sort { $0.length > $1.length }  // the longest match first
                    phrases.insert(sameStart, for: words[0].plain)
                    var wordClass = classes[words[0].plain] ?? WordClass()
                    wordClass.startsPhrase = true
                    classes.insert(wordClass, for: words[0].plain)
                default: continue
                }
            }
        }
    }

    static let longestPhrase = 3

    /// Where `byte` first is in `range` of `bytes`: `memchr`, as the built-in lexicon's
    /// thousands of lines are read at every start, and a slice's search is slow unoptimised.
    private static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard let base = bytes.baseAddress, !range.isEmpty,
            let found = memchr(base + range.lowerBound, Int32(byte), range.count)
        else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The key of a phrase from its words' hashes.
    private static func phraseHash(_ words: some Sequence<UInt64>) -> UInt64 {
        words.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ $1) &* 0x100_0000_01b3 }
    }

    /// A decimal such as `-1.5` or `2`; nil for anything else.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let trimmed = RowBytes.trimmed(bytes)
        guard !trimmed.isEmpty, trimmed.count < 32 else { return nil }
        var negative = false
        var value = 0.0
        var scale = 0.0
        var digits = 0
        var index = 0
        if trimmed[0] == UInt8(ascii: "-") || trimmed[0] == UInt8(ascii: "+") {
            negative = trimmed[0] == UInt8(ascii: "-")
            index = 1
        }
        while index < trimmed.count {
            let byte = trimmed[index]
            if byte == UInt8(ascii: "."), scale == 0 {
                scale = 1
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                value = value * 10 + Double(byte - UInt8(ascii: "0"))
                if scale > 0 { scale *= 10 }
                digits += 1
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        let result = scale > 0 ? value / scale : value
        return negative ? -result : result
    }

    var isEmpty: Bool { !hasWordValences }

    /// A text's words as the lexicon keys them: lower-cased, not stemmed.
    private static func words(_ text: String) -> [UInt64] {
        var text = text
        return text.withUTF8 { ThemeWords.tokens(in: $0).map(\.plain) }
    }

    /// Below this, a text reads negative; above its opposite, positive (VADER's thresholds).
    static let neutralBand = 0.05

    func polarity(of text: String) -> Double {
        var text = text
        return text.withUTF8 { polarity(in: $0) }
    }

    func polarity(in bytes: UnsafeBufferPointer<UInt8>) -> Double {
        polarity(of: ThemeWords.tokens(in: bytes))
    }

    /// The polarity of a text from its words.
    func polarity(of tokens: [ThemeWords.Token]) -> Double {
        guard !tokens.isEmpty else { return 0 }
        let but = Self.but
        let lastBut = tokens.lastIndex { $0.plain == but }
        return withUnsafeTemporaryAllocation(of: WordClass?.self, capacity: tokens.count) { wordClasses in
            for index in tokens.indices { wordClasses.initializeElement(at: index, to: classes[tokens[index].plain]) }
            defer { wordClasses.deinitialize() }
            var sum = 0.0
            var index = 0
            var clauseStart = 0  // words turn others only within a clause: not across a comma or a full stop
            while index < tokens.count {
                if !tokens[index].followsOn { clauseStart = index }
                var length = 1
                defer { index += length }
                guard let wordClass = wordClasses[index] else { continue }
                let phrase =
                    wordClass.startsPhrase
                    ? phrases[tokens[index].plain]?.first { phrase in
                        index + phrase.length <= tokens.count && tokens[index + 1..<index + phrase.length].allSatisfy(\.followsOn)
                            && Self.phraseHash(tokens[index..<index + phrase.length].lazy.map(\.plain)) == phrase.hash
                    } : nil
                if let phrase { length = phrase.length }
                guard var valence = phrase?.valence ?? wordClass.valence else { continue }
                // An intensifier or a softener up to three words before, weaker the further away.
                var negated = false
                for distance in 1...3 where index - distance >= clauseStart {
                    guard let before = wordClasses[index - distance] else { continue }
                    let decay = distance == 1 ? 1.0 : distance == 2 ? 0.95 : 0.9
                    if before.boosts { valence += (valence > 0 ? 1 : -1) * Self.boost * decay }
                    if before.softens { valence -= (valence > 0 ? 1 : -1) * Self.boost * decay }
                    negated = negated || before.negates
                }
                if negated { valence *= Self.negationScale }
                if let lastBut { valence *= index < lastBut ? 0.5 : index > lastBut ? 1.5 : 1 }
                sum += valence
            }
            return max(-1, min(1, sum / (sum * sum + Self.normalisation).squareRoot()))
        }
    }

    // VADER's constants.
    private static let boost = 0.293
    private static let negationScale = -0.74
    private static let normalisation = 15.0

    private static let negationWords = """
        not no never nobody nothing none neither nor without nowhere cannot isn't wasn't aren't weren't don't doesn't didn't \
        can't couldn't won't wouldn't shouldn't hasn't haven't hadn't ain't mustn't needn't
        """
    private static let boosterWords =
        "very really extremely so totally absolutely incredibly completely utterly hugely especially particularly truly too"
    private static let softenerWords = "slightly somewhat barely marginally fairly partly"
    private static let but = words("but")[0]
}

/// A response whose score and words disagree: a promoter (9–10) whose comment reads angry, or
/// a detractor (0–6) whose comment reads warm. Worth reading: one of the two is not the whole story.
enum Mismatch: Sendable {
    case angryPromoter, warmDetractor

    /// How far from neutral a comment must read to disagree with its score.
    static let strength = 0.5

    init?(score: Int, polarity: Double) {
        let band = NPSBand(score: score)
        if band == .promoter, polarity <= -Self.strength {
            self = .angryPromoter
        } else if band == .detractor, polarity >= Self.strength {
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
