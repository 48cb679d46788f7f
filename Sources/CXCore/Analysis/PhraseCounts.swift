/// In how many detractors' and promoters' comments each phrase of one to three words occurs
/// in a period: what the suggested themes are found from (docs/themes.md). Counted while the
/// responses stream, with a bounded vocabulary; a phrase said twice in one comment counts once.
struct PhraseCounts: Sendable, Codable, Equatable {
    /// A phrase's counts, with its text as first written, lower-cased.
    struct Count: Sendable, Equatable {
        var text: String
        var detractors = 0
        var promoters = 0
    }

    /// A phrase as the table keeps it: its counts and where its text is in `texts`. Plain
    /// numbers, so that growing, merging and pruning a table of a hundred thousand phrases
    /// copies and frees no strings (their reference counts were a tenth of reading comments).
    private struct Entry: Sendable {
        var textStart: Int
        var textEnd: Int
        var detractors = 0
        var promoters = 0

        var seen: Int { detractors + promoters }
    }

    /// By the hash of the phrase's stemmed words.
    private var entries = WordTable<Entry>()
    /// The phrases' texts, end to end.
    private var texts: [UInt8] = []
    /// All phrases counted in each group.
    var detractorTotal = 0
    var promoterTotal = 0
    /// The comments counted in each group.
    var detractorComments = 0
    var promoterComments = 0

    /// The most phrases kept per period: past it, the least counted are dropped (``prune()``).
    static let capacity = 100_000
    static let longest = 3

    /// This table's capacity: ``capacity``, or a smaller one a test gives.
    var capacity = PhraseCounts.capacity

    /// The number of phrases counted.
    var phraseCount: Int { entries.count }

    /// Every phrase with its counts, in no particular order.
    var all: [Count] { entries.map { count($0.value) } }

    /// Sets the counts and text of the phrase whose words hash to `hash`.
    mutating func insert(_ count: Count, for hash: UInt64) {
        let start = texts.count
        texts += count.text.utf8
        entries.insert(Entry(textStart: start, textEnd: texts.count, detractors: count.detractors, promoters: count.promoters), for: hash)
    }

    private func count(_ entry: Entry) -> Count {
        Count(
            text: String(decoding: texts[entry.textStart..<entry.textEnd], as: UTF8.self), detractors: entry.detractors,
            promoters: entry.promoters)
    }

    /// Counts the phrases of a comment by a detractor or a promoter: every run of one to three
    /// words that neither starts nor ends with a stop word.
    mutating func add(comment bytes: UnsafeBufferPointer<UInt8>, detractor: Bool) {
        add(ThemeWords.tokens(in: bytes), of: bytes, detractor: detractor)
    }

    /// The same with the comment's stemmed words at hand.
    /// A phrase with a contact detail in it (`masking` finds one) is not counted.
    mutating func add(
        _ tokens: [ThemeWords.Token], of bytes: UnsafeBufferPointer<UInt8>, detractor: Bool, masking: ContactMasking = ContactMasking()
    ) {
        let stopWords = StopWords.hashes  // once a comment, not once a word
        if detractor { detractorComments += 1 } else { promoterComments += 1 }
        // Once a comment: how many people say a phrase, not how often one person does. The
        // comment's phrases are gathered, sorted by hash and counted once each, first
        // occurrence first: n log n in the comment's length.
        withUnsafeTemporaryAllocation(of: (hash: UInt64, start: Int, end: Int).self, capacity: tokens.count * Self.longest) {
            found in
            var foundCount = 0
            for start in tokens.indices where !stopWords.contains(tokens[start].word) {
                var hash = Self.hashSeed
                for end in start..<min(start + Self.longest, tokens.count) {
                    if end > start, !tokens[end].followsOn { break }
                    hash = (hash ^ tokens[end].word) &* Self.hashPrime
                    guard !stopWords.contains(tokens[end].word) else { continue }
                    found[foundCount] = (hash, start, end)
                    foundCount += 1
                }
            }
            var gathered = UnsafeMutableBufferPointer(rebasing: found[..<foundCount])
            gathered.sort { ($0.hash, $0.start) < ($1.hash, $1.start) }
            for index in gathered.indices where index == 0 || gathered[index - 1].hash != gathered[index].hash {
                let phrase = gathered[index]
                count(
                    phrase.hash, tokens[phrase.start].range.lowerBound..<tokens[phrase.end].range.upperBound, of: bytes,
                    detractor: detractor, masking: masking)
            }
        }
        if entries.count > capacity { prune() }
    }

