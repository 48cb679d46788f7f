import Diagnostics
import Foundation
import Markdown
#if canImport(Glibc)
import Glibc
#endif

/// What the previous build learned, kept in `SOURCE/.cxsite-cache/` so the next one redoes
/// only what changed:
/// - each story file's parsed front matter and rendered markdown, by the hash of its text
///   (only files that gave no warning, so a cached build reports what a clean one does);
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

    static let folderName = ".cxsite-cache"
    private static let fileName = "build"
    private static let magic = Array("cxsite-build-cache 1\n".utf8)

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

    private static func url(in source: URL) -> URL {
        source.appendingPathComponent(folderName).appendingPathComponent(fileName)
    }

    /// The cache of the site in `source`, or nil when there is none for `key`.
    static func read(in source: URL, key: UInt64) -> BuildCache? {
        guard let data = try? Data(contentsOf: url(in: source)) else { return nil }
        var reader = CacheReader(bytes: [UInt8](data))
        return try? reader.cache(expectingKey: key)
    }

    /// Writes the cache beside the site's content: to a temporary file first, renamed over
    /// the old cache, so a reader never sees half a cache.
    func write(in source: URL) throws {
        let folder = source.appendingPathComponent(Self.folderName)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var writer = CacheWriter()
        writer.encode(self)
        // Temporary files of builds killed while they saved the cache.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(Self.fileName + ".tmp-") {
            unlink(folder.appendingPathComponent(name).path)
        }
        let temporary = folder.appendingPathComponent(Self.fileName + ".tmp-\(getpid())")
        if let failure = OutputFolder.write(writer.finished(), to: temporary.path) { throw failure }
        guard rename(temporary.path, Self.url(in: source).path) == 0 else {
            unlink(temporary.path)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: Self.url(in: source).path])
        }
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

        mutating func encode(_ cache: BuildCache) {
            bytes.reserveCapacity(cache.stories.values.reduce(1 << 20) { $0 + $1.markdown.html.utf8.count + 1024 })
            int(cache.stories.count)
            for (path, entry) in cache.stories.sorted(by: { $0.key < $1.key }) {
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
            int(cache.pages.count)
            for (path, entry) in cache.pages.sorted(by: { $0.key < $1.key }) {
                string(path)
                uint64(entry.modelHash)
                uint64(entry.outputHash)
            }
            let payload = bytes
            bytes = BuildCache.magic
            uint64(cache.key)
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

        mutating func cache(expectingKey key: UInt64) throws -> BuildCache {
            guard bytes.starts(with: BuildCache.magic) else { throw Corrupt() }
            offset = BuildCache.magic.count
            guard try uint64() == key else { throw Corrupt() }
            let length = try int()
            let hash = try uint64()
            var payload = StableHasher()
            bytes[offset...].withUnsafeBytes { payload.combine(bytes: $0) }
            guard length == bytes.count - offset, payload.finalize() == hash else { throw Corrupt() }
            var cache = BuildCache(key: key)
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
                cache.stories[path] = StoryEntry(sourceHash: sourceHash, story: story, markdown: markdown)
            }
            for _ in 0..<(try count()) {
                cache.pages[try string()] = PageEntry(modelHash: try uint64(), outputHash: try uint64())
            }
            guard offset == bytes.count else { throw Corrupt() }
            return cache
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
