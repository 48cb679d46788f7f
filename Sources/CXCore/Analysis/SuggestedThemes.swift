import Foundation

/// A phrase that sets detractors' comments apart from promoters' in a period, which no theme
/// names yet: a theme someone may want to follow (docs/themes.md).
struct SuggestedTheme: Sendable {
    let period: Period
    let phrase: String
    /// The weighted log-odds ratio's z-score, detractors against promoters.
    let z: Double
    let detractors: Int
    let promoters: Int

    /// The prior's total pseudo-count, spread over the phrases by their share of all phrases
    /// of the period (both groups): the informative Dirichlet prior.
    static let priorTotal = 500.0
    /// The fewest detractors' comments a suggestion needs…
    static let minimumMentions = 5
    /// …and the least share of them: a phrase rarer than this is not a theme to follow yet.
    static let minimumShare = 0.005
    /// Suggestions per period.
    static let shown = 10
    /// A longer phrase replaces a shorter one it contains when its z is at least this share
    /// of the shorter one's.
    static let longerPhraseShare = 0.6

    /// Each period's suggestions: phrases in at least ``minimumMentions`` detractors' comments
    /// (and ``minimumShare`` of them) that set detractors apart from promoters, as a
    /// Benjamini–Hochberg family over every phrase tested at false discovery rate
    /// ``Scorecard/falseDiscoveryRate``; not a number, and neither matched by a theme nor part of
    /// a theme's phrase. The strongest first, and a phrase whose words a stronger one already
    /// has left out.
    static func all(_ phrases: [Period: PhraseCounts], themes: ThemeCatalog) -> [SuggestedTheme] {
        phrases.keys.sorted().flatMap { period in suggestions(phrases[period]!, period: period, themes: themes) }
    }

    private static func suggestions(_ counts: PhraseCounts, period: Period, themes: ThemeCatalog) -> [SuggestedTheme] {
        let totalA = Double(counts.detractorTotal)
        let totalB = Double(counts.promoterTotal)
        guard totalA > 0, totalB > 0 else { return [] }
        let all = totalA + totalB
        let fewest = max(minimumMentions, Int((minimumShare * Double(counts.detractorComments)).rounded(.up)))
        let tested = counts.all.filter { $0.detractors >= fewest && !isNumber($0.text) }.map { count in
            let prior = priorTotal * Double(count.detractors + count.promoters) / all
            let z = SurveyStatistics.logOddsZ(
                a: Double(count.detractors), b: Double(count.promoters), totalA: totalA, totalB: totalB,
                prior: prior, priorTotal: priorTotal)
            return SuggestedTheme(period: period, phrase: count.text, z: z, detractors: count.detractors, promoters: count.promoters)
        }
        // One-sided: a suggestion is a phrase of detractors.
        let found = SurveyStatistics.benjaminiHochberg(tested.map { erfc($0.z / 2.0.squareRoot()) / 2 }, q: Scorecard.falseDiscoveryRate)
        let scored = zip(tested, found).filter(\.1).map(\.0).sorted { ($1.z, $0.phrase) < ($0.z, $1.phrase) }
        var chosen: [(SuggestedTheme, Set<UInt64>)] = []
        for suggestion in scored
        where themes.matcher.themes(in: suggestion.phrase).isEmpty && !themes.matcher.isInsideAPhrase(suggestion.phrase) {
            let words = Set(ThemeWords.words(suggestion.phrase))
            // A longer phrase that says nearly as much replaces the words it contains
            // ("customer service" for "service"); a shorter one than a chosen phrase adds nothing.
            let shorter = chosen.indices.filter { chosen[$0].1.isStrictSubset(of: words) }
            if !shorter.isEmpty {
                // It replaces every chosen phrase it contains, in the place of the first.
                if shorter.allSatisfy({ suggestion.z >= longerPhraseShare * chosen[$0].0.z }) {
                    chosen[shorter[0]] = (suggestion, words)
                    for index in shorter.dropFirst().reversed() { chosen.remove(at: index) }
                }
                continue
            }
            if chosen.contains(where: { words.isSubset(of: $0.1) }) { continue }
            if chosen.count < shown { chosen.append((suggestion, words)) }
        }
        return chosen.map(\.0).sorted { ($1.z, $0.phrase) < ($0.z, $1.phrase) }
    }

    /// A phrase with a word that has no letter in it ("38", "£12.50", "24/7") counts rather
    /// than names.
    static func isNumber(_ phrase: String) -> Bool {
        phrase.split(whereSeparator: { $0 == " " || $0 == "-" }).contains { !$0.contains(where: \.isLetter) }
    }
}
