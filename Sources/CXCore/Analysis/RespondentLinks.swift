/// One scored answer of a named respondent, kept to pair a person's touchpoint scores with
/// their NPS (the key drivers): 16 bytes a response, so a million responses cost 16 MB.
struct ResponseLink: Sendable, Codable, Equatable {
    /// FNV-1a of the respondent id: ids are compared, never shown.
    var respondent: UInt64
    /// ``Period/ordinal`` of the response's period.
    var period: Int32
    /// The touchpoint's place in the inventory; ``relationship`` for a response that names
    /// neither a touchpoint nor a journey, ``journeyOnly`` for one that names only a journey.
    var touchpoint: Int16
    var metric: SurveyMetric
    var score: Int8

    static let relationship: Int16 = -1, journeyOnly: Int16 = -2

    /// Links as two words each, for the build cache: a million links are 16 MB to write and
    /// read, not a million structures.
    static func packed(_ links: [ResponseLink]) -> [UInt64] {
        var words: [UInt64] = []
        words.reserveCapacity(links.count * 2)
        for link in links {
            words.append(link.respondent)
            let metric: UInt64 = link.metric == .nps ? 0 : link.metric == .csat ? 1 : 2
            words.append(
                UInt64(UInt32(bitPattern: link.period)) << 32 | UInt64(UInt16(bitPattern: link.touchpoint)) << 16
                    | metric << 8 | UInt64(UInt8(bitPattern: link.score)))
        }
        return words
    }

    static func unpacked(_ words: [UInt64]) -> [ResponseLink] {
        stride(from: 0, to: words.count - 1, by: 2).map { index in
            let word = words[index + 1]
            let metric: SurveyMetric =
                switch (word >> 8) & 0xFF {
                case 0: .nps
                case 1: .csat
                default: .ces
                }
            return ResponseLink(
                respondent: words[index], period: Int32(bitPattern: UInt32(truncatingIfNeeded: word >> 32)),
                touchpoint: Int16(bitPattern: UInt16(truncatingIfNeeded: word >> 16)), metric: metric,
                score: Int8(bitPattern: UInt8(truncatingIfNeeded: word)))
        }
    }

    /// FNV-1a, 64 bits.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }
}

/// What Pearson's r needs of pairs (x, y): their number and sums.
struct PairSums: Sendable, Codable, Equatable {
    var n = 0
    var x = 0.0
    var y = 0.0
    var xx = 0.0
    var yy = 0.0
    var xy = 0.0

    mutating func add(_ a: Double, _ b: Double) {
        n += 1
        x += a
        y += b
        xx += a * a
        yy += b * b
        xy += a * b
    }
}

/// What a variance clustered by person needs of the answers named respondents gave to one
/// metric in one period and level, each answer as the value its metric averages (NPS: +1 a
/// promoter, −1 a detractor, 0 a passive; CSAT: 1 satisfied, else 0; CES: the score): for each
/// person, `Y` the sum of their answers and `m` how many they gave.
struct ClusterSums: Sendable, Equatable, Codable {
    /// People, and the answers they gave.
    var people = 0
    var answers = 0
    /// ΣY, and Σy² over the answers (the promoters and detractors among them).
    var sum = 0.0
    var squares = 0.0
    /// ΣY², ΣY·m and Σm² over the people.
    var yy = 0.0
    var ym = 0.0
    var mm = 0.0

    mutating func add(sum y: Int, squares: Int, answers m: Int) {
        // Sums of small integers: exact in a Double.
        people += 1
        answers += m
        sum += Double(y)
        self.squares += Double(squares)
        yy += Double(y * y)
        ym += Double(y * m)
        mm += Double(m * m)
    }

    /// The design effect of these people's repeated answers on a mean of `n` answers whose
    /// values sum to `total`, and their squares to `squares` (docs/metrics.md): the
    /// cluster-robust variance of the mean answer over the variance that treats each answer as
    /// a person of its own. Answers with no respondent id are a person each. Never below 1:
    /// clustering is only allowed to widen an interval, so a chance low never narrows one.
    func designEffect(total: Double, squares allSquares: Double, n: Int) -> Double {
        guard n > 1, answers <= n else { return 1 }
        let count = Double(n)
        let mean = total / count
        let clustered = yy - 2 * mean * ym + mean * mean * mm
        let alone = Double(n - answers)
        let aloneSum = total - sum
        let aloneSquares = allSquares - squares
        let single = aloneSquares - 2 * mean * aloneSum + mean * mean * alone
        let groups = Double(people) + alone
        let plain = (allSquares - count * mean * mean) / (count * (count - 1))
        guard groups > 1, plain > 0 else { return 1 }
        let robust = groups / (groups - 1) * (clustered + single) / (count * count)
        let ratio = robust / plain
        return ratio > 1 + 1e-9 ? ratio : 1  // rounding alone never makes a design effect
    }
}

/// Which answers a cluster sum covers: one metric in one period, everyone's or one level's.
struct ClusterKey: Hashable, Sendable, Codable {
    var period: Int32
    var metric: SurveyMetric
    var group: Scorecard.Group
}

/// Which pairs a key driver is made of: a touchpoint's CSAT or CES against the same people's
/// NPS, in one period.
struct DriverKey: Hashable, Sendable, Codable {
    var period: Int32
    var metric: SurveyMetric
    var touchpoint: Int16
}

