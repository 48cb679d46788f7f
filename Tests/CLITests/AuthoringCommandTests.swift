import Foundation
import Testing

/// `cxsite init`, `cxsite new` and `cxsite check`, run as a user would.
struct AuthoringCommandTests {
    private let today = ["SOURCE_DATE_EPOCH": "1795392000"]  // 2026-11-23

    @Test func initWritesASiteThatBuildsAndRefusesToOverwrite() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        let first = try CXSiteBinary.run(["init", site])
        #expect(first.status == 0)
        #expect(first.stdout.hasPrefix("Created a site with 6 files in \(site)."))
        #expect(try CXSiteBinary.run(["build", "--source", site]).status == 0)
        #expect(FileManager.default.fileExists(atPath: site + "/public/index.html"))
        let again = try CXSiteBinary.run(["init", site, "--with-templates"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("\(site)/cxsite.yaml: error: refusing to overwrite an existing file"))
        #expect(!FileManager.default.fileExists(atPath: site + "/templates"))  // all or nothing
    }

    /// What stands in the way is found before anything is written: a link that points
    /// nowhere where a file goes, a file where a folder goes.
    @Test(arguments: [
        ("content/stories/first-failure.md", "refusing to overwrite an existing file"),
        ("content/briefings", "refusing to replace a file with a folder"),
    ])
    func initWritesNothingWhenSomethingIsInTheWay(_ blocked: String, _ message: String) throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        if blocked.hasSuffix(".md") {
            try FileManager.default.createDirectory(atPath: site + "/content/stories", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: site + "/" + blocked, withDestinationPath: "nowhere")
        } else {
            try scratch.write("site/" + blocked, "a file")
        }
        let result = try CXSiteBinary.run(["init", site])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(site)/\(blocked): error: \(message)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: site + "/cxsite.yaml"))
    }

    /// `cxsite freeze` keeps what a briefing showed; a late change to its period's figures then
    /// shows both; freezing again keeps the first unless `--replace`.
    @Test func freezeKeepsABriefingsFiguresAndABuildShowsBothWhenTheyChange() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site])
        let figures = site + "/content/briefings/first-briefing.figures.yaml"
        let frozen = try CXSiteBinary.run(["freeze", "first-briefing", "--source", site], environment: today)
        #expect(frozen.status == 0, "\(frozen.stderr)")
        #expect(frozen.stdout == figures + "\n")
        let text = try String(contentsOfFile: figures, encoding: .utf8)
        #expect(text.contains("frozen: 2026-11-23\n") && text.contains("shown: \"+28.0, n = 455\""), "\(text)")

        #expect(try CXSiteBinary.run(["build", "--source", site], environment: today).status == 0)
        let page = site + "/public/briefings/first-briefing.html"
        #expect(
            try String(contentsOfFile: page, encoding: .utf8).contains("Figures as frozen on 23 November 2026: no late response has changed them."))

        // Late responses move the period's NPS: the page shows the figure as frozen and as now.
        let snapshot = site + "/content/metrics/2026-Q4.csv"
        let rows = try String(contentsOfFile: snapshot, encoding: .utf8)
        try Data(rows.replacingOccurrences(of: "2026-Q4,nps,28,455,", with: "2026-Q4,nps,26,470,").utf8).write(to: URL(fileURLWithPath: snapshot))
        #expect(try CXSiteBinary.run(["build", "--source", site], environment: today).status == 0)
        let revised = try String(contentsOfFile: page, encoding: .utf8)
        #expect(revised.contains("1 figure has changed since 23 November 2026"))
        #expect(revised.contains("<tr><th scope=\"row\">Net Promoter Score</th><td>+28.0, n = 455</td><td>+26.0, n = 470</td></tr>"))
        let table = revised.firstMatch(of: /<aside class="revised"[\s\S]*?<\/aside>/).map { String($0.output) } ?? ""
        #expect(table.components(separatedBy: "<tr><th scope=\"row\">").count == 2)  // unchanged figures are not listed

        let again = try CXSiteBinary.run(["freeze", "first-briefing", "--source", site], environment: today)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds the figures frozen on 23 November 2026: --replace freezes today's"), "\(again.stderr)")
        #expect(try String(contentsOfFile: figures, encoding: .utf8) == text)
        #expect(try CXSiteBinary.run(["freeze", "first-briefing", "--replace", "--source", site], environment: today).status == 0)
        #expect(try String(contentsOfFile: figures, encoding: .utf8).contains("shown: \"+26.0, n = 470\""))

        let unknown = try CXSiteBinary.run(["freeze", "q9", "--source", site], environment: today)
        #expect(unknown.status == 1 && unknown.stderr.contains("no briefing 'q9': the site has first-briefing"), "\(unknown.stderr)")
    }

    @Test func themeAddFollowsASuggestedPhraseAndKeepsTheFileAsItWas() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site])
        let themes = site + "/content/themes.yaml"
        // No themes file yet: it is made.
        let first = try CXSiteBinary.run(["theme", "add", "on hold", "--source", site])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == themes + "\n")
        // A second theme keeps the first, and the comment a person wrote in between.
        try Data((try String(contentsOfFile: themes, encoding: .utf8) + "# billing next\n").utf8).write(to: URL(fileURLWithPath: themes))
        let second = try CXSiteBinary.run([
            "theme", "add", "refund came", "--id", "refunds", "--name", "Refunds",
            "--touchpoint", "billing", "--source", site,
        ])
        #expect(second.status == 0, "\(second.stderr)")
        let text = try String(contentsOfFile: themes, encoding: .utf8)
        #expect(text.contains("  - id: \"on-hold\"\n    name: \"On hold\"\n    match: [\"on hold\"]\n# billing next\n  - id: \"refunds\"\n"))
        #expect(text.contains("    touchpoint: \"billing\"\n    match: [\"refund came\"]\n"))
        #expect(try CXSiteBinary.run(["build", "--source", site]).status == 0)
        #expect(FileManager.default.fileExists(atPath: site + "/public/themes/refunds.html"))
        // The same id again, or a file whose shape an appended line would change: refused, untouched.
        let again = try CXSiteBinary.run(["theme", "add", "refund came", "--id", "refunds", "--source", site])
        #expect(again.status == 1 && again.stderr.contains("theme 'refunds' is already in content/themes.yaml"))
        try Data("themes: [{id: a, name: A, match: [x]}]\n".utf8).write(to: URL(fileURLWithPath: themes))
        let flow = try CXSiteBinary.run(["theme", "add", "on hold", "--source", site])
        #expect(flow.status == 1 && flow.stderr.contains("add it by hand"))
        #expect(try String(contentsOfFile: themes, encoding: .utf8) == "themes: [{id: a, name: A, match: [x]}]\n")
    }

    @Test func initWithTemplatesWritesTheThemeForCustomising() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        #expect(try CXSiteBinary.run(["init", site, "--with-templates"]).status == 0)
        for file in ["templates/layout.mustache", "templates/briefing.mustache", "templates/assets/style.css"] {
            #expect(FileManager.default.fileExists(atPath: site + "/" + file), "\(file) missing")
        }
        #expect(try CXSiteBinary.run(["build", "--source", site]).status == 0)
    }

    @Test func newStoryAndBriefingFillInTheFrontMatter() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site], environment: today)
        let story = try CXSiteBinary.run(
            [
                "new", "story", "Billed twice, again", "--outcome", "failure",
                "--touchpoint", "billing", "--touchpoint", "support", "--source", site,
            ],
            environment: today)
        #expect(story.status == 0, "\(story.stderr)")
        #expect(story.stdout == site + "/content/stories/billed-twice-again.md\n")
        let text = try String(contentsOfFile: site + "/content/stories/billed-twice-again.md", encoding: .utf8)
        #expect(text.hasPrefix("---\ntitle: \"Billed twice, again\"\ndate: 2026-11-23\noutcome: failure"))
        #expect(text.contains("touchpoints: [billing, support]"))

        let briefing = try CXSiteBinary.run(
            ["new", "briefing", "Q4 review", "--period", "2026-Q4", "--source", site],
            environment: today)
        #expect(briefing.stdout == site + "/content/briefings/q4-review.md\n")
        let notes = try String(contentsOfFile: site + "/content/briefings/q4-review.md", encoding: .utf8)
        #expect(notes.contains("period: 2026-Q4\nstories:\n  - first-success\n  - billed-twice-again\n"))
        #expect(try CXSiteBinary.run(["build", "--source", site]).status == 0)
    }

    @Test func newRefusesUnknownTouchpointsAndExistingFiles() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site])
        let unknown = try CXSiteBinary.run(["new", "story", "X", "--touchpoint", "shop", "--source", site])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown touchpoint 'shop'"))
        _ = try CXSiteBinary.run(["new", "story", "Same", "--source", site])
        let twice = try CXSiteBinary.run(["new", "story", "Same", "--source", site])
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("refusing to overwrite an existing file"))
    }

    /// `new` refuses a title whose file every later build would reject (issue #12).
    @Test(arguments: ["index", "Index", "INDEX!"])
    func newRefusesATitleThatMakesAReservedFileName(_ title: String) throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site])
        for kind in ["story", "briefing"] {
            let result = try CXSiteBinary.run(["new", kind, title, "--source", site])
            #expect(result.status != 0)
            #expect(
                result.stderr.contains(
                    "the title '\(title)' makes the file name 'index', which is taken by the list page of its section: choose another title"))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path("site/content/stories/index.md")))
        #expect(try CXSiteBinary.run(["build", "--source", site]).status == 0)
    }

    /// `new` writes through no folder link, as builds read through none.
    @Test func newRefusesToWriteThroughALinkedFolder() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site])
        try FileManager.default.createDirectory(atPath: scratch.path("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: scratch.path("site/content/stories"), toPath: scratch.path("elsewhere/stories"))
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path("site/content/stories"), withDestinationPath: scratch.path("elsewhere/stories"))
        let before = try FileManager.default.contentsOfDirectory(atPath: scratch.path("elsewhere/stories")).sorted()
        let result = try CXSiteBinary.run(["new", "story", "Through a link", "--source", site])
        #expect(result.status == 1)
        #expect(result.stderr.contains("content/stories is a symbolic link to a folder"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path("elsewhere/stories")).sorted() == before)
    }

    /// File-system failures name the path and the system's reason, never a Cocoa error code.
    @Test func aFileSystemFailureNamesThePathAndTheReason() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let tooLong = scratch.path(String(repeating: "a", count: 300))
        let result = try CXSiteBinary.run(["init", tooLong + "/site"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot create \(tooLong): File name too long\n")
    }

    @Test func checkWarnsAboutPlaceholdersUnreadFilesAndStoriesFromTheFuture() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site], environment: today)
        let created = try CXSiteBinary.run(["new", "story", "Left as written", "--source", site], environment: today)
        #expect(created.status == 0, "\(created.stderr)")
        try scratch.write("site/content/stories/notes.txt", "to do\n")
        try scratch.write("site/content/old/2019.md", "---\ntitle: Archived\n---\n")
        try scratch.write("site/content/responses/q3.xls", "old binary spreadsheet\n")
        try scratch.write("site/content/stories/ahead.md", "---\ntitle: Ahead\ndate: 2099-01-05\noutcome: failure\nstatus: open\n---\nSoon.\n")
        let result = try CXSiteBinary.run(["check", "--source", site, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let found = ((json?["diagnostics"] as? [[String: Any]]) ?? []).map { entry in
            "\(entry["path"] as? String ?? ""):\(entry["line"] as? Int ?? 0): \(entry["message"] as? String ?? "")"
        }
        let story = "content/stories/left-as-written.md"
        #expect(found.contains("\(story):5: 'customer' is empty: who was it? (a name and place, or a role, as in \"Priya S., Leeds\")"), "\(found)")
        #expect(found.filter { $0.hasPrefix(story) && $0.contains("is empty: write it, or remove the heading") }.count == 3)
        #expect(found.contains("content/stories/notes.txt:0: this file is not read: only .markdown, .md files are read there"))
        #expect(found.contains { $0.hasPrefix("content/old/2019.md:0: this file is not read: cxsite reads content/stories") })
        #expect(
            found.contains(
                "content/responses/q3.xls:0: this file is not read: only .csv, .tsv, .xlsm, .xlsx files are read there; save the spreadsheet as Excel Workbook (.xlsx)"
            ))
        #expect(found.contains { $0.hasPrefix("content/stories/ahead.md:3: 'Ahead' is dated 2099-01-05, after today") })
        // The story from the future moves no loop's age: today stays the newest date before it.
        _ = try CXSiteBinary.run(["build", "--source", site], environment: today)
        let loops = try String(contentsOfFile: site + "/public/loops/index.html", encoding: .utf8)
        #expect(!loops.contains("Ahead") && loops.contains("1 story still waiting"))
        let meant = try CXSiteBinary.run(["check", "--source", site, "--future"])
        #expect(!meant.stderr.contains("after today"))
    }

    /// A survey platform's export dropped in without a mapping: `check` names the platform
    /// and prints a mapping guessed from the file, to paste into cxsite.yaml.
    @Test func checkPrintsAMappingForAnExportItRecognises() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site], environment: today)
        try scratch.write(
            "site/content/responses/qualtrics/October.csv",
            "StartDate,Finished,RecordedDate,ResponseId,Q1,Q1_NPS_GROUP,Q2\n"
                + "Start Date,Finished,Recorded Date,Response ID,How likely are you to recommend us?,Group,Why?\n"
                + "{},{},{},{},{},{},{}\n"
                + "2026-10-14 09:12:33,1,2026-10-14 09:12:33,R_1,10,3,Quick and kind\n")
        let check = try CXSiteBinary.run(["check", "--source", site], environment: today)
        #expect(check.status == 1)
        #expect(
            check.stderr.contains(
                "content/responses/qualtrics/October.csv:1:1: error: this looks like a Qualtrics export, which cxsite reads through a mapping"))
        #expect(check.stderr.contains("\n    responses:\n      - files: \"qualtrics/*.csv\"\n        format: qualtrics\n"))
        #expect(check.stderr.contains("\n          - {column: Q1, metric: nps, comment: Q2}    # 0–10, asks about recommending"))
        let json = try CXSiteBinary.run(["check", "--source", site, "--format", "json"], environment: today)
        #expect(json.stdout.contains("\"attachment\" : ["))
    }

    @Test func checkExitsZeroOneOrTwoAndWritesNothing() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let site = scratch.path("site")
        _ = try CXSiteBinary.run(["init", site], environment: today)
        let clean = try CXSiteBinary.run(["check", "--source", site, "--strict"], environment: today)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(!FileManager.default.fileExists(atPath: site + "/public"))

        // A warning: the failure's loop has been open for more than 30 days.
        try scratch.write("site/content/stories/old.md", "---\ntitle: Old\ndate: 2026-01-05\noutcome: failure\nstatus: open\n---\nOld.\n")
        #expect(try CXSiteBinary.run(["check", "--source", site]).status == 0)
        #expect(try CXSiteBinary.run(["check", "--source", site, "--strict"]).status == 2)

        // Errors: a broken link in markdown and a template name that resolves to nothing.
        try scratch.write(
            "site/content/stories/links.md", "---\ntitle: Links\ndate: 2026-11-01\noutcome: success\n---\nSee [the other story](nope.html).\n")
        try scratch.write("site/templates/partials/metric-card.mustache", "<p>{{nmae}}</p>\n")
        let broken = try CXSiteBinary.run(["check", "--source", site, "--format", "json"])
        #expect(broken.status == 1)
        let json = try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any]
        let messages = (json?["diagnostics"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
        #expect(messages.contains("broken link 'nope.html': the site has no stories/nope.html"))
        #expect(messages.contains("'nmae' resolves to nothing"))
        let link = (json?["diagnostics"] as? [[String: Any]])?.first { ($0["message"] as? String)?.hasPrefix("broken link") == true }
        #expect(link?["path"] as? String == "content/stories/links.md")
        #expect(link?["line"] as? Int == 6)
        #expect(json?["errors"] as? Int == 2)
        // The same site still builds: a broken link is a warning there.
        let build = try CXSiteBinary.run(["build", "--source", site])
        #expect(build.status == 0)
        #expect(build.stderr.contains("warning: broken link 'nope.html'"))
    }
}
