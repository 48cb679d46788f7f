/// Words as themes compare them: lower-cased, split at anything that is not a letter, a digit
/// or an apostrophe inside a word, and stemmed lightly so that simple plurals and inflections
/// meet ("charge", "charges", "charged", "charging" are one word). Works on UTF-8 bytes and
/// names each word by a 64-bit hash, so tagging a million comments allocates no strings.
enum ThemeWords {
    /// The stemmed words of `text`, as hashes, in order.
    static func words(_ text: String) -> [UInt64] {
        var text = text
        return text.withUTF8 { words(in: $0) }
    }

    static func words(in bytes: UnsafeBufferPointer<UInt8>) -> [UInt64] {
        tokens(in: bytes).map(\.word)
    }

    /// A word of a text: its stemmed hash, where it stands, and whether only spaces or
    /// hyphens part it from the word before (a phrase does not run across a comma or a full stop).
    struct Token {
        /// The stemmed word's hash.
        let word: UInt64
        /// The word's hash as written, lower-cased: what the sentiment lexicon keys.
        let plain: UInt64
        let range: Range<Int>
        let followsOn: Bool
    }

    /// The stemmed hashes of words met before, by their hash as written: most words of a
    /// comment are words earlier comments had, and stemming each again was a sixth of reading
    /// them. Holds at most `limit` words.
    struct Stems {
        fileprivate var known = WordTable<UInt64>()
        fileprivate let limit: Int

        init(limit: Int = 1 << 16) { self.limit = limit }
    }

    /// The words of `bytes`, in order.
    static func tokens(in bytes: UnsafeBufferPointer<UInt8>) -> [Token] {
        var stems = Stems(limit: 0)
        return tokens(in: bytes, stems: &stems)
    }

    /// The words of `bytes`, in order, stemmed once a word over all the texts `stems` serves.
    static func tokens(in bytes: UnsafeBufferPointer<UInt8>, stems: inout Stems) -> [Token] {
        var words: [Token] = []
        words.reserveCapacity(bytes.count / 4 + 1)  // one allocation, not one each time it doubles
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var start = 0
        var index = 0
        var broken = false
        func flush() {
            while word.last == UInt8(ascii: "'") { word.removeLast() }
            if !word.isEmpty {
                let plain = hash(word)
                let stemmed: UInt64
                if let known = stems.known[plain] {
                    stemmed = known
                } else {
                    stem(&word)
                    stemmed = hash(word)
                    if stems.known.count < stems.limit { stems.known.insert(stemmed, for: plain) }
                }
                words.append(Token(word: stemmed, plain: plain, range: start..<index, followsOn: !broken && !words.isEmpty))
                broken = false
            }
            word.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            var byte = bytes[index]
            // ’ (U+2019) is an apostrophe too.
            if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0x99 {
                if !word.isEmpty { word.append(UInt8(ascii: "'")) }
                index += 3
                continue
            }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            let isWordByte =
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte >= 0x80
            if isWordByte {
                if word.isEmpty { start = index }
                word.append(byte)
            } else if byte == UInt8(ascii: "'"), !word.isEmpty {
                word.append(byte)
            } else {
                flush()
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "-") && byte != UInt8(ascii: "\t") { broken = true }
            }
            index += 1
        }
        flush()
        return words
    }

    /// A light English stemmer: drops a possessive, plural and past or present endings and a
    /// final e, keeping at least three letters. Not Porter's: it must only make the forms of
    /// one word meet, and never two different words.
    static func stem(_ word: [UInt8]) -> [UInt8] {
        var w = word
        stem(&w)
        return w
    }

    /// ``stem(_:)`` in place, without allocating: it runs on every word of every comment.
    static func stem(_ w: inout [UInt8]) {
        // Literal suffixes, not arrays in statics: a static is checked for its lazy
        // initialisation on every use, 5% of tagging a million comments under `perf`.
        func ends(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            let start = w.count - count
            guard start > 0 else { return false }
            for offset in 0..<count where w[start + offset] != suffix.utf8Start[offset] { return false }
            return true
        }
        func drop(_ count: Int, keeping minimum: Int = 3) -> Bool {
            guard w.count - count >= minimum else { return false }
            w.removeLast(count)
            return true
        }
        if ends("'s") { w.removeLast(2) } else if w.last == UInt8(ascii: "'") { w.removeLast() }
        // Each ending below ends in s, d or g: a word that ends otherwise is checked for none.
        if w.last == UInt8(ascii: "s") {
            if ends("ies"), drop(3) {
                w.append(UInt8(ascii: "y"))
            } else if ends("sses") || ends("shes") || ends("ches") || ends("xes") || ends("zes") {
                _ = drop(2)
            } else if !ends("ss"), !ends("us"), !ends("is") {
                _ = drop(1)
            }
        }
        if w.last == UInt8(ascii: "d") {
            if ends("ied"), drop(3) {
                w.append(UInt8(ascii: "y"))
            } else if ends("eed") {
                w.removeLast()  // agreed → agree: the e is the word's
            } else if ends("ed"), drop(2) {
                undouble(&w)
            }
        } else if w.last == UInt8(ascii: "g"), ends("ing"), drop(3) {
            undouble(&w)
        }
        if w.last == UInt8(ascii: "e"), w.count > 4 { w.removeLast() }
    }

    /// "stopp" → "stop", "bill" stays: a doubled final consonant left by -ed or -ing, except l,
    /// s and z, which English doubles in the word itself.
    private static func undouble(_ w: inout [UInt8]) {
        guard w.count >= 4, let last = w.last, last == w[w.count - 2] else { return }
        if "aeioulsz".utf8.contains(last) { return }
        w.removeLast()
    }

    /// FNV-1a, 64 bits.
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { ResponseLink.hash($0) }
    }
}

