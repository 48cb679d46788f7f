import Diagnostics
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
            /// The levels a headline can show, split for why a score moved, in
            /// ``splitLevels``' order.
            var splits = Array(repeating: LevelSplits(), count: splitLevels.count)
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

    /// The segments of a file, each by a number in order of first appearance. Values are
    /// matched in any case; where the site declares segments, to a segment's id or name (or the
    /// mapping's `values:`), and the segment is known by its id. A value is found by a hash of its
    /// folded bytes, so a lookup costs the same however many there are.
    struct SegmentNames {
        /// The group each number stands for: a declared segment's id, or the value as first written.
        private(set) var names: [String] = []
        private var nameBytes: [[UInt8]] = []
        /// Each value seen, folded to lower case, and its number.
        private var folded: [[UInt8]] = []
        private var numbers: [Int] = []
        private var byHash: [UInt64: [Int]] = [:]
        private var scratch: [UInt8] = []
        /// The first spellings met, byte for byte, end to end, with where each ends and its
        /// number: a row written as an earlier one is found without folding its case.
        private var spellingBytes: [UInt8] = []
        private var spellingEnds: [Int] = []
        private var spellingNumbers: [Int] = []
        private static let spellingsKept = 16
        private let declared: [Segment]
        private let declaredNames: ValueNames
        /// Values written in another case than the name they were read as, by number: warned about.
        private var otherSpellings: [(value: String, name: String, line: Int)] = []
        /// Values not declared, where the site declares segments: warned about.
        private var undeclared: [(value: String, line: Int)] = []
        private var undeclaredMore = 0

        enum Lookup {
            case empty
            case found(Int)
            case full
        }

        init(declared: [Segment], values: [(value: String, means: String)]) {
            self.declared = declared
            let mapped = values.compactMap { pair in declared.firstIndex { $0.id == pair.means }.map { (pair.value, $0) } }
            declaredNames = ValueNames(
                mapped + declared.enumerated().map { ($1.id, $0) } + declared.enumerated().map { ($1.name, $0) })
        }

        /// The number of the segment `name` (trimmed) is, added when new unless there are
        /// `limit` segments already.
        mutating func id(_ name: UnsafeBufferPointer<UInt8>, limit: Int, line: Int) -> Lookup {
            guard !name.isEmpty else { return .empty }
            if let number = spelledAsBefore(name) { return .found(number) }
            let lookup = foldedLookup(name, limit: limit, line: line)
            if case .found(let number) = lookup, spellingNumbers.count < Self.spellingsKept {
                spellingBytes += name
                spellingEnds.append(spellingBytes.count)
                spellingNumbers.append(number)
            }
            return lookup
        }

        /// The number of a value spelled byte for byte as one of the first met.
        private func spelledAsBefore(_ name: UnsafeBufferPointer<UInt8>) -> Int? {
            spellingBytes.withUnsafeBufferPointer { bytes in
                var start = 0
                for (index, end) in spellingEnds.enumerated() {
                    defer { start = end }
                    if end - start == name.count, memcmp(bytes.baseAddress! + start, name.baseAddress!, name.count) == 0 {
                        return spellingNumbers[index]
                    }
                }
                return nil
            }
        }

        /// ``id(_:limit:line:)`` for a spelling not met before: by its case-folded bytes.
        private mutating func foldedLookup(_ name: UnsafeBufferPointer<UInt8>, limit: Int, line: Int) -> Lookup {
            ValueNames.fold(name, into: &scratch)
            if let index = find(scratch) {
                let number = numbers[index]
                if declared.isEmpty, otherSpellings.count < 20, !nameBytes[number].elementsEqual(name),
                    !otherSpellings.contains(where: { $0.value.utf8.elementsEqual(name) })
                {
                    otherSpellings.append((String(decoding: name, as: UTF8.self), names[number], line))
                }
                return .found(number)
            }
            var canonical = String(decoding: name, as: UTF8.self)
            if !declared.isEmpty {
                if let segment = declaredNames.find(name) {
                    canonical = declared[segment].id
                } else if undeclared.count < 20 {
                    undeclared.append((canonical, line))
                } else {
                    undeclaredMore += 1
                }
            }
            let number: Int
            if let existing = names.firstIndex(of: canonical) {
                number = existing
            } else {
                guard names.count < limit else { return .full }
                names.append(canonical)
                nameBytes.append(Array(canonical.utf8))
                number = names.count - 1
            }
            folded.append(scratch)
            numbers.append(number)
            byHash[Self.hash(scratch), default: []].append(folded.count - 1)
            return .found(number)
        }

        private func find(_ key: [UInt8]) -> Int? {
            // A site's few segments are compared at once: cheaper than a hash for each row.
            if folded.count <= 8 { return folded.firstIndex(of: key) }
            return byHash[Self.hash(key)]?.first { folded[$0] == key }
        }

        private static func hash(_ bytes: [UInt8]) -> UInt64 {
            var hasher = StableHasher()
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            return hasher.finalize()
        }

        /// A warning for each value written in another case than its segment's first, and,
        /// where segments are declared, for each value that is none of them.
        func warnings(path: String) -> [Diagnostic] {
            var warnings = otherSpellings.map { spelling in
                Diagnostic(
                    .warning,
                    "segment '\(spelling.value)' is read as '\(spelling.name)': values that differ only in case are one segment",
                    at: SourceLocation(path: path, line: spelling.line, column: 1))
            }
            let choices = ValueNames(declared.map { ($0.name, 0) } + declared.map { ($0.id, 0) })
            warnings += undeclared.map { value in
                let close = choices.closest(to: value.value).map { " (did you mean '\($0)'?)" } ?? ""
                return Diagnostic(
                    .warning,
                    "segment '\(value.value)' is not declared in cxsite.yaml\(close): it is shown as a segment of its own; "
                        + "declare it under 'segments', or map it under the segment column's 'values'",
                    at: SourceLocation(path: path, line: value.line, column: 1))
            }
            if undeclaredMore > 0, let last = undeclared.last {
                warnings.append(
                    Diagnostic(
                        .warning, "\(undeclaredMore) more segment values are not declared in cxsite.yaml",
                        at: SourceLocation(path: path, line: last.line, column: 1)))
            }
            return warnings
        }
    }
}
