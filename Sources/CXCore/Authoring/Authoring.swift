import Diagnostics
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `cxsite init` and `cxsite new`: starter files, filled in from the site's own config.
public enum Authoring {
    /// The files of a small working site: config with two journeys, stories, a briefing, a snapshot,
    /// and with `withTemplates` the built-in theme to customise.
    public static func starterSite(today: Day, withTemplates: Bool) -> [(path: String, text: String)] {
        let period = Period(containing: today, kind: .quarter)
        let earlier = Day(secondsSince1970: (today.daysSinceEpoch - 9) * 86_400)
        var files: [(String, String)] = [
            (
                "cxsite.yaml",
                """
                title: My company — CX briefing
                period: quarter            # or month
                touchpoints:               # every place customers meet you
                  - id: website
                    name: Website
                    channel: web           # optional: channel, owner, interactions
                    owner: Digital
                    interactions: [order, pay a bill]
                  - id: installation
                    name: Installation
                  - id: billing
                    name: Billing
                  - id: support
                    name: Support
                journeys:                  # the paths customers take through them
                  - id: joining
                    name: Joining
                    steps: [website, installation, support, billing]
                  - id: fault-repair
                    name: Fault repair
                    steps: [support, installation]
                metrics:                   # nps, csat and ces are built in; declare others here
                  - id: nps
                    target: 30
                  - id: retention
                    name: Customer retention
                    unit: percent
                    higher_is_better: true
                    target: 92
                markdown:
                  unsafe: false            # raw HTML in markdown stays off unless true

                """
            ),
            (
                "content/stories/first-failure.md",
                story(
                    title: "The engineer came, but the order had the wrong address", date: earlier, outcome: .failure,
                    touchpoints: ["website", "installation", "support"], customer: "A new customer",
                    quote: "I took the morning off and spent it on the phone.",
                    sections: [
                        "The order was placed online with the customer's old address. The engineer went there, "
                            + "and the customer waited at home all morning.",
                        "Support rebooked the visit for the next day and credited a month's fee.",
                        "The order form never asks whether the installation address differs from the billing one.",
                    ])
            ),
            (
                "content/stories/first-success.md",
                story(
                    title: "Support fixed the router on the first call", date: today, outcome: .success,
                    touchpoints: ["support"], customer: "A customer of six years",
                    quote: "Ten minutes, one call, done. That is how it should be.",
                    sections: [
                        "The router dropped every evening. The agent saw the pattern in the line log during the call.",
                        "A firmware update, pushed while the customer waited, and a follow-up text a week later.",
                        "The line log answers most evening-dropout calls on the first call.",
                    ])
            ),
            (
                "content/briefings/first-briefing.md",
                briefing(
                    title: "\(period.label) review", date: today, period: period,
                    success: "first-success", failure: "first-failure")
            ),
            (
                "content/metrics/\(period).csv",
                """
                period,metric,value,n,segment,touchpoint,target
                \(period.previous),nps,24,410,,,
                \(period),nps,28,455,,,
                \(period),nps,11,120,,installation,
                \(period.previous),retention,90.5,,,,
                \(period),retention,91.2,,,,

                """
            ),
            (
                ".gitignore",
                """
                # What cxsite builds: the site, its spare copy and manifests, the build cache.
                /public/
                /.public.cxsite*
                /.cxsite-cache/

                """
            ),
        ]
        if withTemplates {
            files += Design.builtInFiles.sorted { $0.key < $1.key }.map { ("templates/" + $0.key, $0.value) }
        }
        return files
    }

