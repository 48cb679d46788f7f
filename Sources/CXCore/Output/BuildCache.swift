import Diagnostics
import Foundation
import Markdown
#if canImport(Glibc)
import Glibc
#endif

/// What the previous build learned, kept in `SOURCE/.cxsite-cache/` so the next one redoes
/// only what changed:
/// - each story file's parsed front matter and rendered markdown, by the hash of its text
///   (only files that gave no warning, so a cached build reports what a clean one does),
///   in 16 files by the hash of the story's path;
/// - each page's output hash, by the hash of its template and everything the template read,
///   so an unchanged page is neither rendered nor written.
///
/// The whole cache is keyed on the cxsite and cmark-gfm versions, the config, the templates
/// and the build options. A cache whose key differs, that does not decode whole, or whose
/// bytes do not match the hash it carries is ignored, and the build runs as if it were absent.
struct BuildCache {
    struct StoryEntry: Sendable {
        var sourceHash: UInt64
        /// The story as parsed; its `body` is left empty, `markdown` is what it rendered to.
        var story: Story
        var markdown: RenderedMarkdown
    }

    struct PageEntry: Sendable {
        var modelHash: UInt64
        var outputHash: UInt64
    }

    var key: UInt64
    var stories: [String: StoryEntry] = [:]
    var pages: [String: PageEntry] = [:]
    /// The story paths each shard file held when read, to tell which shards changed.
    private(set) var shardsRead: [Int: Set<String>] = [:]

    static let folderName = ".cxsite-cache"
    /// Stories are spread over this many files by the hash of their path, so a build that
    /// changed one story rewrites one small file, not the whole cache.
    private static let shardCount = 16
    private static let pagesFile = "pages"
    private static func storiesFile(_ shard: Int) -> String { "stories-\(shard)" }
    private static let magic = Array("cxsite-build-cache 2\n".utf8)

    /// Why the cache folder of the site in `source` cannot be used, or nil: cxsite never
    /// reads or writes it through a link, nor replaces a file that stands in its place.
    static func folderProblem(in source: URL) -> String? {
        switch OutputFolder.fileType(source.appendingPathComponent(folderName).path) {
        case nil, S_IFDIR?: nil
        case S_IFLNK?: "\(folderName) is a symbolic link, which cxsite never writes through: remove it (cxsite makes the folder itself), or build with --no-cache"
        default: "\(folderName) exists and is not a folder: remove it (cxsite makes the folder itself), or build with --no-cache"
        }
    }

    /// The cache folder of the site in `source`, made when missing; refused when it is a link.
    static func makeFolder(in source: URL) throws -> String {
        if let problem = folderProblem(in: source) { throw OutputRefused(message: problem) }
        let folder = source.appendingPathComponent(folderName).path
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else { throw FileSystemError("create", folder) }
        if let problem = folderProblem(in: source) { throw OutputRefused(message: problem) }
        return folder
    }

    /// Where the manifests of the output folder `output` and its spare are kept: in the cache,
    /// so that nothing but the spare stands beside the output.
    static func manifestPrefix(in source: URL, for output: URL) throws -> String {
        try makeFolder(in: source) + "/output-" + String(StableHasher.hash(output.standardizedFileURL.path), radix: 16) + "-"
    }

    static func shard(of path: String) -> Int { Int(StableHasher.hash(path) % UInt64(shardCount)) }