/// The themes of `content/themes.yaml`, ready to tag text: which themes a comment mentions.
struct ThemeMatcher: Sendable {
    /// A phrase of a theme, as stemmed words.
    private struct Phrase: Sendable {
        let theme: Int
        let words: [UInt64]
        let excludes: Bool
    }

    /// The phrases by their first word.
    private let phrases: WordTable<[Phrase]>
    let count: Int

    /// `themes` in order: each theme's match phrases and exclusions.
    init(_ themes: [(match: [String], exclude: [String])]) {
        var phrases = WordTable<[Phrase]>()
        for (index, theme) in themes.enumerated() {
            for (texts, excludes) in [(theme.match, false), (theme.exclude, true)] {
                for text in texts {
                    let words = ThemeWords.words(text)
                    guard let first = words.first else { continue }
                    phrases.insert((phrases[first] ?? []) + [Phrase(theme: index, words: words, excludes: excludes)], for: first)
                }
            }
        }
        phrases.spreadForMisses()
        self.phrases = phrases
        count = themes.count
    }

    /// Whether `text`'s words run inside one of a theme's match phrases ("hold" inside "on
    /// hold"): a phrase a theme already names in part.
    func isInsideAPhrase(_ text: String) -> Bool {
        let words = ThemeWords.words(text)
        guard !words.isEmpty else { return false }
        return phrases.values.joined().contains { phrase in
            !phrase.excludes && phrase.words.count >= words.count
                && (0...phrase.words.count - words.count).contains { phrase.words[$0..<$0 + words.count].elementsEqual(words) }
        }
    }

    /// The themes `text` mentions, by index, in order: a theme whose match phrases occur in
    /// it, as whole words, and none of whose exclusions do.
    func themes(in text: String) -> [Int] {
        themes(inWords: ThemeWords.words(text))
    }

    func themes(in bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        themes(inWords: ThemeWords.words(in: bytes))
    }

    /// The themes a text mentions, from its stemmed words.
    func themes(in tokens: [ThemeWords.Token]) -> [Int] {
        guard !phrases.isEmpty else { return [] }
        return themes(inWords: tokens.map(\.word))
    }

    private func themes(inWords words: [UInt64]) -> [Int] {
        guard !phrases.isEmpty, !words.isEmpty else { return [] }
        var matched: [Int] = []
        var excluded: [Int] = []
        for start in words.indices {
            guard let candidates = phrases[words[start]] else { continue }
            for phrase in candidates
            where start + phrase.words.count <= words.count
                && words[start..<start + phrase.words.count].elementsEqual(phrase.words)
            {
                if phrase.excludes { excluded.append(phrase.theme) } else { matched.append(phrase.theme) }
            }
        }
        return Set(matched).subtracting(excluded).sorted()
    }
}
