/// The build cache around one build: the previous build's cache, when it was made for this
/// build's key, and the one this build leaves. The stages are handed only its parts (the
/// stamps of unchanged story files, parsed stories, each response file's totals); none of
/// them knows the cache.
struct IncrementalBuild {
    /// The key of this build's cache; nil when not caching.
    let key: UInt64?
    /// The previous build's cache, made for the same key.
    let previous: BuildCache?
    /// The previous build's parsed stories.
    let stories: StoryCache?

    /// Reads the cache `source` names for a build of `settings` with `options`.
    init(_ settings: Settings, options: BuildOptions, source: SiteBuilder.CacheSource, in folder: SiteFolder) {
        let key: UInt64? =
            switch source {
            case .none: nil
            case .disk, .rewrite, .memory: settings.design.map { BuildCache.key(configText: settings.configText, design: $0, options: options) }
            }
        self.key = key
        previous = key.flatMap { key in
            switch source {
            case .none, .rewrite: nil
            case .disk: BuildCache.read(in: folder.root, key: key)
            case .memory(let previous): previous?.key == key ? previous : nil
            }
        }
        stories = previous.map { StoryCache(entries: $0.stories) }
    }

    /// The stamps of the story files as the previous build read them.
    var storyStamps: [String: FileStamp] { stories?.stamps ?? [:] }

    /// Each response file's totals as the previous build made them.
    var responses: [String: ResponseAggregator.FileTotals] { previous?.responses ?? [:] }

    /// The respondents' links as the previous build joined them.
    var joinedLinks: ResponseAggregator.JoinedLinks? { previous?.joinedLinks }

    /// The cache this build leaves, before its pages are added: the stories of `content` read
    /// from files with `stamps` (but for files with diagnostics, `except`), and the totals of
    /// the response files and their joined links; nil when not caching.
    func next(
        _ content: Content, stamps: [String: FileStamp], except: Set<String>, responses: ResponseAggregator.Cacheable, now: Int
    ) -> BuildCache? {
        key.map {
            var next = BuildCache(key: $0, stories: content, stamps: stamps, except: except, previous: storyStamps, now: now)
            for file in responses.files { next.responses[file.path] = file }
            next.joinedLinks = responses.joined
            return next
        }
    }
}