    /// The counts of `phrase`: its words hashed as a comment's are; zero when not counted.
    func count(of phrase: String) -> Count {
        var text = phrase
        let hash = text.withUTF8 { bytes in
            ThemeWords.tokens(in: bytes).reduce(Self.hashSeed) { ($0 ^ $1.word) &* Self.hashPrime }
        }
        return entries[hash].map(count) ?? Count(text: phrase)
    }

    /// FNV-1a's offset basis and prime, over a phrase's stemmed words.
    private static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let hashPrime: UInt64 = 0x100_0000_01b3

    private mutating func count(
        _ hash: UInt64, _ range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>, detractor: Bool, masking: ContactMasking
    ) {
        if !entries.contains(hash) {
            let phrase = UnsafeBufferPointer(rebasing: bytes[range])
            let start = texts.count
            ValueNames.appendFolded(phrase, to: &texts)
            // Only digits can make a contact detail of words joined by spaces and hyphens.
            if phrase.contains(where: { $0 >= 0x30 && $0 <= 0x39 }),
                masking.masked(String(decoding: texts[start...], as: UTF8.self)).count > 0
            {
                texts.removeSubrange(start...)
                return
            }
            entries.insert(Entry(textStart: start, textEnd: texts.count), for: hash)
        }
        entries.modify(hash) { entry in
            if detractor { entry.detractors += 1 } else { entry.promoters += 1 }
        }
        if detractor { detractorTotal += 1 } else { promoterTotal += 1 }
    }

    /// Drops the least counted phrases until at most half the capacity remain: those seen
    /// once first (a phrase seen once cannot become a suggestion), then those seen twice, and so
    /// on. Keeping only half means a prune, which reads every phrase, comes at most once every
    /// `capacity / 2` new phrases, so the work per comment stays bounded however the comments
    /// repeat (keeping every phrase seen twice pruned after every comment once that many were).
    /// The kept phrases' texts are copied together, leaving the dropped ones' behind.
    private mutating func prune() {
        var phrasesSeen: [Int: Int] = [:]  // by how often seen
        for (_, entry) in entries { phrasesSeen[entry.seen, default: 0] += 1 }
        var kept = entries.count
        var dropped = 0  // phrases seen this often or less are dropped
        for (seen, number) in phrasesSeen.sorted(by: { $0.key < $1.key }) where kept > capacity / 2 {
            dropped = seen
            kept -= number
        }
        var table = entries.keeping { $0.seen > dropped }
        var compacted: [UInt8] = []
        for (hash, entry) in table {
            let start = compacted.count
            compacted += texts[entry.textStart..<entry.textEnd]
            table.modify(hash) {
                $0.textStart = start
                $0.textEnd = compacted.count
            }
        }
        (entries, texts) = (table, compacted)
    }

    mutating func merge(_ other: PhraseCounts) {
        // The smaller table into the larger (``WordTable/keeping(_:)``); this one's text first.
        let thisIsLarger = entries.count >= other.entries.count
        var merged = thisIsLarger ? entries : other.entries
        var mergedTexts = thisIsLarger ? texts : other.texts
        let (smaller, smallerTexts) = thisIsLarger ? (other.entries, other.texts) : (entries, texts)
        merged.reserveCapacity(entries.count + other.entries.count)
        for (hash, entry) in smaller {
            let held = merged[hash]
            var sum = held ?? entry
            if held != nil {
                sum.detractors += entry.detractors
                sum.promoters += entry.promoters
            }
            if held == nil || !thisIsLarger {  // the smaller's text: new, or this one's
                sum.textStart = mergedTexts.count
                mergedTexts += smallerTexts[entry.textStart..<entry.textEnd]
                sum.textEnd = mergedTexts.count
            }
            merged.insert(sum, for: hash)
        }
        (entries, texts) = (merged, mergedTexts)
        detractorTotal += other.detractorTotal
        promoterTotal += other.promoterTotal
        detractorComments += other.detractorComments
        promoterComments += other.promoterComments
        if entries.count > capacity { prune() }
    }

