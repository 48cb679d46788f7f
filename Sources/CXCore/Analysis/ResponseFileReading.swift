import Diagnostics
import Foundation

extension ResponseAggregator {
    /// One file's rows being read: its columns once the header is read, its running totals
    /// and its errors.
    struct FileReading {
        let path: String
        var errors: ErrorSink
        /// How the file's columns read: its mapping in cxsite.yaml, or cxsite's long form.
        let mapping: ResponseMapping
        var columns: Columns?
        /// Header rows read so far, for an export whose header has several.
        var headerRows: [[String]] = []
        /// Rows under the header still to skip (an export's question texts).
        var rowsToSkip = 0
        /// Whether the next row may be Qualtrics's row of import ids, skipped when it is.
        var mayBeImportIDs = false
        /// Set when the header lacks a column: the rest is not read.
        var headerFailed = false
        /// An export recognised without a mapping: its platform and the rows kept to guess one.
        var unmapped: UnmappedExport?
        /// Numbers may have a decimal comma (a semicolon-separated file, or the mapping says).
        var decimalComma = false
        var result = FileResult()
        var tally = Tally()
        var segments: SegmentNames
        let config: SiteConfig
        let themes: ThemeCatalog
        let sentiment: SentimentLexicon
        /// The comments' words stemmed so far.
        var stems = ThemeWords.Stems()

        init(aggregator: ResponseAggregator, path: String, errors: ErrorSink) {
            config = aggregator.config
            themes = aggregator.themes
            sentiment = aggregator.sentiment
            self.path = path
            self.errors = errors
            let relative = path.hasPrefix(ResponseMapping.folder) ? String(path.dropFirst(ResponseMapping.folder.count)) : path
            mapping = aggregator.config.responseMappings.first { $0.matches(relative) } ?? .longForm
            decimalComma = mapping.decimalComma
            segments = SegmentNames(declared: aggregator.config.segments, values: mapping.segment?.values ?? [])
        }

        /// Reads one record: the header first, then responses. False when the rest of the
        /// file cannot be read (the header lacks a column, or the file names too many segments).
        mutating func take(_ record: CSVReader.Record) -> Bool { take(record, columns: columns) }

        /// ``take(_:)`` with this reading's `columns` held by the caller: a row borrows them,
        /// where taking them from `self` retained and released them (and their lists) every row.
        mutating func take(_ record: CSVReader.Record, columns: Columns?) -> Bool {
            if let problem = record.textProblem() {
                errors.report(problem.message, line: problem.line, column: problem.column)
                return true
            }
            if unmapped != nil { return unmapped!.keep(record) }
            switch columns {
            case .none: return readHeader(record)
            case .some(let columns): return takeRow(record, columns)
            }
        }

        /// A record under the header.
        private mutating func takeRow(_ record: CSVReader.Record, _ columns: Columns) -> Bool {
            if rowsToSkip > 0 {
                rowsToSkip -= 1
                return true
            }
            if mayBeImportIDs {
                mayBeImportIDs = false
                if record.count > 0, record.string(0).hasPrefix("{") { return true }
            }
            guard record.count == columns.count else {
                let last = record.position(record.count - 1)
                errors.report(
                    record.widthMessage(header: columns.count), line: last.line, column: last.column,
                    cause: Cause(key: "width \(record.count)", what: "number of fields"))
                return true
            }
            // Lists walked by index: a loop over one retained and released it every row.
            for index in columns.filters.indices
            where record.withBytes(columns.filters[index].column, { columns.filters[index].values.find($0) }) == nil {
                return true
            }
            guard let row = parse(record, columns) else { return true }
            guard let segment = segment(of: record, columns) else { return false }
            for number in columns.questions.indices {
                answer(columns.questions[number], number: number, of: record, row, segment: segment, columns)
            }
            return true
        }

        /// Reads a header row; false when the header lacks a column the mapping names.
        private mutating func readHeader(_ record: CSVReader.Record) -> Bool {
            headerRows.append(record.strings)
            if mapping.format == .surveymonkey, headerRows.count < 2 { return true }
            var names = headerRows[0]
            if mapping.format == .surveymonkey {
                // A question spanning several columns has its text over the first only: the
                // others are named by their answer option, on the second row.
                for (index, name) in names.enumerated() where name.trimmingCharacters(in: .whitespaces).isEmpty {
                    names[index] = headerRows[1].indices.contains(index) ? headerRows[1][index] : ""
                }
            }
            switch Columns.find(in: names, mapping: mapping, config: config) {
            case .success(let found):
                columns = found
                if mapping.format == .qualtrics {
                    rowsToSkip = 1
                    mayBeImportIDs = true
                }
                return true
            case .failure(let problems):
                if mapping.isLongForm, let platform = ExportPlatform.recognise(names) {
                    unmapped = UnmappedExport(platform: platform, header: names, line: record.line)
                    return true
                }
                for problem in problems.messages { errors.report(problem, line: record.line, column: 1) }
                headerFailed = true
                return false
            }
        }

