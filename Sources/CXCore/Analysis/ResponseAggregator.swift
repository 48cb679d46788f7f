import Diagnostics
import Foundation
import Spreadsheet

/// Reads `content/responses/*.csv` as streams and keeps only running totals, reporting every
/// bad row at `path:line:column`.
struct ResponseAggregator {
    let config: SiteConfig
    /// The themes comments are tagged with.
    var themes = ThemeCatalog()
    /// What reads a comment's polarity.
    var sentiment = SentimentLexicon.builtIn
    /// A hash of the themes and the lexicon, which a file's cached totals were made with.
    var tagging: UInt64 = 0
    /// A CSV file of at least twice this many bytes is read in parts of about this size, after
    /// its header, on all cores. The parts depend only on the file, so its totals do too.
    var partBytes = 4 << 20
    /// Told the share of the response bytes read so far, now and then, for large imports.
    var progress: (@Sendable (Double) -> Void)?
    /// Errors shown per file before the rest are only counted.
    static let shownErrorsPerFile = 50
    /// The most different segments one response file may name (docs/metrics.md): each is a
    /// group on the scorecard, for every metric and period.
    static let segmentsPerFile = 1_000

    /// One file's totals, as the build cache keeps them: made from the file as its stamp says.
    struct FileTotals: Sendable, Codable {
        var path: String
        var stamp: FileStamp
        /// The hash of the themes and lexicon the comments were read with.
        var tagging: UInt64
        var aggregates: ResponseAggregates
    }

    /// The respondents' answers joined across all the files (the key drivers' pairs and the
    /// clusters' sums), as the build cache keeps them: made from the files whose paths, stamps
    /// and tagging hash to `key`.
    struct JoinedLinks: Sendable, Codable {
        var key: UInt64
        var driverPairs: [DriverKey: PairSums]
        var clusters: [ClusterKey: ClusterSums]
    }

    /// What a build leaves for the next: each file's own totals, when it gave no diagnostic,
    /// and, when every file's are there, their links joined.
    struct Cacheable: Sendable {
        var files: [FileTotals] = []
        var joined: JoinedLinks?
    }

