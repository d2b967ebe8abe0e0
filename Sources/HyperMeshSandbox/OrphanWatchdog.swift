#if canImport(Glibc)
import Glibc
#endif

/// Ends the worker when its host is gone, even while the extension is inside a call that never
/// returns (a worker between calls already ends at the end of file on its socket): a thread waits
/// in `poll` for the host's end of the socket to close (POLLRDHUP or POLLHUP) and calls `_exit(3)`.
/// It costs nothing while it waits, and it works in any pid namespace (no `getppid` polling).
///
/// Started **after** the worker confined itself, so the thread runs under the same seccomp filter
/// and Landlock domain as the rest of the worker.
///
/// Not PR_SET_PDEATHSIG: that fires when the *thread* that spawned the worker ends, and the host
/// spawns from threads that come and go.
enum OrphanWatchdog {
    /// POLLRDHUP (Linux; not imported by Swift's Glibc module).
    static let pollReadHangUp: Int32 = 0x2000

    /// Starts the thread watching `socket`. False only if no thread can be made.
    static func start(watching socket: Int32) -> Bool {
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            let descriptor = Int32(truncatingIfNeeded: Int(bitPattern: argument))
            while true {
                var entry = pollfd(fd: descriptor, events: Int16(0x2000), revents: 0)
                let ready = poll(&entry, 1, -1)
                if ready < 0 && errno == EINTR { continue }
                if ready < 0 || entry.revents & Int16(0x2000 | POLLHUP | POLLERR | POLLNVAL) != 0 { _exit(3) }
            }
        }, UnsafeMutableRawPointer(bitPattern: Int(socket)))
        guard created == 0 else { return false }
        pthread_detach(thread)
        return true
    }
}
