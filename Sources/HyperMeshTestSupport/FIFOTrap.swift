import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A FIFO planted in a package folder, and a guard that keeps a test from hanging on it: if the
/// code under test still waits on the FIFO after `grace` (default 20 s), the guard opens the
/// FIFO's write end (and closes it) every 100 ms, which ends a reader blocked in `open` or `read`,
/// and records that it had to. A test then checks ``wasNeeded``: the code must have refused the
/// FIFO without waiting on it.
///
/// Call ``finish()`` once the code under test returned.
public final class FIFOTrap: Sendable {
    public let url: URL
    private let needed = NeededFlag()
    private let timer: Mutex<(any DispatchSourceTimer)?>

    /// Creates the FIFO at `url` (mode 0644).
    public init(at url: URL, grace: Duration = .seconds(20)) throws(TestSupportError) {
        self.url = url
        guard mkfifo(url.path, 0o644) == 0 else {
            throw TestSupportError(code: .fileSystem, message: "cannot make a FIFO at \(url.path)", cause: String(cString: strerror(errno)))
        }
        // A timer on a dispatch queue, not a sleeping thread: after `grace`, then every 100 ms.
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global())
        let needed = self.needed
        let path = url.path
        timer.setEventHandler {
            needed.value.store(true, ordering: .releasing)
            let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if descriptor >= 0 { close(descriptor) }
        }
        let milliseconds = Int(grace.components.seconds) * 1_000 + Int(grace.components.attoseconds / 1_000_000_000_000_000)
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(100))
        timer.resume()
        self.timer = Mutex(timer)
    }

    /// Stops the guard.
    public func finish() {
        timer.withLock { $0?.cancel() }
    }

    /// Whether the guard had to open the FIFO's write end: something waited on the FIFO.
    public var wasNeeded: Bool { needed.value.load(ordering: .acquiring) }
}

/// Whether the guard fired, shared with its timer's handler.
private final class NeededFlag: Sendable {
    let value = Atomic<Bool>(false)
}