        /// A row's date, respondent, touchpoint, journey and weight, checked from their bytes
        /// (no strings on the hot path); nil when one is bad, each bad field reported.
        private mutating func parse(_ record: CSVReader.Record, _ columns: Columns) -> RowFields? {
            var ok = true
            let date = record.withBytes(columns.date) { columns.dates.day($0) }
            if date == nil {
                let text = record.string(columns.date).trimmingCharacters(in: .whitespaces)
                let problem = columns.dates.problem(text)
                fail(problem.message, record, columns.date, Cause(key: "date \(problem.shape)", what: "date format"), &ok)
            }
            let touchpoint = lookup(
                columns.touchpoint, of: record, in: columns.touchpointNames, what: "touchpoint", known: \.touchpointList, &ok)
            let journey = lookup(columns.journey, of: record, in: columns.journeyNames, what: "journey", known: \.journeyList, &ok)
            var weight = 1.0
            if let field = columns.weight {
                let text = record.string(field).trimmingCharacters(in: .whitespaces)
                if let value = RowBytes.decimal(text, comma: decimalComma), value > 0 {
                    weight = value
                } else {
                    fail(
                        text.isEmpty
                            ? "the weight is missing: a file with a weight column gives every row one"
                            : "the weight '\(text)' is not a positive number" + RowBytes.decimalCommaHint(text, comma: decimalComma),
                        record, field, Cause(key: "weight \(text)", what: "weight"), &ok)
                }
            }
            guard ok, let date else { return nil }
            return RowFields(
                date: date, period: Period(containing: date, kind: config.period), touchpoint: touchpoint, journey: journey, weight: weight)
        }

        /// Reports an error at `field` of `record`, and marks the row bad.
        private mutating func fail(_ message: String, _ record: CSVReader.Record, _ field: Int, _ cause: Cause?, _ ok: inout Bool) {
            let position = record.position(field)
            errors.report(message, line: position.line, column: position.column, cause: cause)
            ok = false
        }

        /// The number `names` gives the value in `field`; nil when empty or unknown (reported
        /// with the values the site knows, `known`).
        private mutating func lookup(
            _ field: Int?, of record: CSVReader.Record, in names: ValueNames, what: String, known: KeyPath<SiteConfig, String>,
            _ ok: inout Bool
        ) -> Int? {
            guard let field, !record.withBytes(field, { RowBytes.trimmed($0).isEmpty }) else { return nil }
            if let found = record.withBytes(field, { names.find($0) }) { return found }
            let text = record.string(field).trimmingCharacters(in: .whitespaces)
            let close = names.closest(to: text).map { " (did you mean '\($0)'?)" } ?? ""
            fail(
                "unknown \(what) '\(text)'\(close): cxsite.yaml has \(config[keyPath: known])", record, field,
                Cause(key: "\(what) \(text.lowercased())", what: what), &ok)
            return nil
        }

        /// Reads one question's answer on the row, when it has one, and counts it; `number` is
        /// the question's place in `columns`.
        private mutating func answer(
            _ question: Columns.Question, number: Int, of record: CSVReader.Record, _ fields: RowFields, segment: Int?, _ columns: Columns
        ) {
            guard !record.withBytes(question.score, { RowBytes.trimmed($0).isEmpty }) else { return }
            var ok = true
            var metric = question.metric
            if metric == nil, let field = question.metricColumn {
                metric = record.withBytes(field) { RowBytes.metric($0) }
                if metric == nil {
                    let text = record.string(field).trimmingCharacters(in: .whitespaces).lowercased()
                    fail(
                        "unknown metric '\(text)': responses are \(SurveyMetric.scalesList)", record, field,
                        Cause(key: "metric \(text)", what: "metric"), &ok)
                }
            }
            guard let metric else { return }
            let scale = SurveyMetric.allCases.firstIndex(of: metric)!
            // The names only when the score is not a number: copying them is a reference count.
            let score = record.withBytes(question.score) {
                RowBytes.integer($0) ?? columns.scoreNames[number][scale].find($0) ?? RowBytes.leadingInteger($0)
            }
            guard let score else {
                let names = columns.scoreNames[number][scale]
                let text = record.string(question.score).trimmingCharacters(in: .whitespaces)
                let close = names.closest(to: text).map { " (did you mean '\($0)'?)" } ?? ""
                let hint = names.isEmpty ? "" : ": map it to a score under the question's 'values' in cxsite.yaml"
                fail(
                    "the score '\(text)' is not a whole number\(close)\(hint)", record, question.score,
                    Cause(key: "score \(question.score) \(text.lowercased())", what: "answer"), &ok)
                return
            }
            guard metric.scale.contains(score) else {
                fail(
                    "score \(score) is out of range for \(metric.rawValue): expected \(metric.scale.lowerBound) to \(metric.scale.upperBound)",
                    record, question.score, Cause(key: "range \(question.score) \(score)", what: "score"), &ok)
                return
            }
            var touchpoint = fields.touchpoint
            var journey = fields.journey
            if question.isRelationship {
                (touchpoint, journey) = (nil, nil)
            } else if question.touchpoint != nil || question.journey != nil {
                (touchpoint, journey) = (question.touchpoint, question.journey)
            }
            if let journey, let touchpoint, !config.journeys[journey].steps.contains(config.touchpoints[touchpoint].id) {
                let tp = config.touchpoints[touchpoint].id
                let id = config.journeys[journey].id
                fail(
                    "touchpoint '\(tp)' is not a step of journey '\(id)': its steps are \(config.journeys[journey].steps.joined(separator: ", "))",
                    record, columns.journey ?? question.score, Cause(key: "step \(tp) \(id)", what: "touchpoint and journey"), &ok)
                return
            }
            let row = ParsedRow(
                date: fields.date, period: fields.period, metric: metric, score: score, touchpoint: touchpoint, journey: journey,
                weight: fields.weight)
            self.record(row, segment: segment, from: record, respondent: columns.respondent, comment: question.comment)
        }

