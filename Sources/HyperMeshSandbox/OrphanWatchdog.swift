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
    /// Starts the thread, unless the parent is PID 1: a host that is a container's init needs no
    /// watchdog (when it ends, everything ends), and a worker whose host already died is reparented
    /// to init but reads the end of file on its socket at once. False only if no thread can be made.
    static func start() -> Bool {
        let host = getppid()
        guard watches(parent: host) else { return true }
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

    /// Whether a worker whose parent is `parent` needs the watchdog.
    static func watches(parent: pid_t) -> Bool { parent > 1 }
}
