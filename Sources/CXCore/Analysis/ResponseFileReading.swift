import Diagnostics
import Foundation

extension ResponseAggregator {
    /// One file's rows being read: its columns once the header is read, its running totals
    /// and its errors.
    struct FileReading {
        let path: String
        var errors: ErrorSink
        var columns: Columns?
        /// Set when the header lacks a column: the rest is not read.
        var headerFailed = false
        var result = FileResult()
        var tally = Tally()
        var segments = Interner()
        let touchpointBytes: [[UInt8]]
        let journeyBytes: [[UInt8]]
        let config: SiteConfig
        let themes: ThemeCatalog
        let sentiment: SentimentLexicon

        init(aggregator: ResponseAggregator, path: String, errors: ErrorSink) {
            config = aggregator.config
            themes = aggregator.themes
            sentiment = aggregator.sentiment
            self.path = path
            self.errors = errors
            touchpointBytes = aggregator.config.touchpoints.map { Array($0.id.utf8) }
            journeyBytes = aggregator.config.journeys.map { Array($0.id.utf8) }
        }

        /// Reads one record: the header first, then responses. False when the rest of the
        /// file cannot be read (the header lacks a column, or the file names too many segments).
        mutating func take(_ record: CSVReader.Record) -> Bool {
            if let problem = record.textProblem() {
                errors.report(problem.message, line: problem.line, column: problem.column)
                return true
            }
            guard let columns else { return readHeader(record) }
            guard record.count == columns.count else {
                let last = record.position(record.count - 1)
                errors.report(record.widthMessage(header: columns.count), line: last.line, column: last.column)
                return true
            }
            guard let row = parse(record, columns) else { return true }
            guard let segment = segment(of: record, columns) else { return false }
            self.record(row, segment: segment, from: record, columns)
            return true
        }

        /// Reads the header; false when it lacks a required column.
        private mutating func readHeader(_ record: CSVReader.Record) -> Bool {
            switch Columns.from(header: record) {
            case .success(let found):
                columns = found
                return true
            case .failure(let problem):
                errors.report(problem.message, line: record.line, column: 1)
                headerFailed = true
                return false
            }
        }

        /// A response's fields, checked from their bytes (no strings on the hot path); nil when
        /// a field is bad, each bad field reported as its own error.
        private mutating func parse(_ record: CSVReader.Record, _ columns: Columns) -> ParsedRow? {
            var ok = true
            func fail(_ message: String, _ field: Int) {
                let position = record.position(field)
                errors.report(message, line: position.line, column: position.column)
                ok = false
            }
            let date = record.withBytes(columns.date) { RowBytes.day($0) }
            if date == nil {
                let text = record.string(columns.date).trimmingCharacters(in: .whitespaces)
                if case .failure(let problem) = Day.parse(text) { fail(problem.description, columns.date) }
            }
            let metric = record.withBytes(columns.metric) { RowBytes.metric($0) }
            if metric == nil {
                let text = record.string(columns.metric).trimmingCharacters(in: .whitespaces).lowercased()
                fail("unknown metric '\(text)': responses are \(SurveyMetric.scalesList)", columns.metric)
            }
            let score = record.withBytes(columns.score) { RowBytes.integer($0) }
            if score == nil {
                fail("the score '\(record.string(columns.score).trimmingCharacters(in: .whitespaces))' is not a whole number", columns.score)
            } else if let metric, let score, !metric.scale.contains(score) {
                fail(
                    "score \(score) is out of range for \(metric.rawValue): expected \(metric.scale.lowerBound) to \(metric.scale.upperBound)",
                    columns.score)
            }
            /// The place among `ids` of the id in `field`; nil when empty or unknown (reported).
            func lookup(_ field: Int?, among ids: [[UInt8]], what: String, known: @autoclosure () -> String) -> Int? {
                guard let field, !record.withBytes(field, { RowBytes.trimmed($0).isEmpty }) else { return nil }
                if let found = record.withBytes(field, { bytes in ids.firstIndex { $0.elementsEqual(RowBytes.trimmed(bytes)) } }) {
                    return found
                }
                fail("unknown \(what) '\(record.string(field).trimmingCharacters(in: .whitespaces))': cxsite.yaml has \(known())", field)
                return nil
            }
            let touchpoint = lookup(columns.touchpoint, among: touchpointBytes, what: "touchpoint", known: config.touchpointList)
            let journey = lookup(columns.journey, among: journeyBytes, what: "journey", known: config.journeyList)
            if let field = columns.journey, let journey, let touchpoint,
                !config.journeys[journey].steps.contains(config.touchpoints[touchpoint].id)
            {
                fail(
                    "touchpoint '\(config.touchpoints[touchpoint].id)' is not a step of journey '\(config.journeys[journey].id)': its steps are \(config.journeys[journey].steps.joined(separator: ", "))",
                    field)
            }
            var weight = 1.0
            if let field = columns.weight {
                let text = record.string(field).trimmingCharacters(in: .whitespaces)
                if let value = Double(text), value.isFinite, value > 0 {
                    weight = value
                } else {
                    fail(
                        text.isEmpty
                            ? "the weight is missing: a file with a weight column gives every row one"
                            : "the weight '\(text)' is not a positive number", field)
                }
            }
            guard ok, let date, let metric, let score else { return nil }
            return ParsedRow(
                date: date, period: Period(containing: date, kind: config.period), metric: metric, score: score,
                touchpoint: touchpoint, journey: journey, weight: weight)
        }

