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

/// Which pairs a key driver is made of: a touchpoint's CSAT or CES against the same people's
/// NPS, in one period.
struct DriverKey: Hashable, Sendable, Codable {
    var period: Int32
    var metric: SurveyMetric
    var touchpoint: Int16
}

extension [ResponseLink] {
    /// Each respondent's touchpoint scores paired with their NPS, period by period: a person
    /// who answered a metric at a touchpoint more than once counts with the mean of their
    /// answers. The NPS is the person's relationship NPS (the mean, if several) when they gave
    /// one, and else the mean of all their NPS answers (at touchpoints, of journeys). Sorts the links in place (a million take 16 MB; a sorted copy would
    /// take as much again).
    mutating func driverPairs() -> [DriverKey: PairSums] {
        sort { ($0.period, $0.respondent) < ($1.period, $1.respondent) }
        let sorted = self
        var pairs: [DriverKey: PairSums] = [:]
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count, sorted[end].period == sorted[start].period, sorted[end].respondent == sorted[start].respondent {
                end += 1
            }
            defer { start = end }
            // Most respondents answer once: nothing to pair.
            guard end - start > 1 else { continue }
            let person = sorted[start..<end]
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
        return pairs
    }
}
