import Diagnostics
import Foundation
import Markdown

#if canImport(Glibc)
    import Glibc
#endif

/// What the previous build learned, kept in `SOURCE/.cxsite-cache/` so the next one redoes
/// only what changed:
/// - each story file's story as parsed, its markdown rendered, by the hash of its text (only
///   files that gave no warning, so a cached build reports what a clean one does), in 16
///   files by the hash of the story's path;
/// - each page's output hash, by the hash of its template and everything the template read,
///   so an unchanged page is neither rendered nor written.
///
/// The stories and the page list, read in their thousands on every rebuild, are records
/// written field by field (``CacheRecord``); the responses' totals are their types' own
/// `Codable` form (``CacheCoding``). The whole cache is keyed on the cxsite binary and the
/// cmark-gfm version, the config, the templates and the build options. A cache whose key or
/// format differs, that does not decode whole, or whose bytes do not match the hash it
/// carries is ignored, and the build runs as if it were absent.
struct BuildCache: Sendable {
    struct StoryEntry: Sendable {
        var path: String
        var story: Story
        /// The file's metadata when it was read: as long as it is the same, the file is not
        /// read again.
        var stamp: FileStamp?
    }

    struct PageEntry: Sendable {
        var path: String
        /// The hash of the page's template and of its inputs (``Page/inputs``) or its model.
        var modelHash: UInt64
        var outputHash: UInt64
    }

    private struct ResponseList: Codable {
        var files: [ResponseAggregator.FileTotals]
        var joined: ResponseAggregator.JoinedLinks?
    }

    var key: UInt64
    var stories: [String: StoryEntry] = [:]
    var pages: [String: PageEntry] = [:]
    /// Each response file's totals, by path.
    var responses: [String: ResponseAggregator.FileTotals] = [:]
    /// The respondents' links joined across those files.
    var joinedLinks: ResponseAggregator.JoinedLinks?
    /// How many stories each shard file held when read, to tell which shards changed.
    private(set) var storiesPerShard: [Int: Int] = [:]
    /// The shard files read, open for the stories' HTML.
    private var textFiles: [CachedText.File] = []

    /// Whether a story's HTML could not be read from the cache's files.
    var textUnreadable: Bool { textFiles.contains { $0.failed.isSet } }

    init(key: UInt64) {
        self.key = key
    }

    /// The cache for the next build: every story of `content` but those of `excluded` files,
    /// with the stamps of the files read (`stamps`) or, for those not read, the `previous` ones.
    /// Pages are added as they are written (``recordPage(_:modelHash:outputHash:)``).
    /// Stamps are kept only when settled at `now`, the clock's instant (``FileStamp/settled(at:)``).
    init(
        key: UInt64, stories content: Content, stamps: [String: FileStamp], except excluded: Set<String>,
        previous: [String: FileStamp] = [:], now: Int
    ) {
        self.key = key
        for story in content.stories where !excluded.contains(story.path) {
            let stamp = (stamps[story.path] ?? previous[story.path]).flatMap { $0.settled(at: now) }
            stories[story.path] = StoryEntry(path: story.path, story: story, stamp: stamp)
        }
    }

    mutating func recordPage(_ path: String, modelHash: UInt64, outputHash: UInt64) {
        pages[path] = PageEntry(path: path, modelHash: modelHash, outputHash: outputHash)
    }

    static let folderName = ".cxsite-cache"
    /// Stories are spread over this many files by the hash of their path, so a build that
    /// changed one story rewrites one small file, not the whole cache.
    private static let shardCount = 16
    private static let pagesFile = "pages"
    private static let responsesFile = "responses"
    private static func storiesFile(_ shard: Int) -> String { "stories-\(shard)" }
    /// The first line of every cache file; the number changes when the header does.
    private static let magic = Array("cxsite-build-cache 7\n".utf8)

