import Diagnostics
import Foundation
import Mustache

/// The site's design: the templates and assets pages are rendered with — the built-in set,
/// with any file of the site's `templates/` folder replacing the built-in file of the same
/// name. (Not the themes customers write about, which are `CommentTheme`s.)
struct Design: Sendable {
    let templates: TemplateSet
    /// The files of `templates/assets/` (the stylesheet), by path relative to `templates/`.
    let assets: [String: String]
    /// A hash of every file of the design, names and contents: what the build cache keys on.
    let fingerprint: UInt64

    /// The built-in design's files, by path relative to `templates/`.
    static var builtInFiles: [String: String] { BuiltinTheme.files }

    /// The design made of `files` (by path relative to `templates/`): the templates parsed,
    /// the assets kept; nil when a template has an error.
    static func make(_ files: [String: SourceFile]) -> (Design?, [Diagnostic]) {
        var sources: [String: String] = [:]
        var paths: [String: String] = [:]
        var assets: [String: String] = [:]
        for (name, file) in files {
            if name.hasSuffix(".mustache") {
                let templateName = String(name.dropLast(".mustache".count))
                sources[templateName] = file.text
                paths[templateName] = file.path
            } else if name.hasPrefix("assets/") {
                assets[name] = file.text
            }  // other files (notes, a README) are not part of the design
        }
        do {
            let templates = try TemplateSet(sources: sources, paths: paths)
            var hasher = StableHasher()
            for (name, file) in files.sorted(by: { $0.key < $1.key }) {
                hasher.combine(name)
                hasher.combine(file.text)
            }
            return (Design(templates: templates, assets: assets, fingerprint: hasher.finalize()), [])
        } catch let errors as DiagnosticList {
            return (nil, errors.diagnostics)
        } catch {
            return (nil, [Diagnostic(.error, "the templates could not be loaded: \(error)")])
        }
    }
}
