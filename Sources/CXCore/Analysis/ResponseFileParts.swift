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
        let parts = starts.enumerated().flatMap { file, start -> [(file: Int, part: FilePart)] in
            guard case .split(_, let parts) = start else { return [] }
            return parts.map { (file, $0) }
        }
        let partResults = parts.concurrentMap { read($0.part, of: jobs[$0.file], counter: counter) }
        var results: [FileResult] = []
        var again: [Int] = []
        var next = 0  // the first of the file's parts in `parts`
        for (file, start) in starts.enumerated() {
            switch start {
            case .read(let result): results.append(result)
            case .split(let head, let split):
                let merged = merge(head: head, parts: partResults[next..<(next + split.count)])
                next += split.count
                if merged == nil { again.append(file) }
                results.append(merged ?? FileResult())
            }
        }
        for (file, result) in zip(again, again.concurrentMap { aggregate(file: jobs[$0], counter: counter) }) {
            results[file] = result
        }
        return results
    }

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
    func read(_ part: FilePart, of file: FileJob, counter: ProgressCounter) -> FileResult {
        var reading = part.reading
        guard var reader = CSVReader(path: file.url.path, delimiter: part.delimiter, range: part.range) else {
            return FileResult(diagnostics: [Diagnostic(.error, "cannot read the file", at: .file(file.path))])
        }
        var reported = 0
        read(&reader, into: &reading, reported: &reported, counter: counter)
        return reading.finish()
    }

    /// A file's totals from its head's and its parts', in order; nil when any reported
    /// anything, or the parts between them name a segment two ways or too many segments.
    func merge(head: FileResult, parts: ArraySlice<FileResult>) -> FileResult? {
        var merged = FileResult()
        var segments = Set<String>()
        for result in [head] + parts {
            guard result.diagnostics.isEmpty, merged.aggregates.merge(result.aggregates).isEmpty else { return nil }
            segments.formUnion(result.segments.map { $0.lowercased() })
        }
        guard segments.count <= Self.segmentsPerFile else { return nil }
        merged.segments = Array(segments)
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