extension [ResponseLink] {
    /// Orders the links by period, then person, keeping the order of each person's links. A
    /// file's parts sort theirs as they are read, in parallel: sorting the joined runs then
    /// only merges them.
    mutating func sortByPerson() {
        sort { ($0.period, $0.respondent) < ($1.period, $1.respondent) }
    }

    /// Each respondent's touchpoint scores paired with their NPS, period by period: a person
    /// who answered a metric at a touchpoint more than once counts with the mean of their
    /// answers. The NPS is the person's relationship NPS (the mean, if several) when they gave
    /// one, and else the mean of all their NPS answers (at touchpoints, of journeys). Also each
    /// period's answers summed by person and metric, everyone's and each level's, for the
    /// variance clustered by person. Sorts the links in place (a million take 16 MB; a sorted copy
    /// would take as much again).
    mutating func joinedByPerson() -> (pairs: [DriverKey: PairSums], clusters: [ClusterKey: ClusterSums]) {
        sortByPerson()
        let sorted = self
        var pairs: [DriverKey: PairSums] = [:]
        var clusters: [ClusterKey: ClusterSums] = [:]
        // The period's cluster sums in fixed slots (the links come a period at a time), moved
        // to `clusters` when the period ends: no dictionary lookup per person.
        var periodSums = PeriodClusters()
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, sorted[end].period == sorted[start].period, sorted[end].respondent == sorted[start].respondent {
                end += 1
            }
            defer { start = end }
            let person = sorted[start..<end]
            if person.first!.period != periodSums.period {
                periodSums.flush(into: &clusters)
                periodSums = PeriodClusters(period: person.first!.period)
            }
            periodSums.add(person)
            // Most respondents answer once: nothing to pair.
            guard end - start > 1 else { continue }
            var npsSum = 0
            var npsCount = 0
            var relationshipSum = 0
            var relationshipCount = 0
            for link in person where link.metric == .nps {
                npsSum += Int(link.score)
                npsCount += 1
                if link.touchpoint == ResponseLink.relationship {
                    relationshipSum += Int(link.score)
                    relationshipCount += 1
                }
            }
            guard npsCount > 0, npsCount < person.count else { continue }
            let npsMean = relationshipCount > 0 ? Double(relationshipSum) / Double(relationshipCount) : Double(npsSum) / Double(npsCount)
            var scores: [DriverKey: (sum: Int, count: Int)] = [:]
            for link in person where link.metric != .nps && link.touchpoint >= 0 {
                let key = DriverKey(period: link.period, metric: link.metric, touchpoint: link.touchpoint)
                scores[key, default: (0, 0)].sum += Int(link.score)
                scores[key, default: (0, 0)].count += 1
            }
            for (key, score) in scores { pairs[key, default: PairSums()].add(Double(score.sum) / Double(score.count), npsMean) }
        }
        periodSums.flush(into: &clusters)
        return (pairs, clusters)
    }
}

/// One period's cluster sums, a slot for each metric and each of everyone, the relationship
/// level and the transactional level.
private struct PeriodClusters {
    var period: Int32 = .min
    private var sums = [ClusterSums](repeating: ClusterSums(), count: 9)

    init(period: Int32 = .min) { self.period = period }

    private static let metrics: [SurveyMetric] = [.nps, .csat, .ces]
    private static let groups: [Scorecard.Group] = [.all, .relationship, .transactional]

    /// One person's answers of the period, summed by metric for everyone and for each level.
    mutating func add(_ person: ArraySlice<ResponseLink>) {
        // Per slot: the sum of the answers' values, of their squares, and how many.
        withUnsafeTemporaryAllocation(of: (y: Int, squares: Int, m: Int).self, capacity: 9) { slots in
            slots.initialize(repeating: (0, 0, 0))
            for link in person {
                let score = Int(link.score)
                let (metric, value) =
                    switch link.metric {
                    case .nps:
                        switch NPSBand(score: score) {
                        case .promoter: (0, 1)
                        case .detractor: (0, -1)
                        case .passive: (0, 0)
                        }
                    case .csat: (1, SurveyMetric.satisfiedScores.contains(score) ? 1 : 0)
                    case .ces: (2, score)
                    }
                func count(in slot: Int) {
                    slots[slot].y += value
                    slots[slot].squares += value * value
                    slots[slot].m += 1
                }
                count(in: metric * 3)  // everyone
                if link.touchpoint >= 0 {
                    count(in: metric * 3 + 2)  // transactional
                } else if link.touchpoint == ResponseLink.relationship {
                    count(in: metric * 3 + 1)
                }
            }
            for slot in 0..<9 where slots[slot].m > 0 {
                sums[slot].add(sum: slots[slot].y, squares: slots[slot].squares, answers: slots[slot].m)
            }
        }
    }

    /// The period's sums into `clusters`, by key.
    func flush(into clusters: inout [ClusterKey: ClusterSums]) {
        for (slot, sum) in sums.enumerated() where sum.people > 0 {
            clusters[ClusterKey(period: period, metric: Self.metrics[slot / 3], group: Self.groups[slot % 3])] = sum
        }
    }
}
