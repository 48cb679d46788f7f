#if canImport(Glibc)
    import Glibc
#endif

/// How the cost of some work grows with its input, measured without a wall-clock limit: the
/// CPU time of the calling thread (which neither other work on the machine nor a faked clock
/// lengthens) for an input of size n and one of 4n. Linear work costs about 4 times as much for
/// the larger input, quadratic work about 16 times.
///
/// A thread's CPU time still grows when the machine is busy (a shared core's caches, page
/// faults under memory pressure), never shrinks: so the runs of both sizes are interleaved,
/// each size keeps its least time, and a ratio over the caller's limit is measured again, up
/// to `attempts` times, keeping the least. Work that really grows faster than its limit is
/// over it every time.
public enum LinearCost {
    /// The most `growth` may be for work that is linear: halfway, geometrically, between
    /// linear (4) and quadratic (16).
    public static let bound = 8.0

    /// How many times a ratio over the limit is measured before it is believed.
    static let attempts = 4

    /// How many times the work on an input of size `4 × n` costs that on size `n`: the least
    /// ratio measured, measuring again while it is not below `limit`. `input` makes the input
    /// of a size, unmeasured; `work` is what is measured.
    public static func growth<Input>(
        from n: Int, below limit: Double = bound, input: (Int) -> Input, _ work: (Input) -> Void
    ) -> Double {
        let small = input(n)
        let large = input(4 * n)
        var least = Double.infinity
        for _ in 0..<attempts where least >= limit {
            var smallTime = Double.infinity
            var largeTime = Double.infinity
            for _ in 0..<3 {
                smallTime = min(smallTime, cpuTime { work(small) })
                largeTime = min(largeTime, cpuTime { work(large) })
            }
            least = min(least, largeTime / max(smallTime, 1e-6))
        }
        return least
    }

    private static func cpuTime(_ work: () -> Void) -> Double {
        let start = threadTime()
        work()
        return threadTime() - start
    }

    private static func threadTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