        /// The number of the row's segment (`.some(nil)` without one); nil, with the error
        /// reported, when the file names more segments than a file may.
        private mutating func segment(of record: CSVReader.Record, _ columns: Columns) -> Int?? {
            guard let field = columns.segment else { return .some(nil) }
            let line = record.line
            switch record.withBytes(field, { segments.id(RowBytes.trimmed($0), limit: ResponseAggregator.segmentsPerFile, line: line) }) {
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
        private mutating func record(
            _ row: ParsedRow, segment: Int?, from record: CSVReader.Record, respondent: Int?, comment: Int?
        ) {
            if result.aggregates.newest.map({ row.date > $0 }) ?? true { result.aggregates.newest = row.date }
            if let field = respondent { link(row, respondent: field, of: record) }
            let block = tally.block(row.metric, row.period, touchpoints: config.touchpoints.count, journeys: config.journeys.count)
            let read = comment.map { readComment($0, of: record, row, segment: segment, block: block) } ?? ReadComment()
            tally.add(
                row.score, weight: row.weight, to: block, segment: segment, touchpoint: row.touchpoint, journey: row.journey,
                comment: row.metric.isCritical(row.score) ? read.comment : nil, sentiment: read.polarity)
            tally.split(
                row.score, weight: row.weight, to: block, segment: segment, touchpoint: row.touchpoint, journey: row.journey,
                themes: read.themes)
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
            let words = record.withBytes(field) { ThemeWords.tokens(in: $0, stems: &stems) }
            if row.metric == .nps, case let band = NPSBand(score: row.score), band != .passive {
                let masking = config.masking
                record.withBytes(field) { bytes in
                    tally.blocks[block].phrases.add(words, of: bytes, detractor: band == .detractor, masking: masking)
                }
            }
            (read.themes, read.polarity) = (themes.matcher.themes(in: words), sentiment.polarity(of: words))
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
                let masked = config.masking.masked(record.withBytes(field, RowBytes.trimmedText))
                result.aggregates.maskedContactDetails += masked.count
                read.comment = ResponseComment(
                    date: row.date, score: row.score, text: masked.text,
                    segment: segment.map { segments.names[$0] }, touchpoint: row.touchpoint.map { config.touchpoints[$0].id })
            }
            return read
        }

        /// What a row says of all its answers: when, where and with what weight.
        struct RowFields {
            var date: Day
            var period: Period
            var touchpoint: Int?
            var journey: Int?
            var weight: Double
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
            if let unmapped {
                result.diagnostics.append(unmapped.diagnostic(path: path, config: config))
            } else if columns == nil, !headerFailed {
                errors.report("the file is empty: response files start with the header date,metric,score", line: 1, column: 1)
            }
            errors.warnings += segments.warnings(path: path)
            result.segments = segments.names
            result.aggregates.links.sortByPerson()

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
                if block.metric == .nps, block.phrases.phraseCount > 0 { result.aggregates.phrases[block.period] = block.phrases }
                if block.mismatches.angryPromoters.n + block.mismatches.warmDetractors.n > 0 {
                    result.aggregates.mismatches[block.period] = block.mismatches
                }
                for (slot, totals) in block.themes {
                    let group: Scorecard.Group = slot.touchpoint < 0 ? .all : .touchpoint(config.touchpoints[slot.touchpoint].id)
                    let key = ResponseAggregates.Key(metric: block.metric, period: block.period, group: group)
                    result.aggregates.themeTotals[ResponseAggregates.ThemeKey(theme: themes.themes[slot.theme].id, key: key)] = totals
                }
                let entries = block.splitEntries(
                    segment: { segments.names[$0] }, theme: { themes.themes[$0].id }, journey: { config.journeys[$0].id })
                for (key, totals) in entries { result.aggregates.splits[key] = totals }
            }
            return errors.finish(into: result)
        }
    }
}
