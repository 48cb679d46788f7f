/// What a change of a headline value is split by (docs/metrics.md, "Why the score moved").
enum ChangeDimension: String, Sendable, Codable, CaseIterable {
    case theme, segment, touchpoint, journey
}

/// The responses of one metric, period and level split into groups, for splitting a change
/// into contributions: by segment, journey or theme, for everyone or within one segment.
/// `id` is the group's (a segment's name, a journey's or theme's id), nil for the responses
/// in none of them.
struct SplitKey: Hashable, Sendable, Codable {
    var metric: SurveyMetric
    var period: Period
    /// `.all`, `.relationship` or `.transactional`: the levels a headline can show.
    var level: Scorecard.Group
    /// The segment the split is within; nil for everyone.
    var segment: String?
    var by: ChangeDimension
    var id: String?
}

extension ResponseAggregator.Tally {
    /// The levels a headline can show, in the order a block keeps their splits.
    static let splitLevels: [Scorecard.Group] = [.all, .relationship, .transactional]

    /// One level's responses split by segment, by journey and by theme, and each segment's by
    /// theme. A response mentioning several themes counts in each with an equal part of its
    /// weight, so that the groups add up to everyone (docs/metrics.md).
    struct LevelSplits {
        var segments = Split()
        var journeys = Split()
        var themes = Split()
        var segmentThemes: [Split] = []
    }

    /// Responses in numbered groups, and those in none.
    struct Split {
        var groups: [ResponseTotals] = []
        var none = ResponseTotals()
        var isEmpty: Bool { none.n == 0 && groups.allSatisfy { $0.n == 0 } }

        mutating func add(_ score: Int, metric: SurveyMetric, weight: Double, to group: Int?) {
            guard let group else { return none.add(score, metric: metric, weight: weight) }
            while groups.count <= group { groups.append(ResponseTotals()) }
            groups[group].add(score, metric: metric, weight: weight)
        }

        mutating func add(_ score: Int, metric: SurveyMetric, weight: Double, themes: [Int]) {
            guard !themes.isEmpty else { return none.add(score, metric: metric, weight: weight) }
            let part = weight / Double(themes.count)
            for theme in themes { add(score, metric: metric, weight: part, to: theme) }
        }

        /// Its groups as split keys' totals, named by `name`, for `key` with `id` to be set.
        func entries(_ key: SplitKey, name: (Int) -> String) -> [(SplitKey, ResponseTotals)] {
            guard !isEmpty else { return [] }
            var entries: [(SplitKey, ResponseTotals)] = []
            var key = key
            for (index, totals) in groups.enumerated() where totals.n > 0 {
                key.id = name(index)
                entries.append((key, totals))
            }
            key.id = nil
            if none.n > 0 { entries.append((key, none)) }
            return entries
        }
    }

    /// Counts a response in the splits of the levels it belongs to: everyone's, and the
    /// relationship's (no touchpoint, no journey) or all touchpoints' (a touchpoint).
    mutating func split(
        _ score: Int, weight: Double, to block: Int, segment: Int?, touchpoint: Int?, journey: Int?, themes: [Int]
    ) {
        let metric = blocks[block].metric
        let levels = touchpoint != nil ? [0, 2] : journey == nil ? [0, 1] : [0]
        for level in levels {
            blocks[block].splits[level].segments.add(score, metric: metric, weight: weight, to: segment)
            if level != 1 { blocks[block].splits[level].journeys.add(score, metric: metric, weight: weight, to: journey) }
            blocks[block].splits[level].themes.add(score, metric: metric, weight: weight, themes: themes)
            if let segment {
                while blocks[block].splits[level].segmentThemes.count <= segment { blocks[block].splits[level].segmentThemes.append(Split()) }
                blocks[block].splits[level].segmentThemes[segment].add(score, metric: metric, weight: weight, themes: themes)
            }
        }
    }
}

extension ResponseAggregator.Tally.Block {
    /// Its splits as totals by key; `segment` and `theme` name the numbered groups.
    func splitEntries(segment: (Int) -> String, theme: (Int) -> String, journey: (Int) -> String) -> [(SplitKey, ResponseTotals)] {
        var entries: [(SplitKey, ResponseTotals)] = []
        for (level, splits) in zip(ResponseAggregator.Tally.splitLevels, splits) {
            let key = SplitKey(metric: metric, period: period, level: level, segment: nil, by: .segment, id: nil)
            entries += splits.segments.entries(key, name: segment)
            entries += splits.journeys.entries(SplitKey(metric: metric, period: period, level: level, by: .journey), name: journey)
            entries += splits.themes.entries(SplitKey(metric: metric, period: period, level: level, by: .theme), name: theme)
            for (number, split) in splits.segmentThemes.enumerated() {
                entries += split.entries(
                    SplitKey(metric: metric, period: period, level: level, segment: segment(number), by: .theme), name: theme)
            }
        }
        return entries
    }
}
