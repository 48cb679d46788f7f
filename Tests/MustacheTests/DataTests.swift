import Foundation
import Mustache
import Testing

/// Data from Swift values, JSON and YAML, and how values print.
struct DataTests {
    @Test(arguments: [
        (MustacheValue.double(1.5), "1.5"), (.double(2.0), "2"), (.int(42), "42"), (.double(-0.25), "-0.25"),
        (.bool(true), "true"), (.null, ""), (.string("a&b"), "a&amp;b"),
    ])
    func valuesPrintAsTheSpecShows(_ value: MustacheValue, _ expected: String) throws {
        #expect(try Template("{{v}}").render(["v": value]) == expected)
    }

    @Test func jsonDocumentsKeepIntegersAndBooleans() throws {
        let data = try MustacheValue(json: Data(#"{"n": 85, "x": 1.5, "ok": true, "list": [1, 2], "none": null}"#.utf8))
        #expect(
            try Template("{{n}} {{x}} {{#ok}}yes{{/ok}} {{#list}}[{{.}}]{{/list}} {{^none}}-{{/none}}").render(data)
                == "85 1.5 yes [1][2] -")
    }

    @Test func escapingCoversQuotesForAttributes() {
        #expect(HTML.escape(#"<a href="x" title='y'>&"#) == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;")
    }

    @Test func templateSetsLoadFoldersWithSubfolderNames() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mustache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("partials"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<main>{{$body}}{{/body}}</main>".write(to: folder.appendingPathComponent("layout.mustache"), atomically: true, encoding: .utf8)
        try "{{<layout}}{{$body}}{{>partials/card}}{{/body}}{{/layout}}".write(
            to: folder.appendingPathComponent("page.mustache"), atomically: true, encoding: .utf8)
        try "<p>{{title}}</p>".write(to: folder.appendingPathComponent("partials/card.mustache"), atomically: true, encoding: .utf8)
        let set = try TemplateSet(directory: folder)
        #expect(try set.render("page", ["title": "<Q3>"]) == "<main><p>&lt;Q3&gt;</p></main>")
    }

    @Test func aCompiledTemplateRendersManyTimes() throws {
        let template = try Template("{{#items}}{{.}},{{/items}}")
        for count in 0..<5 {
            let items = MustacheValue.array((0..<count).map { .int($0) })
            #expect(try template.render(["items": items]) == (0..<count).map { "\($0)," }.joined())
        }
    }
}
