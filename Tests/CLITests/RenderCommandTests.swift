import Foundation
import Testing

/// `cxsite render TEMPLATE [--data FILE] [--partials DIR]`.
struct RenderCommandTests {
    @Test func printsExactlyTheRenderedTextWithJSONData() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let template = try scratch.write("card.mustache", "{{#stories}}<b>{{title}}</b> {{score}}\n{{/stories}}")
        let data = try scratch.write("data.json", #"{"stories": [{"title": "A & B", "score": 9}, {"title": "C", "score": 1.5}]}"#)
        let result = try CXSiteBinary.run(["render", template, "--data", data])
        #expect(result.status == 0)
        #expect(result.stdout == "<b>A &amp; B</b> 9\n<b>C</b> 1.5\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func noNewlineIsAdded() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let template = try scratch.write("t.mustache", "Hello, {{name}}")
        let data = try scratch.write("d.yaml", "name: world\n")
        let result = try CXSiteBinary.run(["render", template, "--data", data])
        #expect(result.stdout == "Hello, world")
    }

    @Test func partialsComeFromTheTemplatesFolderOrFromPartials() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let template = try scratch.write("page.mustache", "[{{>header}}]")
        try scratch.write("header.mustache", "own folder")
        try scratch.write("other/header.mustache", "other folder")
        #expect(try CXSiteBinary.run(["render", template]).stdout == "[own folder]")
        #expect(try CXSiteBinary.run(["render", template, "--partials", scratch.path("other")]).stdout == "[other folder]")
    }

    @Test func syntaxErrorsGoToStandardErrorWithExitStatusOne() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let template = try scratch.write("bad.mustache", "<ul>\n  {{#items}}\n</ul>\n")
        let result = try CXSiteBinary.run(["render", template])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr == """
                \(template):2:3: error: unclosed section 'items': no '{{/items}}' before the end of the template
                  {{#items}}
                  ^

                """)
    }

    @Test func recursionEndsWithAnErrorNotACrash() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let template = try scratch.write("loop.mustache", "x{{>loop}}")
        let result = try CXSiteBinary.run(["render", template])
        #expect(result.status == 1)
        #expect(result.stderr.contains("include themselves without end"))
    }

    @Test func badDataIsAnError() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let template = try scratch.write("t.mustache", "x")
        let data = try scratch.write("d.json", "{nope")
        let result = try CXSiteBinary.run(["render", template, "--data", data])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(data): error: not valid JSON"))
    }
}