    /// Why the cache folder of the site in `source` cannot be used, or nil: cxsite never
    /// reads or writes it through a link, nor replaces a file that stands in its place.
    static func folderProblem(in source: URL) -> String? {
        switch OutputFolder.fileType(source.appendingPathComponent(folderName).path) {
        case nil, S_IFDIR?: nil
        case S_IFLNK?:
            "\(folderName) is a symbolic link, which cxsite never writes through: remove it (cxsite makes the folder itself), or build with --no-cache"
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
    static func key(configText: String, design: Design, options: BuildOptions) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(cxsiteVersion)
        hasher.combine(executableIdentity)
        hasher.combine(MarkdownRenderer.libraryVersion)
        hasher.combine(configText)
        hasher.combine(design.fingerprint)
        hasher.combine(options.includeDrafts ? 1 : 0)
        hasher.combine(options.useGit ? 1 : 0)
        hasher.combine(options.clock.sourceDateEpoch ?? -1)
        return hasher.finalize()
    }

    /// The running binary's size and modification time: a cxsite built from other code (at
    /// the same version number) does not trust what this one cached.
    private static let executableIdentity: UInt64 = {
        var hasher = StableHasher()
        if let stamp = FileStamp(followingLinksAt: "/proc/self/exe") {
            hasher.combine(stamp.size)
            hasher.combine(stamp.modified)
        }
        return hasher.finalize()
    }()

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
        if let bytes = contents(pagesFile), let pages = try? unsealed(bytes, key: key, as: PageEntry.self) {
            cache.pages = Dictionary(pages.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            found = true
        }
        if let bytes = contents(responsesFile), let list = try? unsealed(bytes, key: key, as: ResponseList.self) {
            cache.responses = Dictionary(list.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            cache.joinedLinks = list.joined
            found = true
        }
        let shards = Array(0..<shardCount).concurrentMap { shard -> (entries: [StoryEntry], file: CachedText.File)? in
            try? stories(in: folder.appendingPathComponent(storiesFile(shard)).path, key: key)
        }
        for (shard, read) in shards.enumerated() {
            guard let (entries, file) = read else { continue }
            found = true
            cache.textFiles.append(file)
            cache.storiesPerShard[shard] = entries.count
            for entry in entries where cache.stories[entry.path] == nil { cache.stories[entry.path] = entry }
        }
        return found ? cache : nil
    }

    /// Writes the cache beside the site's content, each file to a temporary file first,
    /// renamed over the old one, so a reader never sees half a file. A shard is written only
    /// when it holds other stories than `previous` read, or any story not in `reused`: when
    /// every story of a shard is reused, each was in the shard `previous` read, so the same
    /// count means the same stories.
    func write(in source: URL, previous: BuildCache?, reused: Set<String>) throws {
        let folder = try Self.makeFolder(in: source)
        // Temporary files of builds killed while they saved the cache (not those of a build
        // still running).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard let mark = name.range(of: ".tmp-"), let pid = Int32(name[mark.upperBound...]),
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
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
        var shards = [[StoryEntry]](repeating: [], count: Self.shardCount)
        var readAgain = [Bool](repeating: false, count: Self.shardCount)
        for (path, entry) in stories {
            let shard = Self.shard(of: path)
            shards[shard].append(entry)
            if !reused.contains(path) { readAgain[shard] = true }
        }
        for (shard, entries) in shards.enumerated() {
            if let previous, previous.key == key, !readAgain[shard], previous.storiesPerShard[shard] == entries.count { continue }
            let output = CacheCoding.Output()
            output.list(entries.sorted { $0.path < $1.path }) { $1.write(to: $0) }
            try save(Self.sealed(output.bytes, key: key) + output.texts, as: Self.storiesFile(shard))
        }
        try save(Self.sealed(CacheCoding.encode(records: pages.values.sorted { $0.path < $1.path }), key: key), as: Self.pagesFile)
        // The responses' totals are saved again only when some file was read again.
        let responsesKept =
            previous.map { previous in
                previous.key == key && previous.joinedLinks?.key == joinedLinks?.key && previous.responses.count == responses.count
                    && responses.allSatisfy { path, entry in
                        previous.responses[path].map { $0.stamp == entry.stamp && $0.tagging == entry.tagging } ?? false
                    }
            } ?? false
        if !responsesKept {
            let list = ResponseList(files: responses.values.sorted { $0.path < $1.path }, joined: joinedLinks)
            try save(Self.sealed(try CacheCoding.encode(list), key: key), as: Self.responsesFile)
        }
    }

    // MARK: Files

    /// The file's bytes: the format line, the key, the length and a hash of the encoded
    /// value, then the value.
    private static func sealed(_ payload: [UInt8], key: UInt64) -> [UInt8] {
        let header = CacheCoding.Output()
        header.bytes = magic
        header.uint64(key)
        header.int(payload.count)
        header.uint64(StableHasher.hash(payload))
        return header.bytes + payload
    }

    /// The value a file holds, when its format, key, length and hash are as expected.
    private static func unsealed<Value: Decodable>(_ bytes: [UInt8], key: UInt64, as type: Value.Type) throws -> Value {
        try CacheCoding.decode(type, from: payload(of: bytes, key: key))
    }

    /// The stories of a shard file, when its format, key, length and hash are as expected. The
    /// file's values are read now; its texts (the stories' HTML, after the values) when a
    /// page needs them, through the file kept open.
    private static func stories(in path: String, key: UInt64) throws -> (entries: [StoryEntry], file: CachedText.File) {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw CacheCoding.Damaged() }
        let file = CachedText.File(descriptor: descriptor)
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw CacheCoding.Damaged() }
        let headerSize = magic.count + 24
        guard let header = file.bytes(headerSize, at: 0), header.starts(with: magic) else { throw CacheCoding.Damaged() }
        var input = CacheCoding.Input(bytes: header, offset: magic.count)
        guard try input.uint64() == key else { throw CacheCoding.Damaged() }
        let length = try input.int()
        let hash = try input.uint64()
        let size = Int(info.st_size)
        guard length >= 0, length <= size - headerSize, let values = file.bytes(length, at: headerSize), StableHasher.hash(values) == hash
        else { throw CacheCoding.Damaged() }
        var records = CacheCoding.Input(bytes: values)
        records.texts = (file, headerSize + length, size - headerSize - length)
        let entries = try records.list { try StoryEntry(reading: &$0) }
        guard records.offset == values.count else { throw CacheCoding.Damaged() }
        return (entries, file)
    }

