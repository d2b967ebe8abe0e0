import Foundation

/// The threads extension calls run on: a `TaskExecutor` with its own OS threads, so a native call
/// (and the blocking host functions it makes: SQLite, sockets, files) or a wasm call that runs to
/// its deadline never holds a thread of Swift's cooperative pool, which has one thread per core.
///
/// ``ExtensionRegistry/call(_:method:input:)`` runs each call here with
/// `withTaskExecutorPreference`. A caller that already runs on this executor (see ``run(_:)``)
/// pays no thread hop; any other pays two (there and back), a few microseconds.
///
/// Default size: ``defaultThreadCount`` (four threads, or two per core if that is more). A call that
/// blocks holds one of them until it returns; when all are busy, further calls wait in FIFO order.
/// Threads start on demand and end when the executor is released.
///
/// Not guaranteed: an in-process call that never returns keeps its thread for good.
public final class CallExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is a Sendable reference set once in init.
    private let threads: JobThreads

    /// Four threads, or two per active core if that is more.
    public static var defaultThreadCount: Int { max(4, 2 * ProcessInfo.processInfo.activeProcessorCount) }

    /// - Parameter threadCount: the most calls that run at once (at least 1); default
    ///   ``defaultThreadCount``.
    public init(threadCount: Int = CallExecutor.defaultThreadCount, name: String = "hm-call") {
        let box = ExecutorBox()
        threads = JobThreads(name: name, limit: threadCount) { job in
            guard let executor = box.executor else { return }
            job.runSynchronously(on: executor)
        }
        box.executor = asUnownedTaskExecutor()
    }

    deinit { threads.stop() }

    /// Threads running now.
    var startedThreads: Int { threads.threadCount }

    /// Whether the current task already prefers this executor (it runs inside ``run(_:)``).
    public var isPreferredByCurrentTask: Bool {
        withUnsafeCurrentTask { task in task?.unownedTaskExecutor == asUnownedTaskExecutor() }
    }

    /// Whether the calling thread is one of this executor's.
    public var ownsCurrentThread: Bool { threads.ownsCurrentThread }

    /// The most calls that run at once.
    public var threadCount: Int { threads.limit }

    public func enqueue(_ job: consuming ExecutorJob) {
        threads.enqueue(UnownedJob(job))
    }

    /// Runs `body` with this executor as the task's preferred executor: calls made inside reach
    /// extensions without a thread hop. For embedders that make many calls in a row.
    public func run<Result: Sendable, Failure: Error>(
        _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        try await withTaskExecutorPreference(self) { () async throws(Failure) -> Result in
            try await Self.enter(body)
        }
    }

    /// A nonisolated async function: entering it moves the task to its preferred executor, so the
    /// body runs on one of our threads even when it is a synchronous closure converted to async
    /// (whose thunk performs no switch of its own).
    private static func enter<Result, Failure: Error>(_ body: () async throws(Failure) -> Result) async throws(Failure) -> Result {
        try await body()
    }
}

/// The unowned reference a job runs on, set once right after the executor is initialised.
final class ExecutorBox: @unchecked Sendable {
    // @unchecked: written once in the owner's init before any job can be enqueued, then only read.
    var executor: UnownedTaskExecutor?
    var serial: UnownedSerialExecutor?
}
