#if canImport(Glibc)
    import Glibc
#endif

/// How the cost of some work grows with its input, measured without a wall-clock limit: the
/// CPU time of the calling thread (which neither other work on the machine nor a faked clock
/// lengthens) for an input of size n and one of 4n, the least of three runs each. Linear work
/// costs about 4 times as much for the larger input, quadratic work about 16 times.
public enum LinearCost {
    /// The most `growth` may be for work that is linear: halfway, geometrically, between
    /// linear (4) and quadratic (16).
    public static let bound = 8.0

    /// How many times the work on an input of size `4 × n` costs that on size `n`. `input`
    /// makes the input of a size, unmeasured; `work` is what is measured.
    public static func growth<Input>(from n: Int, input: (Int) -> Input, _ work: (Input) -> Void) -> Double {
        let small = input(n)
        let large = input(4 * n)
        return leastTime { work(large) } / max(leastTime { work(small) }, 1e-6)
    }

    private static func leastTime(_ work: () -> Void) -> Double {
        (0..<3).map { _ in
            let start = threadTime()
            work()
            return threadTime() - start
        }.min() ?? 0
    }

    private static func threadTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
