import Diagnostics
import Foundation

extension ResponseAggregator {
    /// Part of a large file: the bytes of whole lines it reads, and the file's reading as it
    /// stood after the header, with nothing counted.
    struct FilePart: Sendable {
        var range: Range<Int>
        var delimiter: UInt8
        var reading: FileReading
    }

    /// A file read to its end, or a large one read to the end of its header and split.
    enum FileStart: Sendable {
        case read(FileResult)
        case split(head: FileResult, parts: [FilePart])
    }

    /// Each file's totals, in the order of `jobs`: taken from `cached` where the file's stamp
    /// and tagging match, otherwise read, a large file in parts read in parallel and merged in
    /// order. A file whose parts found anything to report (an error, a warning, a segment
    /// written two ways, too many segments, a part that does not start a row) is read again
    /// whole, so that what is reported, and where, is what a reading from the start finds.
    func read(_ jobs: [FileJob], cached: [String: FileTotals], counter: ProgressCounter) -> [FileResult] {
        let starts = jobs.concurrentMap { job -> FileStart in
            if let stamp = job.stamp, let entry = cached[job.path], entry.stamp == stamp, entry.tagging == tagging {
                return .read(FileResult(aggregates: entry.aggregates))
            }
            return start(job, counter: counter)
        }
        var results: [FileResult] = []
        var again: [Int] = []
        for (file, start) in starts.enumerated() {
            switch start {
            case .read(let result): results.append(result)
            case .split(let head, let parts):
                let read = read(parts, after: head, of: jobs[file], counter: counter)
                if read == nil { again.append(file) }
                results.append(read ?? FileResult())
            }
        }
        for (file, result) in zip(again, again.concurrentMap { aggregate(file: jobs[$0], counter: counter) }) {
            results[file] = result
        }
        return results
    }

    /// How many parts are read at once, then merged: the totals of more parts would be held
    /// at once (memory grows with them, not with the file), and of fewer the cores would wait
    /// more for the slowest part. A constant, so the order of merging depends only on the file.
    static let partsAtOnce = 8

    /// Reads a small file or a workbook whole; reads a large CSV file's header (and the rows an
    /// export puts under it) and splits the rest at line breaks, unless the header had
    /// something to report or the file's bytes are not its text (UTF-16).
    func start(_ file: FileJob, counter: ProgressCounter) -> FileStart {
        guard !WorkbookFile.isWorkbook(file.path), let size = file.stamp?.size, size >= 2 * partBytes else {
            return .read(aggregate(file: file, counter: counter))
        }
        switch open(file) {
        case .failed(let result): return .read(result)
        case .reading(var reader, var reading):
            var reported = 0
            let ended = read(&reader, into: &reading, reported: &reported, counter: counter) { $0.isPastHeader }
            let body = reader.bytesRead
            let count = (size - body) / partBytes
            guard !ended, reading.canReadInParts, !reader.isTranscoded, count > 1,
                let starts = ByteSource.lineStarts(
                    after: (1..<count).map { body + (size - body) * $0 / count - 1 }, inFileAt: file.url.path, size: size)
            else {
                if !ended { read(&reader, into: &reading, reported: &reported, counter: counter) }
                return .read(reading.finish())
            }
            reader.close()
            let bounds = [body] + starts + [size]
            let rest = reading.emptied()
            let parts = zip(bounds, bounds.dropFirst()).filter { $0 < $1 }.map {
                FilePart(range: $0..<$1, delimiter: reader.delimiter, reading: rest)
            }
            return .split(head: reading.finish(), parts: parts)
        }
    }

    /// Reads one part of a file, its lines counted from the part's first.
    private func read(_ part: FilePart, of file: FileJob, counter: ProgressCounter) -> FileResult {
        var reading = part.reading
        guard var reader = CSVReader(path: file.url.path, delimiter: part.delimiter, range: part.range) else {
            return FileResult(diagnostics: [Diagnostic(.error, "cannot read the file", at: .file(file.path))])
        }
        var reported = 0
        read(&reader, into: &reading, reported: &reported, counter: counter)
        return reading.finish()
    }

    /// A file's totals: its head's, then its parts', read ``partsAtOnce`` at a time in
    /// parallel and merged in order, neighbours in pairs. Nil when any part reported anything,
    /// or the parts between them name a segment two ways or too many segments.
    func read(_ parts: [FilePart], after head: FileResult, of file: FileJob, counter: ProgressCounter) -> FileResult? {
        var merged = head
        var segments: [String: String] = [:]  // by lower case
        for start in stride(from: 0, to: parts.count, by: Self.partsAtOnce) {
            let wave = Array(parts[start..<min(start + Self.partsAtOnce, parts.count)])
            var round = [merged] + wave.concurrentMap { read($0, of: file, counter: counter) }
            merged = FileResult()  // what is merged into is held once, so it is changed in place
            guard round.allSatisfy(\.diagnostics.isEmpty) else { return nil }
            for name in round.lazy.flatMap(\.segments) {
                let key = name.lowercased()
                guard segments[key, default: name] == name else { return nil }  // written two ways
                segments[key] = name
            }
            guard segments.count <= Self.segmentsPerFile else { return nil }
            round.combinePairwise { $0.aggregates.merge($1.aggregates) }
            merged = round[0]
        }
        merged.segments = Array(segments.values)
        return merged
    }
}

extension ResponseAggregator.FileReading {
    /// Whether the header, and the rows an export puts under it, have been read (or the
    /// file cannot be read on).
    var isPastHeader: Bool {
        (columns != nil && rowsToSkip == 0 && !mayBeImportIDs) || unmapped != nil || headerFailed
    }

    /// Whether the rest of the file can be read in parts: its columns are known and nothing
    /// has been reported.
    var canReadInParts: Bool {
        columns != nil && unmapped == nil && !headerFailed && errors.isEmpty
    }

    /// This reading with nothing counted or reported: where a part of the file starts.
    func emptied() -> Self {
        var reading = self
        reading.result = ResponseAggregator.FileResult()
        reading.tally = ResponseAggregator.Tally()
        reading.errors = ResponseAggregator.ErrorSink(path: errors.path, url: errors.url)
        return reading
    }
}
