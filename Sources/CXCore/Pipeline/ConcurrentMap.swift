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

/// Work started on another thread when made; ``value`` waits for it.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchGroup()
    private var result: Value?  // written once by the work, read only after `done.wait()`

    init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async(group: done) { self.result = work() }
    }

    /// The work's value, once it is done.
    var value: Value {
        done.wait()
        return result!
    }
}

/// A flag any thread may raise and read.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    var isSet: Bool { lock.withLock { raised } }

    func set() { lock.withLock { raised = true } }
}