        /// The number of the row's segment (`.some(nil)` without one); nil, with the error
        /// reported, when the file names more segments than a file may.
        private mutating func segment(of record: CSVReader.Record, _ columns: Columns) -> Int?? {
            guard let field = columns.segment else { return .some(nil) }
            switch record.withBytes(field, { segments.id(RowBytes.trimmed($0), limit: ResponseAggregator.segmentsPerFile) }) {
            case .empty: return .some(nil)
            case .found(let id): return id
            case .full:
                let position = record.position(field)
                errors.report(
                    "more than \(ResponseAggregator.segmentsPerFile) different segments in one file: a segment is a group of customers "
                        + "(a plan, a region, a size), so a column of names or ids is not one; the rest of this file was not read",
                    line: position.line, column: position.column)
                return nil
            }
        }

        /// Counts a valid response: its respondent's link, its comment's themes, phrases and
        /// tone, and its score in every group it belongs to.
        private mutating func record(_ row: ParsedRow, segment: Int?, from record: CSVReader.Record, _ columns: Columns) {
            if result.aggregates.newest.map({ row.date > $0 }) ?? true { result.aggregates.newest = row.date }
            if let field = columns.respondent { link(row, respondent: field, of: record) }
            let block = tally.block(row.metric, row.period, touchpoints: config.touchpoints.count, journeys: config.journeys.count)
            let read = columns.comment.map { readComment($0, of: record, row, segment: segment, block: block) } ?? ReadComment()
            tally.add(
                row.score, weight: row.weight, to: block, segment: segment, touchpoint: row.touchpoint, journey: row.journey,
                comment: row.metric.isCritical(row.score) ? read.comment : nil, sentiment: read.polarity)
            for theme in read.themes {
                tally.addTheme(
                    theme, row.score, weight: row.weight, to: block, touchpoint: row.touchpoint, comment: read.comment,
                    sentiment: read.polarity)
            }
            if let mismatch = read.mismatch {
                tally.blocks[block].mismatches[mismatch].add(row.score, metric: row.metric, weight: row.weight, comment: read.comment)
            }
        }

        /// Links the response to its respondent, for drivers and journeys: NPS answers and
        /// answers about a touchpoint, when the respondent column is filled in.
        private mutating func link(_ row: ParsedRow, respondent field: Int, of record: CSVReader.Record) {
            guard row.metric == .nps || row.touchpoint != nil,
                let place = row.touchpoint.map({ Int16(exactly: $0) })
                    ?? (row.journey == nil ? ResponseLink.relationship : ResponseLink.journeyOnly),
                let respondent = record.withBytes(
                    field,
                    { bytes -> UInt64? in
                        let id = RowBytes.trimmed(bytes)
                        return id.isEmpty ? nil : ResponseLink.hash(id)
                    })
            else { return }
            result.aggregates.links.append(
                ResponseLink(
                    respondent: respondent, period: Int32(row.period.ordinal),
                    touchpoint: place, metric: row.metric, score: Int8(row.score)))
        }

