import Diagnostics
import Markdown

/// A type the build cache writes and reads field by field, in ``CacheCoding``'s encoding,
/// rather than through `Codable`'s containers: the stories and the page list, read in their
/// thousands on every rebuild, where the containers' generic dispatch was most of the cost of
/// reading the cache. A record carries no member names: the cache's key changes with the
/// cxsite binary, so a file is never read by code other than the code that wrote it, and
/// `CacheRecordTests` holds each record to its type's stored properties.
protocol CacheRecord {
    func write(to output: CacheCoding.Output)
    init(reading input: inout CacheCoding.Input) throws
}

extension CacheCoding {
    static func encode(records: [some CacheRecord]) -> [UInt8] {
        let output = Output()
        output.list(records) { $1.write(to: $0) }
        return output.bytes
    }

    static func decode<Record: CacheRecord>(records: Record.Type, from bytes: [UInt8]) throws -> [Record] {
        var input = Input(bytes: bytes)
        let records = try input.list { try Record(reading: &$0) }
        guard input.offset == bytes.count else { throw Damaged() }
        return records
    }
}

extension CacheCoding.Output {
    func list<Item>(_ items: [Item], _ write: (CacheCoding.Output, Item) -> Void) {
        int(items.count)
        for item in items { write(self, item) }
    }

    func optional<Value>(_ value: Value?, _ write: (CacheCoding.Output, Value) -> Void) {
        bool(value != nil)
        if let value { write(self, value) }
    }

    func strings(_ items: [String]) { list(items) { $0.string($1) } }

    func choice(_ value: some RawRepresentable<String>) { string(value.rawValue) }
}

extension CacheCoding.Input {
    mutating func list<Item>(_ read: (inout CacheCoding.Input) throws -> Item) throws -> [Item] {
        let count = try count()
        var items: [Item] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try read(&self)) }
        return items
    }

    mutating func optional<Value>(_ read: (inout CacheCoding.Input) throws -> Value) throws -> Value? {
        try bool() ? try read(&self) : nil
    }

    mutating func strings() throws -> [String] { try list { try $0.string() } }

    /// One of an enumeration's cases, by its raw value; damaged when none has it.
    mutating func choice<Choice: RawRepresentable<String>>(_ type: Choice.Type) throws -> Choice {
        guard let value = Choice(rawValue: try string()) else { throw CacheCoding.Damaged() }
        return value
    }
}

extension BuildCache.StoryEntry: CacheRecord {
    func write(to output: CacheCoding.Output) {
        output.string(path)
        story.write(to: output)
        output.optional(stamp) { $1.write(to: $0) }
    }

    init(reading input: inout CacheCoding.Input) throws {
        path = try input.string()
        story = try Story(reading: &input)
        stamp = try input.optional { try FileStamp(reading: &$0) }
    }
}

extension BuildCache.PageEntry: CacheRecord {
    func write(to output: CacheCoding.Output) {
        output.string(path)
        output.uint64(modelHash)
        output.uint64(outputHash)
    }

    init(reading input: inout CacheCoding.Input) throws {
        path = try input.string()
        modelHash = try input.uint64()
        outputHash = try input.uint64()
    }
}

extension FileStamp: CacheRecord {
    func write(to output: CacheCoding.Output) {
        output.int(size)
        output.int(modified)
        output.int(changed)
        output.uint64(inode)
    }

    init(reading input: inout CacheCoding.Input) throws {
        size = try input.int()
        modified = try input.int()
        changed = try input.int()
        inode = try input.uint64()
    }
}

