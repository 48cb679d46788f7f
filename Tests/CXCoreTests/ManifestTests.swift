import Testing

@testable import CXCore

/// The manifest of an output folder, read back as written, and refused whole when a line is
/// not one the writer makes.
struct ManifestTests {
    @Test func readsBackWhatItWrites() throws {
        var manifest = Manifest()
        manifest.entries["index.html"] = .init(hash: .max, disk: .init(size: 0, modified: -1_234_567_890))
        manifest.entries["stories/a b/ünïcode.html"] = .init(hash: 0, disk: .init(size: 1 << 40, modified: .max))
        manifest.entries["not-on-disk.html"] = .init(hash: 7, disk: nil)
        manifest.entries["a.html"] = .init(hash: 0xa0, disk: .init(size: 10, modified: .min))
        manifest.entries["static/tab\there.png"] = .init(hash: 1, disk: .init(size: 2, modified: 3))
        #expect(
            String(decoding: manifest.bytes, as: UTF8.self) == "cxsite-manifest 2\n"
                + "a0\t10\t-9223372036854775808\ta.html\n"
                + "ffffffffffffffff\t0\t-1234567890\tindex.html\n"
                + "1\t2\t3\tstatic/tab\there.png\n"
                + "0\t1099511627776\t9223372036854775807\tstories/a b/ünïcode.html\n")
        let read = try #require(Manifest.parse(manifest.bytes))
        #expect(read.bytes == manifest.bytes)
        #expect(read.entries.count == 4)
        #expect(read.entries["index.html"]?.disk == .init(size: 0, modified: -1_234_567_890))
    }

    @Test(arguments: [
        "cxsite-manifest 1\n", "cxsite-manifest 2\nff\t1\t2\n", "cxsite-manifest 2\nfg\t1\t2\tx\n",
        "cxsite-manifest 2\nff\t1\t\tx\n", "cxsite-manifest 2\n1ffffffffffffffff\t1\t2\tx\n",
        "cxsite-manifest 2\nff\t99999999999999999999\t2\tx\n", "cxsite-manifest 2\nff\t-\t2\tx\n", "",
    ])
    func refusesLinesItDoesNotWrite(_ text: String) {
        #expect(Manifest.parse(Array(text.utf8)) == nil)
    }
}