    /// The key for a build: what every cached value depends on besides its own input.
    static func key(configText: String, theme: Theme, options: BuildOptions) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(cxsiteVersion)
        hasher.combine(MarkdownRenderer.libraryVersion)
        hasher.combine(configText)
        hasher.combine(theme.fingerprint)
        hasher.combine(options.includeDrafts ? 1 : 0)
        hasher.combine(options.useGit ? 1 : 0)
        hasher.combine(options.sourceDateEpoch ?? -1)
        return hasher.finalize()
    }

    /// The cache of the site in `source` for `key`, or nil when there is none. A file that is
    /// missing, stale or damaged only loses what it held: those stories are parsed again.
    static func read(in source: URL, key: UInt64) -> BuildCache? {
        guard folderProblem(in: source) == nil else { return nil }
        let folder = source.appendingPathComponent(folderName)
        @Sendable func contents(_ name: String) -> [UInt8]? {
            OutputFolder.readOwnFile(folder.appendingPathComponent(name).path)
        }
        var cache = BuildCache(key: key)
        var found = false
        if let bytes = contents(pagesFile) {
            var reader = CacheReader(bytes: bytes)
            if let pages = try? reader.pages(expectingKey: key) {
                cache.pages = pages
                found = true
            }
        }
        let shards = Array(0..<shardCount).concurrentMap { shard -> [String: StoryEntry]? in
            guard let bytes = contents(storiesFile(shard)) else { return nil }
            var reader = CacheReader(bytes: bytes)
            return try? reader.stories(expectingKey: key)
        }
        for (shard, entries) in shards.enumerated() {
            guard let entries else { continue }
            found = true
            cache.shardsRead[shard] = Set(entries.keys)
            cache.stories.merge(entries) { first, _ in first }
        }
        return found ? cache : nil
    }

    /// Writes the cache beside the site's content, each file to a temporary file first,
    /// renamed over the old one, so a reader never sees half a file. A shard is written only
    /// when it holds other stories than `previous` read, or any story not in `reused`.
    func write(in source: URL, previous: BuildCache?, reused: Set<String>) throws {
        let folder = try Self.makeFolder(in: source)
        // Temporary files of builds killed while they saved the cache (not those of a build
        // still running).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard let mark = name.range(of: ".tmp-"), let pid = Int32(name[mark.upperBound...]),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
        func save(_ bytes: [UInt8], as name: String) throws {
            let path = folder + "/" + name
            let temporary = path + ".tmp-\(getpid())"
            try OutputFolder.write(bytes, to: temporary)
            guard rename(temporary, path) == 0 else {
                let failure = FileSystemError("replace", path)
                unlink(temporary)
                throw failure
            }
        }
        var shards = [[String: StoryEntry]](repeating: [:], count: Self.shardCount)
        for (path, entry) in stories { shards[Self.shard(of: path)][path] = entry }
        for (shard, entries) in shards.enumerated() {
            let paths = Set(entries.keys)
            if let previous, previous.key == key, previous.shardsRead[shard] == paths, paths.isSubset(of: reused) { continue }
            var writer = CacheWriter()
            writer.encodeStories(entries, key: key)
            try save(writer.finished(), as: Self.storiesFile(shard))
        }
        var writer = CacheWriter()
        writer.encodePages(pages, key: key)
        try save(writer.finished(), as: Self.pagesFile)
    }

    // MARK: Encoding

    /// Little-endian integers, length-prefixed UTF-8 strings, a flag byte before optionals.
    private struct CacheWriter {
        private var bytes: [UInt8] = []

        mutating func int(_ value: Int) { withUnsafeBytes(of: Int64(value).littleEndian) { bytes += $0 } }
        mutating func uint64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
        mutating func string(_ value: String) {
            var value = value
            value.withUTF8 { utf8 in
                int(utf8.count)
                bytes.append(contentsOf: utf8)
            }
        }
        mutating func strings(_ values: [String]) {
            int(values.count)
            values.forEach { string($0) }
        }
        mutating func optional<T>(_ value: T?, _ encode: (inout CacheWriter, T) -> Void) {
            bool(value != nil)
            if let value { encode(&self, value) }
        }
        mutating func day(_ day: Day) {
            int(day.year)
            int(day.month)
            int(day.day)
        }

        mutating func encodeStories(_ stories: [String: StoryEntry], key: UInt64) {
            bytes.reserveCapacity(stories.values.reduce(4096) { $0 + $1.markdown.html.utf8.count + 1024 })
            int(stories.count)
            for (path, entry) in stories.sorted(by: { $0.key < $1.key }) {
                string(path)
                uint64(entry.sourceHash)
                encode(entry.story)
                string(entry.markdown.html)
                string(entry.markdown.summary)
                int(entry.markdown.links.count)
                for link in entry.markdown.links {
                    string(link.destination)
                    bool(link.isImage)
                    int(link.line)
                    int(link.column)
                }
            }
            seal(key: key)
        }

        mutating func encodePages(_ pages: [String: PageEntry], key: UInt64) {
            int(pages.count)
            for (path, entry) in pages.sorted(by: { $0.key < $1.key }) {
                string(path)
                uint64(entry.modelHash)
                uint64(entry.outputHash)
            }
            seal(key: key)
        }

        /// Puts the header before what was written: the format, the key, the length and a
        /// hash of the rest.
        private mutating func seal(key: UInt64) {
            let payload = bytes
            bytes = BuildCache.magic
            uint64(key)
            int(payload.count)
            uint64(StableHasher.hash(payload))
            bytes += payload
        }

        mutating func encode(_ story: Story) {
            string(story.slug)
            string(story.title)
            day(story.date)
            string(story.outcome.rawValue)
            optional(story.customer) { $0.string($1) }
            optional(story.segment) { $0.string($1) }
            strings(story.touchpoints)
            optional(story.score) { $0.int($1) }
            optional(story.quote) { $0.string($1) }
            strings(story.tags)
            optional(story.owner) { $0.string($1) }
            optional(story.status) { $0.string($1.rawValue) }
            optional(story.loop) { $0.string($1.rawValue) }
            int(story.actions.count)
            for action in story.actions {
                string(action.what)
                optional(action.owner) { $0.string($1) }
                optional(action.due) { $0.day($1) }
                bool(action.done)
            }
            bool(story.draft)
            optional(story.statusLocation) { writer, location in
                writer.int(location.line)
                writer.int(location.column)
            }
            int(story.bodyLine)
            string(story.path)
        }

        func finished() -> [UInt8] { bytes }
    }

    /// Reads what ``CacheWriter`` wrote; throws at the first thing out of place.
    private struct CacheReader {
        struct Corrupt: Error {}
        let bytes: [UInt8]
        var offset = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func int() throws -> Int { Int(Int64(bitPattern: try uint64())) }
        mutating func uint64() throws -> UInt64 {
            guard offset + 8 <= bytes.count else { throw Corrupt() }
            defer { offset += 8 }
            return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        }
        mutating func bool() throws -> Bool {
            guard offset < bytes.count, bytes[offset] <= 1 else { throw Corrupt() }
            defer { offset += 1 }
            return bytes[offset] == 1
        }
        mutating func string() throws -> String {
            let count = try int()
            guard count >= 0, count <= bytes.count - offset else { throw Corrupt() }
            defer { offset += count }
            return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        }
        mutating func strings() throws -> [String] {
            try (0..<count()).map { _ in try string() }
        }
        /// A count of items, each at least a byte long, so a corrupt count cannot ask for more.
        mutating func count() throws -> Int {
            let count = try int()
            guard count >= 0, count <= bytes.count - offset else { throw Corrupt() }
            return count
        }
        mutating func optional<T>(_ decode: (inout CacheReader) throws -> T) throws -> T? {
            try bool() ? decode(&self) : nil
        }
        mutating func choice<T: RawRepresentable<String>>(_: T.Type) throws -> T {
            guard let value = T(rawValue: try string()) else { throw Corrupt() }
            return value
        }
        mutating func day() throws -> Day {
            guard let day = Day(year: try int(), month: try int(), day: try int()) else { throw Corrupt() }
            return day
        }

        /// Checks the header and the hash of what follows it.
        private mutating func open(expectingKey key: UInt64) throws {
            guard bytes.starts(with: BuildCache.magic) else { throw Corrupt() }
            offset = BuildCache.magic.count
            guard try uint64() == key else { throw Corrupt() }
            let length = try int()
            let hash = try uint64()
            var payload = StableHasher()
            bytes[offset...].withUnsafeBytes { payload.combine(bytes: $0) }
            guard length == bytes.count - offset, payload.finalize() == hash else { throw Corrupt() }
        }

        mutating func stories(expectingKey key: UInt64) throws -> [String: StoryEntry] {
            try open(expectingKey: key)
            var stories: [String: StoryEntry] = [:]
            for _ in 0..<(try count()) {
                let path = try string()
                let sourceHash = try uint64()
                let story = try story()
                var markdown = RenderedMarkdown(html: try string(), links: [])
                markdown.summary = try string()
                for _ in 0..<(try count()) {
                    markdown.links.append(RenderedMarkdown.Link(destination: try string(), isImage: try bool(),
                                                                line: try int(), column: try int()))
                }
                stories[path] = StoryEntry(sourceHash: sourceHash, story: story, markdown: markdown)
            }
            guard offset == bytes.count else { throw Corrupt() }
            return stories
        }

        mutating func pages(expectingKey key: UInt64) throws -> [String: PageEntry] {
            try open(expectingKey: key)
            var pages: [String: PageEntry] = [:]
            for _ in 0..<(try count()) {
                pages[try string()] = PageEntry(modelHash: try uint64(), outputHash: try uint64())
            }
            guard offset == bytes.count else { throw Corrupt() }
            return pages
        }

        mutating func story() throws -> Story {
            let slug = try string(), title = try string(), date = try day(), outcome = try choice(Outcome.self)
            let customer = try optional { try $0.string() }, segment = try optional { try $0.string() }
            let touchpoints = try strings()
            let score = try optional { try $0.int() }, quote = try optional { try $0.string() }
            let tags = try strings()
            let owner = try optional { try $0.string() }
            let status = try optional { try $0.choice(LoopStatus.self) }, loop = try optional { try $0.choice(LoopLevel.self) }
            var actions: [Story.Action] = []
            for _ in 0..<(try count()) {
                actions.append(Story.Action(what: try string(), owner: try optional { try $0.string() },
                                            due: try optional { try $0.day() }, done: try bool()))
            }
            let draft = try bool()
            let statusPosition = try optional { reader in (line: try reader.int(), column: try reader.int()) }
            let bodyLine = try int()
            let path = try string()
            return Story(slug: slug, title: title, date: date, outcome: outcome, customer: customer, segment: segment,
                         touchpoints: touchpoints, score: score, quote: quote, tags: tags, owner: owner, status: status,
                         loop: loop, actions: actions, draft: draft,
                         statusLocation: statusPosition.map { SourceLocation(path: path, line: $0.line, column: $0.column) },
                         body: "", bodyLine: bodyLine, path: path)
        }
    }
}
