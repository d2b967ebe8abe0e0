#if canImport(Glibc)
import Glibc
#endif

/// Ends the worker when its host is gone, even while the extension is inside a call that never
/// returns (a worker between calls already ends at the end of file on its socket): a thread checks
/// every 250 ms that the parent is still the host and calls `_exit(3)` otherwise.
///
/// Not PR_SET_PDEATHSIG: that fires when the *thread* that spawned the worker ends, and the host
/// spawns from pool threads that come and go.
enum OrphanWatchdog {
    /// Starts the thread; false if the host has already gone (or no thread can be made).
    static func start() -> Bool {
        let host = getppid()
        guard host > 1 else { return false }
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            let host = pid_t(Int(bitPattern: argument))
            while getppid() == host { usleep(250_000) }
            _exit(3)
        }, UnsafeMutableRawPointer(bitPattern: Int(host)))
        guard created == 0 else { return false }
        pthread_detach(thread)
        return true
    }
}
