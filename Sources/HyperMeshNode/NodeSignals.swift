import Dispatch
package import Foundation
import Logging
import Synchronization

/// SIGTERM and SIGINT for a node: the first starts the graceful shutdown, a second one exits at
/// once with status 130.
final class NodeSignals: Sendable {
    private let logger: Logger
    private let onFirst: @Sendable () async -> Void
    private let received = Atomic<Int>(0)
    /// The signal sources; touched only by `install` and `remove`, on the node's main task.
    nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

    init(logger: Logger, onFirst: @escaping @Sendable () async -> Void) {
        self.logger = logger
        self.onFirst = onFirst
    }

    func install() {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in handle(number) }
            source.resume()
            sources.append(source)
        }
    }

    func remove() {
        for source in sources { source.cancel() }
        sources.removeAll()
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }

    private func handle(_ number: Int32) {
        let count = received.add(1, ordering: .relaxed).newValue
        let name = number == SIGTERM ? "SIGTERM" : "SIGINT"
        if count == 1 {
            logger.notice("\(name): shutting down (drain in-flight calls, deactivate, flush the audit log); send it again to exit at once")
            let onFirst = self.onFirst
            Task { await onFirst() }
        } else {
            logger.warning("\(name) again: exiting now")
            exit(130)
        }
    }
}
