import Foundation

extension ResponseAggregator {
    /// Running totals of one file, one block per metric and period, with the segments and
    /// touchpoints as arrays: a row costs one integer lookup, not a hash per group.
    struct Tally {
        struct Block {
            let metric: SurveyMetric
            let period: Period
            var all = ResponseTotals()
            var segments: [ResponseTotals] = []
            var touchpoints: [ResponseTotals]
            /// The three levels: responses naming neither journey nor touchpoint, those naming
            /// a touchpoint, and those naming only a journey, by journey.
            var relationship = ResponseTotals()
            var transactional = ResponseTotals()
            var journeys: [ResponseTotals]
            /// The responses mentioning each theme, overall (touchpoint −1) and per touchpoint.
            var themes: [ThemeSlot: ResponseTotals] = [:]
            var phrases = PhraseCounts()
            /// NPS responses whose score and words disagree.
            var mismatches = ScoreWordMismatches()
        }

        struct ThemeSlot: Hashable {
            var theme: Int
            var touchpoint: Int
        }

        var blocks: [Block] = []
        var index: [Int: Int] = [:]
        var last: (key: Int, block: Int) = (-1, -1)

        mutating func block(_ metric: SurveyMetric, _ period: Period, touchpoints: Int, journeys: Int) -> Int {
            let key = (period.year * 13 + period.index) * 3 + (metric == .nps ? 0 : metric == .csat ? 1 : 2)
            if key == last.key { return last.block }
            let found =
                index[key]
                ?? {
                    blocks.append(
                        Block(
                            metric: metric, period: period,
                            touchpoints: Array(repeating: ResponseTotals(), count: touchpoints),
                            journeys: Array(repeating: ResponseTotals(), count: journeys)))
                    index[key] = blocks.count - 1
                    return blocks.count - 1
                }()
            last = (key, found)
            return found
        }

        func wantsComment(_ block: Int, _ segment: Int?, _ touchpoint: Int?, from date: Day, text: UnsafeBufferPointer<UInt8>) -> Bool {
            let current = blocks[block]
            return current.all.wouldKeepComment(from: date, text: text)
                || segment.map { $0 >= current.segments.count || current.segments[$0].wouldKeepComment(from: date, text: text) } ?? false
                || touchpoint.map { current.touchpoints[$0].wouldKeepComment(from: date, text: text) } ?? false
        }

        func wantsThemeComment(_ block: Int, theme: Int, touchpoint: Int?, from date: Day, text: UnsafeBufferPointer<UInt8>) -> Bool {
            let themes = blocks[block].themes
            return themes[ThemeSlot(theme: theme, touchpoint: -1)]?.wouldKeepComment(from: date, text: text) ?? true
                || touchpoint.map { themes[ThemeSlot(theme: theme, touchpoint: $0)]?.wouldKeepComment(from: date, text: text) ?? true } ?? false
        }

        /// A response whose comment mentions `theme`: its newest comments are kept whatever the score.
        mutating func addTheme(
            _ theme: Int, _ score: Int, weight: Double, to block: Int, touchpoint: Int?, comment: ResponseComment?,
            sentiment: Double?
        ) {
            let metric = blocks[block].metric
            for place in [-1] + (touchpoint.map { [$0] } ?? []) {
                blocks[block].themes[ThemeSlot(theme: theme, touchpoint: place), default: ResponseTotals()]
                    .add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
        }

        mutating func add(
            _ score: Int, weight: Double, to block: Int, segment: Int?, touchpoint: Int?, journey: Int?,
            comment: ResponseComment?, sentiment: Double?
        ) {
            let metric = blocks[block].metric
            blocks[block].all.add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            if touchpoint != nil {
                blocks[block].transactional.add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            } else if let journey {
                blocks[block].journeys[journey].add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            } else {
                blocks[block].relationship.add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
            if let segment {
                while blocks[block].segments.count <= segment { blocks[block].segments.append(ResponseTotals()) }
                blocks[block].segments[segment].add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
            if let touchpoint {
                blocks[block].touchpoints[touchpoint].add(score, metric: metric, weight: weight, comment: comment, sentiment: sentiment)
            }
        }
    }

    /// Segment names to numbers, in order of first appearance; nil for an empty name. Sites
    /// have a handful of segments, so a scan of their bytes beats hashing a new string per row.
    /// The segments of a file, each name once, by a number; found by a hash of its bytes, so
    /// that a lookup costs the same however many names there are.
    struct Interner {
        var bytes: [[UInt8]] = []
        var names: [String] = []
        var byHash: [UInt64: [Int]] = [:]

        enum Lookup {
            case empty
            case found(Int)
            case full
        }

        /// The number of `name`, added when new unless there are `limit` names already.
        mutating func id(_ name: UnsafeBufferPointer<UInt8>, limit: Int) -> Lookup {
            guard !name.isEmpty else { return .empty }
            // A site's few segments are compared at once: cheaper than a hash for each row.
            if bytes.count <= 8, let id = bytes.firstIndex(where: { $0.elementsEqual(name) }) { return .found(id) }
            var hasher = StableHasher()
            hasher.combine(bytes: UnsafeRawBufferPointer(name))
            let hash = hasher.finalize()
            if bytes.count > 8, let id = byHash[hash]?.first(where: { bytes[$0].elementsEqual(name) }) { return .found(id) }
            guard names.count < limit else { return .full }
            bytes.append(Array(name))
            names.append(String(decoding: name, as: UTF8.self))
            byHash[hash, default: []].append(names.count - 1)
            return .found(names.count - 1)
        }
    }
}