    static func == (left: PhraseCounts, right: PhraseCounts) -> Bool {
        (left.detractorTotal, left.promoterTotal, left.detractorComments, left.promoterComments)
            == (right.detractorTotal, right.promoterTotal, right.detractorComments, right.promoterComments)
            && left.entries.count == right.entries.count
            && left.entries.allSatisfy { hash, entry in right.entries[hash].map(right.count) == left.count(entry) }
    }

    // In the build cache, the phrases are three lists (hashes, counts two words a phrase,
    // texts), not a structure each: decoding a hundred thousand structures through
    // `Codable`'s containers was a fifth of reading a rebuild's cached response totals.
    private enum CodingKeys: String, CodingKey {
        case hashes, counts, texts, detractorTotal, promoterTotal, detractorComments, promoterComments
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let hashes = try container.decode([UInt64].self, forKey: .hashes)
        let counts = try container.decode([UInt64].self, forKey: .counts)
        let phraseTexts = try container.decode([String].self, forKey: .texts)
        guard counts.count == 2 * hashes.count, phraseTexts.count == hashes.count else {
            throw DecodingError.dataCorruptedError(forKey: .counts, in: container, debugDescription: "the phrase lists differ in length")
        }
        entries.reserveCapacity(hashes.count)
        for (index, hash) in hashes.enumerated() {
            let count = Count(
                text: phraseTexts[index], detractors: Int(Int64(bitPattern: counts[2 * index])),
                promoters: Int(Int64(bitPattern: counts[2 * index + 1])))
            insert(count, for: hash)
        }
        detractorTotal = try container.decode(Int.self, forKey: .detractorTotal)
        promoterTotal = try container.decode(Int.self, forKey: .promoterTotal)
        detractorComments = try container.decode(Int.self, forKey: .detractorComments)
        promoterComments = try container.decode(Int.self, forKey: .promoterComments)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let sorted = entries.sorted { $0.key < $1.key }
        try container.encode(sorted.map(\.key), forKey: .hashes)
        try container.encode(
            sorted.flatMap { [UInt64(bitPattern: Int64($0.value.detractors)), UInt64(bitPattern: Int64($0.value.promoters))] },
            forKey: .counts)
        try container.encode(sorted.map { count($0.value).text }, forKey: .texts)
        try container.encode(detractorTotal, forKey: .detractorTotal)
        try container.encode(promoterTotal, forKey: .promoterTotal)
        try container.encode(detractorComments, forKey: .detractorComments)
        try container.encode(promoterComments, forKey: .promoterComments)
    }
}

/// Short English function words, and words of time and filler that say nothing on their own,
/// which a phrase neither starts nor ends with.
enum StopWords {
    static let words = """
        a about above after again against all am an and any are as at be because been before being below between both but by \
        can could did do does doing down during each few for from further had has have having he her here hers him his how \
        i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own \
        same she should so some such than that the their them then there these they this those through to too under until up \
        very was we were what when where which while who whom why will with would you your yours yourself also get got go \
        going one two three still even ever really much many i'm i've it's don't didn't can't won't wasn't isn't you're \
        we're they're that's there's \
        day days week weeks month months year years today yesterday time times hour hours minute minutes ago \
        thing things something anything everything nothing lot bit said told asked went came say ok okay yes \
        please thanks thank etc signed another soon gave give put getting doesn't haven't hasn't couldn't wouldn't \
        shouldn't aren't weren't i'd i'll we've you've they've
        """
    static let hashes = {
        var table = WordTable(words: words.split(whereSeparator: { $0 == " " || $0 == "\n" }).flatMap { ThemeWords.words(String($0)) })
        table.spreadForMisses()
        return table
    }()
}