    /// A new story's file: front matter filled in, and the sections a CX lead writes, with
    /// `sections` as their text when given (empty, for the writer to fill in, otherwise).
    public static func story(
        title: String, date: Day, outcome: Outcome, touchpoints: [String],
        customer: String = "", quote: String = "", sections: [String] = []
    ) -> String {
        let lines = Story.Field.allCases.compactMap { field -> String? in
            let value: String
            switch field {
            case .title: value = yamlString(title)
            case .date: value = date.description
            case .outcome: value = outcome.rawValue
            case .customer: value = yamlString(customer)
            case .touchpoints: value = "[" + touchpoints.joined(separator: ", ") + "]"
            case .quote: value = yamlString(quote)
            case .tags, .themes, .journeys, .actions: value = "[]"
            case .left where outcome == .success: return nil
            case .left: value = ""
            case .status: value = outcome == .failure ? "open" : "closed"
            case .segment, .score, .owner, .loop: value = ""
            case .draft: return nil  // a new story is published unless the writer says otherwise
            case .image, .expectedClose: return nil  // rarely needed: the README shows them
            }
            let line = "\(field.rawValue): \(value)"
            guard let hint = field.hint else { return line }
            return line.padding(toLength: max(line.count + 1, 34), withPad: " ", startingAt: 0) + "# " + hint
        }
        let headings = ["What happened", "What we did", "What we learned"]
        return "---\n" + lines.joined(separator: "\n") + "\n---\n"
            + headings.indices.map { index in
                "## \(headings[index])\n\n" + (index < sections.count ? sections[index] + "\n\n" : "")
            }.joined()
    }

    /// A new briefing's file, opening with the given success and failure.
    public static func briefing(title: String, date: Day, period: Period, success: String?, failure: String?) -> String {
        let stories = [success, failure].compactMap { $0 }
        return """
            ---
            title: \(yamlString(title))
            date: \(date)
            period: \(period)
            stories:\(stories.isEmpty ? " []" : "")
            \(stories.map { "  - \($0)" }.joined(separator: "\n"))
            ---
            ## Agenda

            1. Customer stories: one success, one failure
            2. The numbers, and what is noise
            3. Open loops

            ## Decisions needed

            """.replacingOccurrences(of: "stories: []\n\n", with: "stories: []\n")
    }

    /// A file name for a title: lower-case ASCII letters and digits joined by hyphens.
    public static func slug(for title: String) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "en_US_POSIX"))
        var slug = ""
        for scalar in folded.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String((slug.isEmpty ? "untitled" : slug).prefix(80))
    }

    /// Why `slug` cannot name a story or briefing file (every later build would refuse it),
    /// or nil when it can.
    public static func fileNameProblem(_ slug: String) -> String? {
        Slug.problem(slug)
    }

    /// What `new` needs from the site: its config and its newest published success and failure.
    public struct SiteFacts: Sendable {
        public let period: PeriodKind
        public let touchpoints: [String]
        public let newestSuccess: String?
        public let newestFailure: String?
    }

    /// Reads the site; throws its errors when it does not load.
    public static func facts(of source: URL) throws -> SiteFacts {
        let folder = SiteFolder(source)
        let (settingsSources, settingsLoadDiagnostics) = Load.settings(of: folder)
        let (sources, contentLoadDiagnostics) = Load.content(of: folder, into: settingsSources)
        let loadDiagnostics = settingsLoadDiagnostics + contentLoadDiagnostics
        let (settings, settingsDiagnostics) = Validate.settings(sources)
        var validator = settings.map { ContentValidator(config: $0.config) }
        let content = validator?.validate(sources, cache: nil).0
        let diagnostics = loadDiagnostics + settingsDiagnostics + (validator?.diagnostics ?? [])
        guard let settings, let content, !diagnostics.contains(where: \.isError) else {
            throw DiagnosticList(diagnostics.filter(\.isError).sorted())
        }
        let published = content.stories.filter { !$0.draft }.sorted(by: Story.newestFirst)
        return SiteFacts(
            period: settings.config.period, touchpoints: settings.config.touchpoints.map(\.id),
            newestSuccess: published.first { $0.outcome == .success }?.slug,
            newestFailure: published.first { $0.outcome == .failure }?.slug)
    }

    static func yamlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Writes `text` to a new file beside `path` and renames it over `path`. A file already at
    /// the new file's name is not cxsite's to remove: the command stops and names it.
    static func replace(_ path: String, with text: String, in source: URL) throws {
        let target = try OutputFolder.safeURL(for: path, in: source).path
        let temporary = target + ".cxsite-new"
        var created = false
        do {
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileSystemError("create", temporary) }
            created = true
            close(descriptor)
            try OutputFolder.write(Array(text.utf8), to: temporary)
            guard rename(temporary, target) == 0 else { throw FileSystemError("rename", target) }
        } catch let failure as FileSystemError {
            if created { unlink(temporary) }
            throw DiagnosticList([Diagnostic(.error, failure.description)])
        }
    }
}
