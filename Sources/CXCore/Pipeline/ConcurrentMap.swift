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

/// A flag any thread may raise and read.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    var isSet: Bool { lock.withLock { raised } }

    func set() { lock.withLock { raised = true } }
}
