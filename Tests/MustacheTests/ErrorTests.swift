import Diagnostics
import Mustache
import Testing

/// Syntax and render errors: exact message, line and column, source line and caret.
struct ErrorTests {
    struct SyntaxCase: CustomTestStringConvertible, Sendable {
        let kind: String
        let template: String
        let expected: String
        var testDescription: String { kind }
    }

    static let syntaxCases: [SyntaxCase] = [
        SyntaxCase(
            kind: "unclosed section", template: "<ul>\n  {{#stories}}\n  <li>{{title}}</li>\n</ul>\n",
            expected: """
                page.mustache:2:3: error: unclosed section 'stories': no '{{/stories}}' before the end of the template
                  {{#stories}}
                  ^
                """),
        SyntaxCase(
            kind: "mismatched close", template: "{{#a}}\n x {{/b}}\n",
            expected: """
                page.mustache:2:4: error: closing tag '{{/b}}' does not match '{{#a}}' opened at page.mustache:1:1
                 x {{/b}}
                   ^
                page.mustache:1:1: note: '{{#a}}' opened here
                {{#a}}
                ^
                """),
        SyntaxCase(
            kind: "close without open", template: "text {{/x}}",
            expected: """
                page.mustache:1:6: error: unexpected closing tag '{{/x}}': no section is open
                text {{/x}}
                     ^
                """),
        SyntaxCase(
            kind: "unclosed tag", template: "Hello\n\t{{name",
            expected: """
                page.mustache:2:2: error: unclosed tag: no '}}' after '{{'
                \t{{name
                \t^
                """),
        SyntaxCase(
            kind: "empty tag", template: "a {{ }} b",
            expected: """
                page.mustache:1:3: error: empty tag: a name is missing between the delimiters
                a {{ }} b
                  ^
                """),
        SyntaxCase(
            kind: "name with a space", template: "{{first name}}",
            expected: """
                page.mustache:1:1: error: invalid name 'first name': names cannot contain spaces
                {{first name}}
                ^
                """),
        SyntaxCase(
            kind: "bad delimiters", template: "x\n{{=<%=}}",
            expected: """
                page.mustache:2:1: error: invalid set-delimiters tag: expected two delimiters separated by a space, as in '{{=<% %>=}}'
                {{=<%=}}
                ^
                """),
        SyntaxCase(
            kind: "unclosed parent", template: "é {{<layout}}{{$body}}x{{/body}}",
            expected: """
                page.mustache:1:3: error: unclosed parent 'layout': no '{{/layout}}' before the end of the template
                é {{<layout}}{{$body}}x{{/body}}
                  ^
                """),
    ]

    @Test(arguments: syntaxCases)
    func syntaxError(_ example: SyntaxCase) {
        let errors = #expect(throws: DiagnosticList.self) { try Template(example.template, name: "page") }
        #expect(errors?.description == example.expected)
    }

    @Test func everySyntaxErrorIsReportedNotOnlyTheFirst() throws {
        let errors = #expect(throws: DiagnosticList.self) {
            try Template("{{/a}}\n{{ }}\n{{#b}}", name: "t")
        }
        #expect(errors?.diagnostics.map { "\($0.location!)" } == ["t.mustache:1:1", "t.mustache:2:1", "t.mustache:3:1"])
    }

    @Test func unknownParentIsAnErrorAtItsTag() {
        let errors = #expect(throws: DiagnosticList.self) {
            try TemplateSet(sources: ["page": "line one\n  {{<layuot}}{{/layuot}}\n", "layout": "x"])
        }
        #expect(
            errors?.description == """
                page.mustache:2:3: error: unknown parent 'layuot': no template 'layuot.mustache'
                  {{<layuot}}{{/layuot}}
                  ^
                """)
    }

    @Test(arguments: [
        ("self", ["loop": "a{{>loop}}"], "loop", "loop → loop → …"),
        ("pair", ["ping": "{{>pong}}", "pong": "{{>ping}}"], "ping", "ping → pong → ping → …"),
        ("parent", ["child": "{{<child}}{{/child}}"], "child", "child → child → …"),
    ])
    func unboundedRecursionEndsWithAnError(
        _ label: String, _ sources: [String: String], _ start: String,
        _ chainExcerpt: String
    ) throws {
        let set = try TemplateSet(sources: sources)
        let errors = #expect(throws: DiagnosticList.self, "\(label)") { try set.render(start, [:]) }
        let message = errors?.diagnostics.first?.message ?? ""
        #expect(message.hasPrefix("templates include themselves without end (stopped at 100 levels): "))
        #expect(message.contains(chainExcerpt))
    }

    @Test func recursionThroughABlockOverrideEnds() throws {
        let set = try TemplateSet(sources: ["layout": "{{$a}}{{/a}}", "page": "{{<layout}}{{$a}}{{$a}}x{{/a}}{{/a}}{{/layout}}"])
        // The inner {{$a}} inside the override is a slot filled by the same override: never ends.
        #expect(throws: DiagnosticList.self) { try set.render("page", [:]) }
    }

    @Test func strictModeReportsMissingNamesAndPartialsWithLocations() throws {
        let set = try TemplateSet(sources: ["page": "{{title}}\n{{#items}}{{nmae}}{{/items}}\n{{>footer}}"])
        let data: MustacheValue = ["title": "Q3", "items": [["name": "a"], ["name": "b"]]]
        #expect(try set.render("page", data) == "Q3\n\n")
        let errors = #expect(throws: DiagnosticList.self) {
            try set.render("page", data, options: RenderOptions(strict: true))
        }
        #expect(
            errors?.diagnostics.map { "\($0.location!): error: \($0.message)" } == [
                "page.mustache:2:11: error: 'nmae' resolves to nothing",
                "page.mustache:3:1: error: unknown partial 'footer': no template 'footer.mustache'",
            ])
        #expect(set.missingPartials().count == 1)
    }

    @Test func sectionsNestedTooDeeplyAreRefused() {
        let template = String(repeating: "{{#a}}", count: 500) + String(repeating: "{{/a}}", count: 500)
        let errors = #expect(throws: DiagnosticList.self) { try Template(template) }
        #expect(errors?.diagnostics.first?.message.contains("nested more than") == true)
    }

    /// Sections nested over lists repeat multiplicatively; past its budget a render stops
    /// with an error at the repeating section, even when the sections are empty.
    @Test(arguments: ["{{#a}}{{#a}}{{#a}}{{/a}}{{/a}}{{/a}}", "{{#a}}{{#a}}{{#a}}x{{/a}}{{/a}}{{/a}}"])
    func aRenderPastItsBudgetStops(_ text: String) throws {
        let template = try Template(text, name: "t", path: "t.mustache")
        let items = MustacheValue.array(Array(repeating: .object([:]), count: 1_000))
        let error = #expect(throws: RenderBudgetExceeded.self) {
            try template.render(.object(["a": items]), options: RenderOptions(maximumSteps: 1_000_000))
        }
        #expect(
            error?.diagnostic.message
                == "rendering 't' stopped after more than 1 million steps: sections nested inside lists repeat multiplicatively; nest fewer")
        #expect(error?.diagnostic.location?.line == 1)
    }
}
