import Foundation
import TestSupport
import Testing
import Yams

@testable import CXCore

/// The front matter reader that spares most stories Yams: whatever it reads, it reads as Yams
/// does, to the node and the column; what it declines, Yams reads.
struct FlatYAMLTests {
    /// Yams' nodes for `yaml` as front matter is composed (basic resolver), or nil when Yams
    /// reports an error or an empty document.
    static func yams(_ yaml: String) -> YAMLNode? {
        (try? Yams.compose(yaml: yaml, .basic, .default, .utf8)).flatMap { $0.map(YAMLNode.init) }
    }

    @Test(arguments: [
        "title: Hello\ndate: 2026-03-18\n",
        "title: \"A \\\"quoted\\\" title\"\n",  // escapes: Yams'
        "quote: 'it''s fine'   # said twice\ntags: [a, 'b c', \"d\"]\ntouchpoints: []\n",
        "actions:\n  - what: \"Fix it\"\n    owner: Sam\n    due: 2026-04-30\n    done: true\n  - what: Again\nstatus: open\n",
        "tags:\n- a\n- \"b\"\n# a comment\n\nowner:\n",
        "title: Re: billing\n",  // a second mapping on one line: Yams' error
        "title: first\ntitle: again\n",  // duplicate keys: Yams' error
        "quote: a long\n  continued line\n",  // a plain scalar over two lines: Yams'
        "title: Zoë 🎉 “quoted”\nscore: 10 # out of 10\n",
    ])
    func readsWhatYamsReads(_ yaml: String) {
        if let flat = FlatYAML.compose(yaml) { #expect(flat == Self.yams(yaml), "\(yaml)") }
    }

    /// What each shape gives: read here (true) or left to Yams (false).
    @Test(arguments: [
        ("title: Hello\n", true),
        ("tags: [a, b]\nactions:\n  - what: x\n    owner: y\n", true),
        ("tags:\n  - a\n  - b\n", true),
        ("tags:\n- a\n- \"b\"\n# a comment\n\nowner:\nstatus: open\n", true),
        ("expected_close:\n  date: 2027-03-31\n  reason: sign-off\nloop: strategic\n", true),
        ("expected_close:\n  date: 2027-03-31\n   reason: sign-off\n", false),
        ("expected_close:\n  dates:\n    - 2027-03-31\n", false),
        ("title: \"a\\tb\"\n", false),
        ("title: Re: billing\n", false),
        ("title: first\ntitle: again\n", false),
        ("quote: a long\n  continued line\n", false),
        ("title: a\r\n", false),
        ("title:\ta\n", false),
        ("title: &x a\nother: *x\n", false),
        ("- a\n- b\n", false),
        ("", false),
    ])
    func declinesWhatItDoesNotRead(_ yaml: String, _ read: Bool) {
        #expect((FlatYAML.compose(yaml) != nil) == read, "\(yaml)")
    }

    /// Documents built from the pieces front matter is written with, and the ones that make it
    /// something else: wherever the reader answers, Yams gives the same nodes.
    @Test func randomDocumentsReadAsYamsReadsThem() {
        let keys = ["title", "date", "a", "b_c", "x-y", "Key9", "_u", "2k", "a.b", "ключ", "-k", "? k", "k k", "k"]
        let separators = [": ", ":", ":  ", " : ", ":\t", ": # c\n", ":"]
        // Values front matter is written with, and values that make a line something else.
        let values = [
            "plain", "two words", "a:b", "10:30", "x,y", "[a, b]", "[]", "[ a ,b ]", "[a, 'b c', \"d\"]", "[a b, c]",
            "\"q\"", "'it''s'", "\"a\" # c", "~", "null", "", "é ü", "x ", "  x  ", "\"\"", "''", "a,b", "a]b", "C#", "a#b",
            "\"a\"  ", "[\"a\", 'b''c']", "[ ]", "[a] # c", "\"é\" ", "2026-03-18", "'x'  # c", "a'b\"c", "ok?", "x:y:z",
        ]
        let oddValues = [
            "a: b", "a #c", "-5", "- x", "[a, ]", "[a, [b]]", "[a:b]", "[a #b]", "[,]", "[a, b", "\"q\\\"x\"", "'open", "\"open",
            "\"a\"#c", "'a' x", "# comment", "&anchor x", "*alias", "!tag x", "|", ">", "%x", "@x", "`x`", "{a: b}",
            "x\u{85}y", "x\u{2028}y", "\u{FEFF}x", "x\u{7F}", "tab\tx", "{", "}", "...", "---", "x:", "?x", ":x", "a : b",
            "ü: x", "'a'b", "[a]x", "[a, -b]", "[a, ?b]", "[é]", "[\"a\"b]",
        ]
        let indents = ["", " ", "  ", "   ", "    "]
        var random = SeededGenerator(state: 31)
        var read = 0
        for _ in 0..<20000 {
            var lines: [String] = []
            for _ in 0..<Int.random(in: 1...7, using: &random) {
                let value = (Int.random(in: 0..<6, using: &random) == 0 ? oddValues : values).randomElement(using: &random)!
                switch Int.random(in: 0..<14, using: &random) {
                case 0: lines.append(["", "   ", "# note", "  # note", "---", "..."].randomElement(using: &random)!)
                case 1, 2:
                    lines.append(indents.randomElement(using: &random)! + "- " + value)
                case 3:
                    let key = keys.randomElement(using: &random)!
                    lines.append(indents.randomElement(using: &random)! + "- " + key + ": " + value)
                case 4:
                    let key = keys.randomElement(using: &random)!
                    lines.append(indents.randomElement(using: &random)! + key + ": " + value)
                case 5: lines.append(keys.randomElement(using: &random)! + separators.randomElement(using: &random)! + value)
                case 6: lines.append(keys.randomElement(using: &random)! + ":")
                case 7: lines.append(indents.randomElement(using: &random)! + keys.prefix(8).randomElement(using: &random)! + ": " + value)
                default: lines.append(keys.prefix(8).randomElement(using: &random)! + ": " + value)
                }
            }
            let ending = Int.random(in: 0..<20, using: &random) == 0 ? "\r\n" : "\n"
            let yaml = lines.joined(separator: ending) + (Bool.random(using: &random) ? ending : "")
            guard let flat = FlatYAML.compose(yaml) else { continue }
            read += 1
            #expect(flat == Self.yams(yaml), "\(yaml.debugDescription)")
        }
        // The reader must answer often enough for the comparison to mean something.
        #expect(read > 1500, "only \(read) of 20,000 documents read")
    }

    /// The shapes the sample site's and the fixtures' stories are written in are all read here:
    /// were one left to Yams, the build would lose its speed without a test failing.
    @Test func readsEveryStoryOfTheSampleSite() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = root.appendingPathComponent("content/stories")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
        #expect(names.count > 5)
        for name in names {
            let file = SourceFile(path: name, text: try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
            guard case .success(let parts) = FrontMatter.split(file, what: "a story") else {
                Issue.record("\(name) has no front matter")
                continue
            }
            let flat = FlatYAML.compose(parts.yaml)
            #expect(flat != nil, "\(name)")
            #expect(flat == Self.yams(parts.yaml), "\(name)")
        }
    }
}

extension FlatYAMLTests {
    /// A column costs the same anywhere on a line: a list of thousands of items, in ASCII or
    /// not, is read in time linear in its length.
    @Test(arguments: ["bad", "été"])
    func aLongListIsReadInLinearTime(_ item: String) {
        let yaml: (Int) -> String = { count in "tags: [" + (0..<count).map { "\(item)\($0)" }.joined(separator: ", ") + "]\n" }
        #expect(FlatYAML.compose(yaml(3)) == Self.yams(yaml(3)))
        let growth = LinearCost.growth(from: 2_000, input: yaml) { #expect(FlatYAML.compose($0) != nil) }
        #expect(growth < LinearCost.bound)
    }
}
