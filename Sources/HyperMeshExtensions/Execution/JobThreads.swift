import Foundation
import Synchronization

/// A few dedicated OS threads that run Swift jobs from one FIFO queue: the engine under
/// ``CallExecutor`` and ``RegistryExecutor``.
///
/// Hand-written because the runtime core does not depend on NIO (whose `NIOThreadPool` is not a
/// `TaskExecutor` anyway) and Dispatch queues give no bound on their threads. It is small: a queue
/// under a mutex, a semaphore counting queued jobs, threads started on demand up to `limit`.
///
/// Threads start lazily (the first job starts one; another starts whenever a job is queued while
/// every running thread is busy) and end when ``stop()`` is called: each finishes the job it runs,
/// and jobs still queued then are run by the last thread out, so no continuation is lost.
///
/// Idle threads park on a `DispatchSemaphore`. They are the host's own threads, and parking them
/// is what they are for: no task and no cooperative thread ever waits on it.
///
/// Not guaranteed: fairness between jobs of different tasks beyond FIFO order; a job that never
/// returns holds its thread for good (the executor has `limit - 1` threads left).
final class JobThreads: Sendable {
    private struct State {
        var queue: [UnownedJob] = []
        var head = 0
        var threads = 0
        var idle = 0
        var stopped = false
        var threadIDs: Set<UInt> = []
    }

    let name: String
    let limit: Int
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let run: @Sendable (UnownedJob) -> Void

    /// - Parameters:
    ///   - name: the threads' name, for `ps -L` and debuggers (best effort; at most 15 bytes).
    ///   - limit: the most threads that ever run at once (at least 1).
    ///   - run: runs one job on the calling thread (on the right executor).
    init(name: String, limit: Int, run: @escaping @Sendable (UnownedJob) -> Void) {
        self.name = name
        self.limit = max(1, limit)
        self.run = run
    }

    /// Queues `job`; wakes an idle thread, or starts one if none is idle and fewer than `limit` run.
    func enqueue(_ job: UnownedJob) {
        let wake = state.withLock { state -> Wake in
            state.queue.append(job)
            if state.idle > 0 { return .idleThread }
            guard state.threads < limit else { return .none }
            state.threads += 1
            return .newThread
        }
        switch wake {
        case .idleThread: available.signal()
        case .newThread: start()
        case .none: break
        }
    }

    /// Whether the calling thread is one of these threads.
    var ownsCurrentThread: Bool {
        let current = UInt(bitPattern: Int(bitPattern: pthread_self()))
        return state.withLock { $0.threadIDs.contains(current) }
    }

    /// How many threads run now (started and not ended).
    var threadCount: Int { state.withLock { $0.threads } }

    /// Ends each thread once the queue is empty. A job queued later still runs (a thread starts
    /// for it and ends after it).
    func stop() {
        let idle = state.withLock { state -> Int in
            state.stopped = true
            return state.idle
        }
        for _ in 0..<idle { available.signal() }
    }

    private enum Wake { case idleThread, newThread, none }
    private enum Step { case run(UnownedJob), wait, exit }

    private func start() {
        let thread = Thread { [self] in
            // Best effort: corelibs Foundation names the calling thread, and not always.
            Thread.current.name = String(name.prefix(15))
            state.withLock { _ = $0.threadIDs.insert(UInt(bitPattern: Int(bitPattern: pthread_self()))) }
            loop()
            state.withLock { _ = $0.threadIDs.remove(UInt(bitPattern: Int(bitPattern: pthread_self()))) }
        }
        thread.start()
    }

    private func loop() {
        while true {
            let step = state.withLock { state -> Step in
                if state.head < state.queue.count {
                    let job = state.queue[state.head]
                    state.head += 1
                    if state.head == state.queue.count {
                        state.queue.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    return .run(job)
                }
                if state.stopped {
                    state.threads -= 1
                    return .exit
                }
                state.idle += 1
                return .wait
            }
            switch step {
            case .run(let job):
                run(job)
            case .wait:
                available.wait()
                state.withLock { $0.idle -= 1 }
            case .exit:
                return
            }
        }
    }
}
