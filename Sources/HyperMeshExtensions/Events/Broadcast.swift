import Synchronization

/// Fans values out to any number of `AsyncStream` listeners.
///
/// Publishing never blocks: each listener has a buffer of ``bufferSize`` values (default 1,024)
/// and the oldest are dropped when a slow listener falls behind. Not guaranteed: delivery of
/// values published before a listener subscribed (there is no replay).
public final class Broadcast<Element: Sendable>: Sendable {
    public let bufferSize: Int
    private let listeners = Mutex<[Int: AsyncStream<Element>.Continuation]>([:])
    private let nextListener = Atomic<Int>(0)

    public init(bufferSize: Int = 1024) {
        self.bufferSize = bufferSize
    }

    /// A stream of every value published from now on. It ends when the task iterating it is
    /// cancelled or when ``finish()`` is called.
    public func subscribe() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream<Element>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let id = nextListener.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.listeners.withLock { _ = $0.removeValue(forKey: id) }
        }
        return stream
    }

    public func publish(_ value: Element) {
        let current = listeners.withLock { Array($0.values) }
        for continuation in current { continuation.yield(value) }
    }

    /// Ends every listener's stream.
    public func finish() {
        let current = listeners.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for continuation in current { continuation.finish() }
    }

    /// Number of active listeners.
    public var listenerCount: Int { listeners.withLock { $0.count } }
}
