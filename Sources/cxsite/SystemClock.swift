import CXCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Clock {
    /// The system's clock, read now: the time, and `SOURCE_DATE_EPOCH` from the environment
    /// when it is a number of seconds. The one place cxsite reads either: each command calls it
    /// once (`serve` once per rebuild) and passes the value down.
    static func system() -> Clock {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Clock(
            instant: Int(time.tv_sec) * 1_000_000_000 + Int(time.tv_nsec),
            sourceDateEpoch: ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) })
    }
}