    /// Aggregates every file, in parallel, and merges the results in file order. A file whose
    /// stamp is as in `cached` is not read: its totals are taken from there; and when every
    /// file is as `joined` was made from, the joined links are taken from there too. Returns,
    /// beside the totals, what the next build may take (``Cacheable``).
    func aggregate(
        _ files: [(path: String, url: URL)], cached: [String: FileTotals] = [:], joined: JoinedLinks? = nil,
        now: Int
    ) -> (ResponseAggregates, [Diagnostic], cacheable: Cacheable) {
        let stamps = files.map { FileStamp(path: $0.url.path) }
        let total = zip(files, stamps).reduce(0) { sum, file in
            cached[file.0.path].map { $0.stamp == file.1 && $0.tagging == tagging } == true ? sum : sum + (file.1?.size ?? 0)
        }
        let counter = ProgressCounter(total: total, report: total > Self.progressThreshold ? progress : nil)
        let jobs = zip(files, stamps).map { FileJob(path: $0.0.path, url: $0.0.url, stamp: $0.1) }
        let results = read(jobs, cached: cached, counter: counter)
        var aggregates = ResponseAggregates()
        var diagnostics: [Diagnostic] = []
        var perFile: [FileTotals] = []
        for (job, result) in zip(jobs, results) {
            for name in aggregates.merge(result.aggregates, links: false) {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        "segment '\(name.written)' is read as '\(name.readAs)', as an earlier file writes it: values "
                            + "that differ only in case are one segment", at: .file(job.path)))
            }
            diagnostics += result.diagnostics
            // A file changed while it was read is not kept: its stamp may not match what was read.
            if result.diagnostics.isEmpty, let stamp = job.stamp?.settled(at: now), FileStamp(path: job.url.path) == stamp {
                perFile.append(FileTotals(path: job.path, stamp: stamp, tagging: tagging, aggregates: result.aggregates))
            }
        }
        // Every file as the cached join was made from: its pairs and sums, without joining a
        // million links again (a preview's rebuild, or any build with the responses unchanged).
        let key = perFile.count == jobs.count ? Self.joinKey(perFile) : nil
        if let joined, joined.key == key {
            (aggregates.driverPairs, aggregates.clusters) = (joined.driverPairs, joined.clusters)
        } else {
            var links = results.reduce(into: [ResponseLink]()) { $0 += $1.aggregates.links }
            (aggregates.driverPairs, aggregates.clusters) = links.joinedByPerson()
        }
        let made = key.map { JoinedLinks(key: $0, driverPairs: aggregates.driverPairs, clusters: aggregates.clusters) }
        return (aggregates, diagnostics, Cacheable(files: perFile, joined: made))
    }

    /// The key of the links joined from `files`, in order: their paths, stamps and tagging.
    private static func joinKey(_ files: [FileTotals]) -> UInt64 {
        var hasher = StableHasher()
        for file in files {
            hasher.combine(file.path)
            for value in [file.stamp.size, file.stamp.modified, file.stamp.changed, Int(bitPattern: UInt(file.stamp.inode))] {
                hasher.combine(value)
            }
            hasher.combine(file.tagging)
        }
        return hasher.finalize()
    }

    struct FileJob: Sendable {
        let path: String
        let url: URL
        let stamp: FileStamp?
    }

    struct FileResult: Sendable {
        var aggregates = ResponseAggregates()
        var diagnostics: [Diagnostic] = []
        /// The segments the file names, as read.
        var segments: [String] = []
    }

    /// Imports smaller than this (in bytes) are quick enough to need no progress bar.
    static let progressThreshold = 16 << 20

    /// Reads a whole file.
    func aggregate(file: FileJob, counter: ProgressCounter) -> FileResult {
        if WorkbookFile.isWorkbook(file.path) { return aggregate(workbook: file, counter: counter) }
        switch open(file) {
        case .failed(let result): return result
        case .reading(var reader, var reading):
            var reported = 0
            read(&reader, into: &reading, reported: &reported, counter: counter)
            return reading.finish()
        }
    }

    /// A CSV file opened, with its delimiter found, or the error it cannot be opened with.
    enum OpenedFile {
        case reading(CSVReader, FileReading)
        case failed(FileResult)
    }

    func open(_ file: FileJob) -> OpenedFile {
        var reading = FileReading(aggregator: self, path: file.path, errors: ErrorSink(path: file.path, url: file.url))
        guard var reader = CSVReader(path: file.url.path, delimiter: CSVReader.delimiter(of: file.path)) else {
            let reason = errno == EINVAL ? "it is not a regular file" : String(cString: strerror(errno))
            return .failed(FileResult(diagnostics: [Diagnostic(.error, "cannot read the file: \(reason)", at: .file(file.path))]))
        }
        if StaticFiles.fileType(of: file.path) == "csv" {
            reader.sniffDelimiter()
            if reader.delimiter == CSVReader.semicolon { reading.decimalComma = true }
        }
        return .reading(reader, reading)
    }

    /// Reads records into `reading` to the end, or until `done` holds after a record; returns
    /// whether the end was reached. `reported` is how many bytes the progress has been told of.
    @discardableResult
    func read(
        _ reader: inout CSVReader, into reading: inout FileReading, reported: inout Int, counter: ProgressCounter,
        until done: (FileReading) -> Bool = { _ in false }
    ) -> Bool {
        defer {
            counter.add(reader.bytesRead - reported)
            reported = reader.bytesRead
        }
        var columns = reading.columns
        while true {
            do {
                guard try reader.next() else { return true }
            } catch {
                reading.errors.report(error.message, line: error.line, column: error.column)
                reader.skipLine()
                continue
            }
            if reader.bytesRead - reported > 4 << 20 {
                counter.add(reader.bytesRead - reported)
                reported = reader.bytesRead
            }
            guard reading.take(reader.record, columns: columns) else {
                reader.close()
                return true
            }
            if columns == nil { columns = reading.columns }
            if done(reading) { return false }
        }
    }

    /// A workbook of responses: read whole, then its sheet a row at a time.
    private func aggregate(workbook file: FileJob, counter: ProgressCounter) -> FileResult {
        let opened: (Workbook, Workbook.Sheet)
        switch SiteFolder.readBytes(atPath: file.url.path, shownAs: file.path, limit: WorkbookFile.responsesLimit)
            .flatMap({ WorkbookFile.open($0.bytes, path: file.path, config: config) })
        {
        case .success(let found): opened = found
        case .failure(let diagnostic): return FileResult(diagnostics: [diagnostic])
        }
        defer { counter.add(file.stamp?.size ?? 0) }
        var errors = ErrorSink(path: file.path, url: file.url)
        errors.sheet = opened.1.name
        var reading = FileReading(aggregator: self, path: file.path, errors: errors)
        var record = CSVReader.Record()
        do {
            try opened.0.forEachRow(in: opened.1) { row in
                if let problem = row.problem {
                    reading.errors.report(problem.message, line: row.number, column: problem.column)
                    return true
                }
                record.load(row, width: reading.columns?.count ?? 0)
                return reading.take(record)
            }
        } catch {
            var result = reading.finish()
            result.diagnostics.append(
                Diagnostic(
                    .error, error.message, at: .file(file.path),
                    notes: [Diagnostic.Note("in sheet '\(opened.1.name)'")]))
            return result
        }
        return reading.finish()
    }
}

/// Bytes read across files on all cores, reported as a share of the total.
final class ProgressCounter: @unchecked Sendable {
    private let total: Int
    private let report: (@Sendable (Double) -> Void)?
    private var read = 0
    private let lock = NSLock()

    init(total: Int, report: (@Sendable (Double) -> Void)?) {
        self.total = total
        self.report = report
    }

    func add(_ bytes: Int) {
        guard let report, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }  // report in order, so the bar never goes back
        read += bytes
        report(min(1, Double(read) / Double(total)))
    }
}
