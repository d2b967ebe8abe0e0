import Foundation

/// Waits, on the calling thread, for an async operation. libFuzzer calls a harness synchronously
/// on its own thread (never on the cooperative pool), and the signature verification of the signed
/// index is async; this bridge is for that one case. Not for code on the cooperative pool: it
/// blocks the thread it is called on until the operation ends (the replay tests call the
/// harnesses on a thread of their own for that reason).
enum BlockingWait {
    static func result<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            box.set(await operation())
            done.signal()
        }
        done.wait()
        return box.take()
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?

    func set(_ newValue: T) { lock.withLock { value = newValue } }
    func take() -> T { lock.withLock { value! } }
}
