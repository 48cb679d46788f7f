import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` on all cores; the order of results matches the order of elements.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer  // each iteration writes only its own slot
            DispatchQueue.concurrentPerform(iterations: count) { index in
                output[index] = transform(self[index])
            }
        }
        return results.map { $0! }
    }
}

extension Array where Element: Sendable {
    /// Folds the elements, in order, into the first by `combine`, which adds its second
    /// argument into its first: neighbours are combined in pairs, a round's pairs on all cores,
    /// each in place (no copy of what is combined into).
    mutating func combinePairwise(_ combine: @Sendable (inout Element, Element) -> Void) {
        while count > 1 {
            withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let elements = buffer  // each pair touches only its own two slots
                DispatchQueue.concurrentPerform(iterations: buffer.count / 2) { pair in
                    combine(&elements[2 * pair], elements[2 * pair + 1])
                }
            }
            self = stride(from: 0, to: count, by: 2).map { self[$0] }
        }
    }
}

/// Work started on a thread of its own when made; ``value`` waits for it. Its own thread, not
/// a dispatch queue's: a caller that itself runs on one of the few threads of the global
/// queues (a test, `serve`) and waits would otherwise wait for a thread it holds.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let finished = NSCondition()
    private var result: Value?  // guarded by `finished`

    init(_ work: @escaping @Sendable () -> Value) {
        Thread { [self] in
            let value = work()
            finished.withLock {
                result = value
                finished.broadcast()
            }
        }.start()
    }

    /// The work's value, once it is done.
    var value: Value {
        finished.withLock {
            while result == nil { finished.wait() }
            return result!
        }
    }
}

/// Values made once a key and kept, for any thread (two asking at once may both make one);
/// past `limit` keys, a value is made and not kept.
final class Memo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Key: Value] = [:]  // guarded by `lock`
    private let limit: Int

    init(limit: Int = .max) { self.limit = limit }

    /// The value kept for `key`, or the one `make` makes, kept. `make` runs outside the lock.
    func value(for key: Key, _ make: () throws -> Value) rethrows -> Value {
        if let known = lock.withLock({ values[key] }) { return known }
        let value = try make()
        lock.withLock {
            if values.count < limit { values[key] = value }
        }
        return value
    }
}

/// A flag any thread may raise and read.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    var isSet: Bool { lock.withLock { raised } }

    func set() { lock.withLock { raised = true } }
}