        /// What a response's comment says: the themes it mentions, its tone, whether score and
        /// words disagree, and the comment itself when a page will show it.
        private struct ReadComment {
            var themes: [Int] = []
            var polarity: Double?
            var mismatch: Mismatch?
            var comment: ResponseComment?
        }

        /// Reads the comment in `field` once: its phrases are counted, its themes and tone
        /// read, and its text kept (contact details masked) only when some total keeps it.
        private mutating func readComment(
            _ field: Int, of record: CSVReader.Record, _ row: ParsedRow, segment: Int?, block: Int
        ) -> ReadComment {
            guard !record.withBytes(field, { RowBytes.trimmed($0).isEmpty }) else { return ReadComment() }
            var read = ReadComment()
            (read.themes, read.polarity) = record.withBytes(field) { bytes in
                let words = ThemeWords.tokens(in: bytes)
                if row.metric == .nps, case let band = NPSBand(score: row.score), band != .passive {
                    tally.blocks[block].phrases.add(words, of: bytes, detractor: band == .detractor, masking: config.masking)
                }
                return (themes.matcher.themes(in: words), sentiment.polarity(of: words))
            }
            read.mismatch = row.metric == .nps ? read.polarity.flatMap { Mismatch(score: row.score, polarity: $0) } : nil
            let wanted = record.withBytes(field) { bytes in
                let text = RowBytes.trimmed(bytes)
                return read.themes.contains {
                    tally.wantsThemeComment(block, theme: $0, touchpoint: row.touchpoint, from: row.date, text: text)
                }
                    || read.mismatch.map { tally.blocks[block].mismatches[$0].wouldKeepComment(from: row.date, text: text) } ?? false
                    || (row.metric.isCritical(row.score)
                        && tally.wantsComment(block, segment, row.touchpoint, from: row.date, text: text))
            }
            if wanted {
                let masked = config.masking.masked(record.string(field).trimmingCharacters(in: .whitespacesAndNewlines))
                result.aggregates.maskedContactDetails += masked.count
                read.comment = ResponseComment(
                    date: row.date, score: row.score, text: masked.text,
                    segment: segment.map { segments.names[$0] }, touchpoint: row.touchpoint.map { config.touchpoints[$0].id })
            }
            return read
        }

        /// One response whose fields are all valid.
        struct ParsedRow {
            var date: Day
            var period: Period
            var metric: SurveyMetric
            var score: Int
            var touchpoint: Int?
            var journey: Int?
            var weight: Double
        }

        /// The file's totals and errors.
        mutating func finish() -> FileResult {
            if columns == nil, !headerFailed {
                errors.report("the file is empty: response files start with the header date,metric,score", line: 1, column: 1)
            }

            for block in tally.blocks {
                var groups: [(Scorecard.Group, ResponseTotals)] = [(.all, block.all)]
                groups += block.segments.enumerated().map { (.segment(segments.names[$0]), $1) }
                groups += block.touchpoints.enumerated().map { (.touchpoint(config.touchpoints[$0].id), $1) }
                groups += [(.relationship, block.relationship), (.transactional, block.transactional)]
                groups += block.journeys.enumerated().map { (.journey(config.journeys[$0].id), $1) }
                for (group, totals) in groups where totals.n > 0 {
                    result.aggregates.totals[ResponseAggregates.Key(metric: block.metric, period: block.period, group: group)] = totals
                }
                result.aggregates.sources[ResponseAggregates.sourceKey(block.metric.rawValue, block.period), default: []].insert(path)
                if block.metric == .nps, !block.phrases.phrases.isEmpty { result.aggregates.phrases[block.period] = block.phrases }
                if block.mismatches.angryPromoters.n + block.mismatches.warmDetractors.n > 0 {
                    result.aggregates.mismatches[block.period] = block.mismatches
                }
                for (slot, totals) in block.themes {
                    let group: Scorecard.Group = slot.touchpoint < 0 ? .all : .touchpoint(config.touchpoints[slot.touchpoint].id)
                    let key = ResponseAggregates.Key(metric: block.metric, period: block.period, group: group)
                    result.aggregates.themeTotals[ResponseAggregates.ThemeKey(theme: themes.themes[slot.theme].id, key: key)] = totals
                }
            }
            return errors.finish(into: result)
        }
    }
}
