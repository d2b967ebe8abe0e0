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
    private let needed = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)

    /// Creates the FIFO at `url` (mode 0644).
    public init(at url: URL, grace: Duration = .seconds(20)) throws(TestSupportError) {
        self.url = url
        guard mkfifo(url.path, 0o644) == 0 else {
            throw TestSupportError(code: .fileSystem, message: "cannot make a FIFO at \(url.path)", cause: String(cString: strerror(errno)))
        }
        let seconds = Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18
        let thread = Thread { [self] in
            Thread.sleep(forTimeInterval: seconds)
            while !finished.load(ordering: .acquiring) {
                needed.store(true, ordering: .releasing)
                let descriptor = open(url.path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
                if descriptor >= 0 { close(descriptor) }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        thread.start()
    }

    /// Stops the guard.
    public func finish() {
        finished.store(true, ordering: .releasing)
    }

    /// Whether the guard had to open the FIFO's write end: something waited on the FIFO.
    public var wasNeeded: Bool { needed.load(ordering: .acquiring) }
}
