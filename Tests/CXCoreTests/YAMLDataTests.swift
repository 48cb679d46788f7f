import CXCore
import Mustache
import Testing

/// YAML documents as template data (`cxsite render`).
struct YAMLDataTests {
    @Test func yamlDocumentsResolveScalars() throws {
        let data = try MustacheValue(yaml: "n: 85\nx: 1.5\nok: true\nquoted: 'true'\nlist: [a, b]\nnone: ~\n")
        #expect(
            try Template("{{n}} {{x}} {{#ok}}yes{{/ok}} {{quoted}} {{#list}}{{.}}{{/list}} {{^none}}-{{/none}}")
                .render(data) == "85 1.5 yes true ab -")
    }
}