    /// The records a file holds, when its format, key, length and hash are as expected.
    private static func unsealed<Record: CacheRecord>(_ bytes: [UInt8], key: UInt64, as type: Record.Type) throws -> [Record] {
        try CacheCoding.decode(records: type, from: payload(of: bytes, key: key))
    }

    /// The encoded value after a file's header, when its format, key, length and hash are as
    /// expected.
    private static func payload(of bytes: [UInt8], key: UInt64) throws -> [UInt8] {
        guard bytes.starts(with: magic) else { throw CacheCoding.Damaged() }
        var input = CacheCoding.Input(bytes: bytes, offset: magic.count)
        guard try input.uint64() == key else { throw CacheCoding.Damaged() }
        let length = try input.int()
        let hash = try input.uint64()
        let payload = Array(bytes[input.offset...])
        guard length == payload.count, StableHasher.hash(payload) == hash else { throw CacheCoding.Damaged() }
        return payload
    }
}

/// Caching around the story parser: a story file whose text hashes as it did when the
/// previous build parsed it (without a warning) is taken from the cache, its markdown with it.
struct StoryCache: Sendable {
    let entries: [String: BuildCache.StoryEntry]

    func story(for file: SourceFile) -> Story? {
        guard let story = entries[file.path]?.story, story.sourceHash == StableHasher.hash(file.text) else { return nil }
        return story
    }

    /// The story of a file not read, because its stamp is as the entry's.
    func story(unchangedAt path: String) -> Story? { entries[path]?.story }

    /// The stamps of the files the entries were made from.
    var stamps: [String: FileStamp] { entries.compactMapValues(\.stamp) }
}

/// Caching around page rendering: a page whose template and model hash as they did when the
/// previous build rendered it, and whose bytes the spare still holds, is kept, not rendered.
struct PageCache: Sendable {
    let previous: [String: BuildCache.PageEntry]
    /// Whether the output being updated (the spare on disk, the previous site in memory)
    /// still holds, at a path, the bytes that hash so.
    let holds: @Sendable (_ path: String, _ outputHash: UInt64) -> Bool

    /// The hash of the bytes the output holds for `path`, when they were rendered from a
    /// model hashing to `modelHash`.
    func keptOutput(_ path: String, modelHash: UInt64) -> UInt64? {
        guard let entry = previous[path], entry.modelHash == modelHash, holds(path, entry.outputHash) else { return nil }
        return entry.outputHash
    }
}
