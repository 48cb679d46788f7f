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
    /// The fewest detractor mentions a suggestion needs.
    static let minimumMentions = 5
    /// Suggestions per period.
    static let shown = 10
    /// A longer phrase replaces a shorter one it contains when its z is at least this share
    /// of the shorter one's.
    static let longerPhraseShare = 0.6

    /// Each period's suggestions: phrases said by detractors far more than by promoters
    /// (z ≥ 1.96), at least ``minimumMentions`` times, that no theme's phrases match; the
    /// strongest first, and a phrase whose words a stronger one already has left out.
    static func all(_ phrases: [Period: PhraseCounts], themes: ThemeCatalog) -> [SuggestedTheme] {
        phrases.keys.sorted().flatMap { period in suggestions(phrases[period]!, period: period, themes: themes) }
    }

    private static func suggestions(_ counts: PhraseCounts, period: Period, themes: ThemeCatalog) -> [SuggestedTheme] {
        let totalA = Double(counts.detractorTotal)
        let totalB = Double(counts.promoterTotal)
        guard totalA > 0, totalB > 0 else { return [] }
        let all = totalA + totalB
        let scored = counts.phrases.values.compactMap { count -> SuggestedTheme? in
            guard count.detractors >= minimumMentions else { return nil }
            let prior = priorTotal * Double(count.detractors + count.promoters) / all
            let z = SurveyStatistics.logOddsZ(
                a: Double(count.detractors), b: Double(count.promoters), totalA: totalA, totalB: totalB,
                prior: prior, priorTotal: priorTotal)
            guard z >= SurveyStatistics.z95 else { return nil }
            return SuggestedTheme(period: period, phrase: count.text, z: z, detractors: count.detractors, promoters: count.promoters)
        }.sorted { ($1.z, $0.phrase) < ($0.z, $1.phrase) }
        var chosen: [(SuggestedTheme, Set<UInt64>)] = []
        for suggestion in scored where themes.matcher.themes(in: suggestion.phrase).isEmpty {
            let words = Set(ThemeWords.words(suggestion.phrase))
            // A longer phrase that says nearly as much replaces the words it contains
            // ("customer service" for "service"); a shorter one than a chosen phrase adds nothing.
            if let shorter = chosen.firstIndex(where: { $0.1.isStrictSubset(of: words) }) {
                if suggestion.z >= longerPhraseShare * chosen[shorter].0.z { chosen[shorter] = (suggestion, words) }
                continue
            }
            if chosen.contains(where: { words.isSubset(of: $0.1) }) { continue }
            if chosen.count < shown { chosen.append((suggestion, words)) }
        }
        return chosen.map(\.0).sorted { ($1.z, $0.phrase) < ($0.z, $1.phrase) }
    }
}
