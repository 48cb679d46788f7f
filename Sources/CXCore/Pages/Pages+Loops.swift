/// Closed loops: every story whose loop is open or closed, grouped by touchpoint and journey.
extension PageBuilder {
    func loopsPage(root: String) -> LoopsPage {
        let loops = site.openLoops
        func grouped(_ key: (Story) -> [String]) -> [LoopsPage.LoopGroup] {
            var groups: [String: [Story]] = [:]
            var order: [String] = []
            for story in loops {
                for name in key(story) {
                    if groups[name] == nil { order.append(name) }
                    groups[name, default: []].append(story)
                }
            }
            return order.map { name in
                LoopsPage.LoopGroup(name: name, loops: groups[name]!.map { loopRow($0, asOf: site.today, root: root) })
            }
        }
        let inventoryOrder = site.config.touchpoints.map(\.id)
        return LoopsPage(
            loops: loops.map { loopRow($0, asOf: site.today, root: root) },
            countText: "\(loops.countText) still waiting",
            hasLoops: !loops.isEmpty,
            todayText: site.today.longText,
            byOwner: grouped { [$0.owner ?? "No owner"] },
            byTouchpoint: grouped { story in
                let names = inventoryOrder.filter(story.touchpoints.contains).compactMap { site.config.touchpoint($0)?.name }
                return names.isEmpty ? ["No touchpoint"] : names
            })
    }

    /// An open loop as of `date`: its age in days and what is still to do.
    func loopRow(_ story: Story, asOf date: Day, root: String) -> LoopRow {
        let age = date.daysSinceEpoch - story.date.daysSinceEpoch
        let open = story.actions.filter { !$0.done }
        let overdue = open.filter { ($0.due ?? date) < date }
        return LoopRow(
            title: Typography.smarten(story.title),
            href: root + story.route.href,
            age: age,
            ageText: NumberText.counted(age, "day", "days"),
            stale: story.expectedClose.map { date > $0.date } ?? (age > Site.staleLoopDays),
            expectedText: story.expectedClose.map(Self.expectedText),
            owner: story.owner,
            loop: story.loop?.rawValue,
            outcome: story.outcome.rawValue,
            touchpoints: site.touchpoints(of: story).map {
                NamedLink(name: $0.name, href: root + Routes.touchpoint($0.id).href)
            },
            openActions: open.count,
            overdueActions: overdue.count,
            hasOverdue: !overdue.isEmpty,
            nextAction: open.first?.what)
    }

    /// "expected to close by 31 March 2027: the developer's contract is renegotiated".
    static func expectedText(_ expected: Story.ExpectedClose) -> String {
        "expected to close by \(expected.date.longText): \(expected.reason)"
    }
}