extension Story: CacheRecord {
    func write(to output: CacheCoding.Output) {
        output.string(slug)
        output.string(title)
        date.write(to: output)
        output.choice(outcome)
        output.optional(customer) { $0.string($1) }
        output.optional(segment) { $0.string($1) }
        output.strings(touchpoints)
        output.strings(journeys)
        output.optional(score) { $0.int($1) }
        output.optional(quote) { $0.string($1) }
        output.strings(tags)
        output.list(themes) { output, theme in
            output.string(theme.id)
            theme.location.write(to: output)
        }
        output.optional(owner) { $0.string($1) }
        output.optional(status) { $0.choice($1) }
        output.optional(loop) { $0.choice($1) }
        output.list(actions) { output, action in
            output.string(action.what)
            output.optional(action.owner) { $0.string($1) }
            output.optional(action.due) { $1.write(to: $0) }
            output.bool(action.done)
        }
        output.bool(draft)
        output.bool(left)
        output.optional(leftDate) { $1.write(to: $0) }
        output.optional(expectedClose) { output, close in
            close.date.write(to: output)
            output.string(close.reason)
        }
        output.optional(image) { output, image in
            output.string(image.path)
            image.location.write(to: output)
        }
        output.optional(dateLocation) { $1.write(to: $0) }
        output.optional(statusLocation) { $1.write(to: $0) }
        body.write(to: output)
        output.int(bodyLine)
        output.string(path)
        output.uint64(sourceHash)
    }

    convenience init(reading input: inout CacheCoding.Input) throws {
        self.init(
            slug: try input.string(), title: try input.string(), date: try Day(reading: &input), outcome: try input.choice(Outcome.self),
            customer: try input.optional { try $0.string() }, segment: try input.optional { try $0.string() },
            touchpoints: try input.strings(), journeys: try input.strings(), score: try input.optional { try $0.int() },
            quote: try input.optional { try $0.string() }, tags: try input.strings(),
            themes: try input.list { ThemeReference(id: try $0.string(), location: try SourceLocation(reading: &$0)) },
            owner: try input.optional { try $0.string() }, status: try input.optional { try $0.choice(LoopStatus.self) },
            loop: try input.optional { try $0.choice(LoopLevel.self) },
            actions: try input.list { input in
                Action(
                    what: try input.string(), owner: try input.optional { try $0.string() }, due: try input.optional { try Day(reading: &$0) },
                    done: try input.bool())
            },
            draft: try input.bool(), left: try input.bool(), leftDate: try input.optional { try Day(reading: &$0) },
            expectedClose: try input.optional { ExpectedClose(date: try Day(reading: &$0), reason: try $0.string()) },
            image: try input.optional { ImageReference(path: try $0.string(), location: try SourceLocation(reading: &$0)) },
            dateLocation: try input.optional { try SourceLocation(reading: &$0) },
            statusLocation: try input.optional { try SourceLocation(reading: &$0) }, body: try StoryBody(reading: &input),
            bodyLine: try input.int(), path: try input.string(), sourceHash: try input.uint64())
    }
}

extension Day: CacheRecord {
    func write(to output: CacheCoding.Output) {
        output.int(year)
        output.int(month)
        output.int(day)
    }

    /// A day that is not in the calendar is damage, not a day made up.
    init(reading input: inout CacheCoding.Input) throws {
        guard let day = Day(year: try input.int(), month: try input.int(), day: try input.int()) else { throw CacheCoding.Damaged() }
        self = day
    }
}

extension SourceLocation: CacheRecord {
    func write(to output: CacheCoding.Output) {
        output.string(path)
        output.int(line)
        output.int(column)
    }

    init(reading input: inout CacheCoding.Input) throws {
        self.init(path: try input.string(), line: try input.int(), column: try input.int())
    }
}

extension StoryBody: CacheRecord {
    /// The HTML goes to the text region; a text the cache no longer holds is written as
    /// missing, which makes the file read as damaged.
    func write(to output: CacheCoding.Output) {
        output.list(links) { output, link in
            output.string(link.destination)
            output.bool(link.isImage)
            output.int(link.line)
            output.int(link.column)
        }
        output.string(summary)
        output.list(pictures) { output, picture in
            output.string(picture.source)
            output.string(picture.alt)
        }
        output.optional(try? html()) { $0.text($1) }
    }

    init(reading input: inout CacheCoding.Input) throws {
        let links = try input.list {
            RenderedMarkdown.Link(destination: try $0.string(), isImage: try $0.bool(), line: try $0.int(), column: try $0.int())
        }
        let summary = try input.string()
        let pictures = try input.list { Picture(source: try $0.string(), alt: try $0.string()) }
        guard let text = try input.optional({ try $0.text() }) else { throw CacheCoding.Damaged() }
        self.init(links: links, summary: summary, pictures: pictures, text: .cached(text))
    }
}
