/// The one clock of a command: read once, at the command line's edge, and passed down to
/// everything that needs the date or the time (`init`, `new`, `build`, `check`, `serve`, the
/// build cache). Only the command line makes one from the system (`Clock.system()` in
/// `Sources/cxsite`): a test passes the clock it means, and no result depends on the day it runs.
public struct Clock: Sendable, Equatable {
    /// The instant the command started, in nanoseconds since 1970. A file whose stamp is older than it
    /// by two seconds has settled (``FileStamp/settled(at:)``): its stamp vouches for its content.
    public var instant: Int
    /// `SOURCE_DATE_EPOCH` (seconds since 1970), when set: the date a reproducible build is of,
    /// in place of the newest date in the content.
    public var sourceDateEpoch: Int?

    public init(instant: Int, sourceDateEpoch: Int? = nil) {
        self.instant = instant
        self.sourceDateEpoch = sourceDateEpoch
    }

    /// The clock at `day`'s midnight (UTC), with `SOURCE_DATE_EPOCH` when given.
    public init(day: Day, sourceDateEpoch: Int? = nil) {
        self.init(instant: day.daysSinceEpoch * 86_400 * 1_000_000_000, sourceDateEpoch: sourceDateEpoch)
    }

    /// The instant's date (UTC).
    public var day: Day {
        Day(secondsSince1970: instant.dividedRoundingDown(by: 1_000_000_000))
    }

    /// Today's date: `SOURCE_DATE_EPOCH`'s when set, else the instant's. New stories are dated
    /// so, and content dated after it is "from the future".
    public var today: Day {
        sourceDateEpoch.map(Day.init(secondsSince1970:)) ?? day
    }
}

extension Int {
    /// The quotient rounded towards minus infinity, so an instant before 1970 falls on its day.
    fileprivate func dividedRoundingDown(by divisor: Int) -> Int {
        let quotient = self / divisor
        return self % divisor < 0 ? quotient - 1 : quotient
    }
}
