import Foundation
import TestSupport
import Testing

@testable import CXCore

/// Themes: which comments mention them, and what they cost.
struct ThemeTests {
    @Test(arguments: [
        ["charge", "charges", "charged", "charging", "Charge"],
        ["bill", "bills", "billed", "BILLS"],
        ["stop", "stops", "stopped", "stopping"],
        ["run", "runs", "running"],
        ["agree", "agrees", "agreed"],
        ["company", "companies"],
        ["box", "boxes"],
        ["process", "processes"],
        ["customer", "customers", "customer's", "customers'", "customer’s"],
    ])
    func inflectionsOfAWordMeet(_ forms: [String]) {
        let words = Set(forms.map { ThemeWords.words($0) })
        #expect(words.count == 1, "\(forms)")
    }

    @Test(arguments: [("bill", "billion"), ("bill", "bile"), ("card", "cart"), ("hold", "holder"), ("late", "latest"), ("us", "use")])
    func differentWordsStayApart(_ a: String, _ b: String) {
        #expect(ThemeWords.words(a) != ThemeWords.words(b))
    }

    /// Words stemmed once and remembered by their hash as written come out as when each text
    /// is read alone: over random texts, with the remembered words shared between them and
    /// with a memory too small to hold them all.
    @Test(arguments: [65_536, 3])
    func rememberedStemsGiveTheWordsOfATextAlone(limit: Int) {
        var random = SeededGenerator(state: 7)
        let pieces = [
            "Charges", "charged", "charging", "it's", "don’t", "O'Brien'", "'quoted'", "ÉCOLE", "café", ",", ".", " ", "-", "\t", "12",
            "stopped", "agreed", "bills", "’", "customers'",
        ]
        var stems = ThemeWords.Stems(limit: limit)
        for _ in 0..<300 {
            var text = (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            text.withUTF8 { bytes in
                let alone = ThemeWords.tokens(in: bytes)
                let remembered = ThemeWords.tokens(in: bytes, stems: &stems)
                #expect(alone.map(\.word) == remembered.map(\.word), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
                #expect(alone.map(\.plain) == remembered.map(\.plain) && alone.map(\.range) == remembered.map(\.range))
                #expect(alone.map(\.followsOn) == remembered.map(\.followsOn))
            }
        }
    }

    private let matcher = ThemeMatcher([
        (match: ["on hold", "queue"], exclude: ["no queue"]),  // 0: waits
        (match: ["charged twice", "double charged"], exclude: []),  // 1: double charges
        (match: ["didn't expect that"], exclude: []),  // 2: pleasant surprise
    ])

    @Test(arguments: [
        ("Kept ON HOLD for an hour.", [0]),
        ("I was held on the hold line", []),  // the words, but not the phrase
        ("Queues, queues, queues.", [0]),  // plural
        ("There was no queue at all", []),  // an exclusion rules the theme out
        ("On hold, then charged twice!", [0, 1]),  // a comment may mention several themes
        ("I've been double-charged", [1]),  // a hyphen is a word break
        ("A credit, I didn’t expect that.", [2]),  // a curly apostrophe is an apostrophe
        ("onhold", []),  // whole words only
        ("", []),
    ])
    func aCommentMentionsTheThemesWhosePhrasesItContains(_ text: String, _ themes: [Int]) {
        #expect(matcher.themes(in: text) == themes)
    }

    @Test func aThemesImpactIsEveryonesNPSMinusTheNPSWithoutItsMentions() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write(
            "content/themes.yaml",
            """
            themes:
              - id: hold
                name: Hold music
                touchpoint: billing
                match: [on hold]

            """)
        // Q3: 20 detractors who were kept on hold, 50 promoters and 30 passives without a word.
        var csv = "date,metric,score,touchpoint,comment\n"
        for index in 0..<100 {
            let (score, comment) = index < 20 ? (2, "Kept on hold for ages") : index < 70 ? (10, "") : (8, "Fine")
            csv += "2026-08-01,nps,\(score),\(index < 10 ? "billing" : ""),\(comment)\n"
        }
        try site.write("content/responses/r.csv", csv)
        try site.append("cxsite.yaml", "min_n: 10\n")
        try site.build()
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: site.output.appendingPathComponent("scorecard.json")))
        let themes = try #require((json as? [String: Any])?["themes"] as? [[String: Any]])
        let hold = try #require(themes.first { $0["metric"] as? String == "nps" && $0["period"] as? String == "2026-Q3" })
        // Everyone: 100 × (50 − 20)/100 = +30; without the 20: 100 × 50/80 = +62.5.
        #expect(hold["mentions"] as? Int == 20)
        #expect(ResponseTests.number(hold["share"]) == 0.4)  // 20 of the 50 comments
        #expect(ResponseTests.number(hold["value_with"]) == -100 && ResponseTests.number(hold["value_without"]) == 62.5)
        #expect(ResponseTests.number(hold["impact"]) == -32.5)
        #expect(hold["suppressed"] as? Bool == false)
        let page = try site.page("themes/index.html")
        #expect(page.contains(#"<a href="../themes/hold.html">Hold music</a>"#) && page.contains("−32.5"))
        #expect(try site.page("themes/hold.html").contains("Kept on hold for ages"))
        // The Q3 briefing names it behind the number; billing's page, where 10 mentions were, too.
        #expect(
            try site.page("briefings/q3.html").contains(
                #"<a href="../themes/hold.html">Hold music</a> <span class="count">−32.5 NPS, 20 mentions</span>"#))
        #expect(try site.page("touchpoints/billing.html").contains(#"<a href="../themes/hold.html">Hold music</a> <span class="count">10 mentions"#))
        // Below min_n mentions, no impact is shown as a finding.
        try site.write(
            "cxsite.yaml",
            try String(contentsOf: site.folder.appendingPathComponent("cxsite.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "min_n: 10\n", with: "min_n: 21\n"))
        try site.build()
        #expect(try site.page("themes/index.html").contains("too few mentions (n\u{00A0}=\u{00A0}20)"))
        #expect(!(try site.page("briefings/q3.html")).contains("themes/hold.html"))
    }

    @Test func theLogOddsZScoreOfAWord() {
        // 20 of 1,000 detractor words, 2 of 1,500 promoter words; prior 500 × 22/2,500 = 4.4.
        let z = SurveyStatistics.logOddsZ(a: 20, b: 2, totalA: 1000, totalB: 1500, prior: 4.4, priorTotal: 500)
        #expect(abs(z - 3.690894) < 1e-6)
        // Said as often by both, relative to their totals: no difference.
        #expect(abs(SurveyStatistics.logOddsZ(a: 10, b: 15, totalA: 1000, totalB: 1500, prior: 5, priorTotal: 500)) < 1e-9)
    }

    @Test func phrasesAreOneToThreeWordsNotEdgedByStopWordsNorRunningAcrossPunctuation() {
        var counts = PhraseCounts()
        var text = "Kept on hold for ages. Nobody called back"
        text.withUTF8 { counts.add(comment: $0, detractor: true) }
        let phrases = Set(counts.all.map(\.text))
        #expect(
            phrases == [
                "kept", "kept on hold", "hold", "hold for ages", "ages", "nobody", "nobody called", "nobody called back",
                "called", "called back", "back",
            ])
        #expect(counts.detractorTotal == phrases.count && counts.promoterTotal == 0)
    }

    /// Comments whose phrases each come twice filled the table with phrases seen twice: past
    /// its capacity it was filtered whole after every comment (50,000 rows took 146 s), and
    /// every newer phrase was dropped before it could be seen again. A prune keeps half the
    /// capacity, so newer phrases are counted and the work per comment does not grow with the
    /// capacity: four times the capacity over the same comments costs about the same, not 4×.
    @Test func commentsThatEachComeTwiceAreCountedAtABoundedCostEach() {
        let comments = (0..<16_000).map { "word\($0 / 2)a word\($0 / 2)b word\($0 / 2)c" }
        func count(capacity: Int) -> PhraseCounts {
            var counts = PhraseCounts()
            counts.capacity = capacity
            for var comment in comments { comment.withUTF8 { counts.add(comment: $0, detractor: true) } }
            return counts
        }
        let counted = count(capacity: 2_000)
        #expect(counted.phraseCount <= 2_000)
        #expect(counted.all.contains { $0.text == "word7999a word7999b word7999c" && $0.detractors == 2 })
        #expect(LinearCost.growth(from: 1_000, below: 2, input: { $0 }, { _ = count(capacity: $0) }) < 2)
    }

    /// Comments counted in two tables and merged count as in one, whichever table is the
    /// larger; a phrase written two ways keeps the text of the table merged into, and text
    /// outside ASCII is lower-cased as Swift lower-cases it.
    @Test func phraseCountsMergedEqualThoseCountedTogether() {
        var random = SeededGenerator(state: 11)
        let words = ["Charged", "charges", "twice", "ÉCOLE", "Café", "refund", "late", "engineer", "never", "came", "router"]
        let comments = (0..<400).map { _ in
            (
                text: (0..<Int.random(in: 1...6, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " "),
                detractor: Bool.random(using: &random)
            )
        }
        func counted(_ comments: ArraySlice<(text: String, detractor: Bool)>) -> PhraseCounts {
            var counts = PhraseCounts()
            for comment in comments {
                var text = comment.text
                text.withUTF8 { counts.add(comment: $0, detractor: comment.detractor) }
            }
            return counts
        }
        let whole = counted(comments[...])
        for split in [50, 200, 350] {
            var merged = counted(comments[..<split])
            merged.merge(counted(comments[split...]))
            #expect(merged == whole, "split at \(split)")
        }
        #expect(whole.all.contains { $0.text == "école" } && !whole.all.contains { $0.text.contains("É") })
        var first = Self.counts([("Charged twice", 1, true)])
        first.merge(Self.counts([("charges twice", 3, true)]))
        #expect(first.count(of: "charged twice") == PhraseCounts.Count(text: "charged twice", detractors: 4))
        var larger = Self.counts([("charges twice", 3, true)])
        larger.merge(Self.counts([("Charged twice", 1, true)]))
        #expect(larger.count(of: "charged twice") == PhraseCounts.Count(text: "charges twice", detractors: 4))
    }

    /// The phrases of each comment, given so many times, by a detractor or a promoter.
    private static func counts(_ comments: [(text: String, times: Int, detractor: Bool)]) -> PhraseCounts {
        var counts = PhraseCounts()
        for comment in comments {
            var text = comment.text
            for _ in 0..<comment.times { text.withUTF8 { counts.add(comment: $0, detractor: comment.detractor) } }
        }
        return counts
    }

    @Test func aSuggestionIsAPhraseThatSetsDetractorsApartAndNoThemeNames() throws {
        let counts = Self.counts([
            ("The router keeps dropping", 30, true), ("Kept on hold", 20, true), ("Great engineer visit", 40, false),
            ("The router is great", 10, false),
        ])
        let period = Period(year: 2026, index: 3, kind: .quarter)
        let themes = ThemeCatalog(themes: [CommentTheme(id: "hold", name: "Hold", touchpoint: nil, match: ["on hold"], exclude: [])])
        let suggestions = SuggestedTheme.all([period: counts], themes: themes)
        // "keeps dropping" says nearly what "dropping" does, and more; "router" is said by both;
        // a phrase the hold theme matches is left out.
        let phrases = suggestions.map(\.phrase)
        #expect(phrases.contains("keeps dropping") || phrases.contains("router keeps dropping"))
        #expect(!phrases.contains("router") && !phrases.contains("great engineer visit"))
        #expect(!phrases.contains("kept on hold"))  // the hold theme matches it
        #expect(!phrases.contains("hold"))  // a piece of the hold theme's phrase
        #expect(suggestions.allSatisfy { $0.z >= 1.96 && $0.detractors >= SuggestedTheme.minimumMentions })
        #expect(suggestions.map(\.z) == suggestions.map(\.z).sorted(by: >))
    }

    @Test func aPhraseCountsOnceACommentAndANumberIsNoSuggestion() throws {
        let counts = Self.counts([("Refund, refund, refund: charged 38 twice for 24/7 support", 200, true), ("Lovely people", 200, false)])
        #expect(counts.all.first { $0.text == "refund" }?.detractors == 200)
        #expect(counts.detractorComments == 200 && counts.promoterComments == 200)
        let phrases = SuggestedTheme.all([Period(year: 2026, index: 3, kind: .quarter): counts], themes: ThemeCatalog(themes: [])).map(\.phrase)
        #expect(phrases.contains("refund") && phrases.contains("charged"), "\(phrases)")
        #expect(!phrases.contains { SuggestedTheme.isNumber($0) })
        #expect(SuggestedTheme.isNumber("38") && SuggestedTheme.isNumber("£12.50 fee") && !SuggestedTheme.isNumber("5g signal"))
    }

    @Test func aLongerPhraseReplacesEveryChosenPhraseItContains() {
        var counts = PhraseCounts()
        (counts.detractorTotal, counts.promoterTotal, counts.detractorComments) = (2_000, 2_000, 1_000)
        for (hash, text, detractors) in [(1, "customer service", 60), (2, "service lets", 52), (3, "customer service lets", 50)]
            as [(UInt64, String, Int)]
        {
            counts.insert(PhraseCounts.Count(text: text, detractors: detractors, promoters: 2), for: hash)
        }
        let phrases = SuggestedTheme.all([Period(year: 2026, index: 3, kind: .quarter): counts], themes: ThemeCatalog(themes: [])).map(\.phrase)
        #expect(phrases == ["customer service lets"])
    }

    /// Sites whose detractors and promoters write from the same words, but for a planted one:
    /// among hundreds of phrases tried, chance alone makes no suggestion in more than 5% of
    /// them, while the planted phrase is found. z ≥ 1.96 on each phrase alone suggested about
    /// ten phrases a site.
    @Test func suggestionsAreControlledForThePhrasesTried() throws {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let vocabulary: [String] = (0..<400).map { index in String(["w", letters[index % 26], letters[index / 26], "x"]) }
        var sitesWithNoise = 0
        var plantedFound = 0
        let sites = 40
        for seed in 0..<sites {
            var random = SeededGenerator(state: UInt64(seed) &* 7919)
            var counts = PhraseCounts()
            for detractor in [true, false] {
                for _ in 0..<300 {
                    var words = (0..<10).map { _ in vocabulary[Int.random(in: 0..<vocabulary.count, using: &random)] }
                    if Double.random(in: 0..<1, using: &random) < (detractor ? 0.15 : 0.02) { words.append("tariff") }
                    var text = words.joined(separator: ". ")  // single words: the full stops end each phrase
                    text.withUTF8 { counts.add(comment: $0, detractor: detractor) }
                }
            }
            let phrases = SuggestedTheme.all([Period(year: 2026, index: 3, kind: .quarter): counts], themes: ThemeCatalog(themes: [])).map(\.phrase)
            if phrases.contains(where: { $0 != "tariff" }) { sitesWithNoise += 1 }
            if phrases.contains("tariff") { plantedFound += 1 }
        }
        #expect(sitesWithNoise <= 4, "\(sitesWithNoise) of \(sites) sites suggested a phrase chance made")
        #expect(plantedFound >= sites * 9 / 10, "the planted phrase was found in \(plantedFound) of \(sites) sites")
    }

    @Test func aStoryNamesItsThemesInFrontMatterAndAnUnknownOneIsALocatedError() throws {
        let site = try TestSite(fixture: "basic")
        defer { site.cleanUp() }
        try site.write("content/themes.yaml", "themes:\n  - id: waits\n    name: Waits\n    match: [on hold]\n")
        let story = try String(contentsOf: site.folder.appendingPathComponent("content/stories/fast-install.md"), encoding: .utf8)
        try site.write("content/stories/fast-install.md", story.replacingOccurrences(of: "\ntitle:", with: "\nthemes: [waits]\ntitle:"))
        try site.build()
        // Named, though its text never says "on hold".
        #expect(try site.page("themes/waits.html").contains(#"href="../stories/fast-install.html""#))
        try site.write("content/stories/fast-install.md", story.replacingOccurrences(of: "\ntitle:", with: "\nthemes: [waits, queues]\ntitle:"))
        let errors = site.buildErrors().filter(\.isError).map { "\($0.location!.path):\($0.location!.line):\($0.location!.column): \($0.message)" }
        #expect(errors == ["content/stories/fast-install.md:2:17: unknown theme 'queues': content/themes.yaml has waits"])
    }

    @Test func onlyTheNewestThreeDifferentCommentsOfAThemeAreKept() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        var csv = "date,metric,score,comment\n"
        for day in 1...28 { for _ in 0..<40 { csv += "2026-08-\(day < 10 ? "0" : "")\(day),nps,9,Queue day \(day)\n" } }
        try Data(csv.utf8).write(to: url)
        let config = SiteConfig(title: "T", period: .quarter, touchpoints: [], metrics: MetricDefinition.builtIn, allowsRawHTML: false, baseURL: nil)
        var catalog = ThemeCatalog(themes: [CommentTheme(id: "queue", name: "Queues", touchpoint: nil, match: ["queue"], exclude: [])])
        catalog = ThemeCatalog(themes: catalog.themes, hash: 1)
        let (aggregates, diagnostics, _) = ResponseAggregator(config: config, themes: catalog).aggregate(
            [("content/responses/r.csv", url)], now: Clock.test.instant)
        #expect(diagnostics.isEmpty)
        let totals = try #require(aggregates.themeTotals.values.first)
        #expect(totals.n == 28 * 40)
        #expect(totals.recentComments.map(\.text) == ["Queue day 28", "Queue day 27", "Queue day 26"])
    }
}
