/// The serial executor of one ``ExtensionRegistry``: a dedicated OS thread.
///
/// The registry's own work blocks by nature: `dlopen`, an extension's `create`, `activate`,
/// `deactivate` and `destroy`, the start and reaping of a worker, hashing a payload, the state
/// hand-over, SQLite. On Swift's default actor executor that work would hold a thread of the
/// cooperative pool (one per core) for its whole length. Here it holds only this thread, and calls
/// never need it: they find their handle in the registry's ``CallTable``.
///
/// The thread starts with the first job and ends when the executor is released (after its registry).
///
/// Not guaranteed: registry operations are still serial: a slow `activate` delays an `inspect`
/// queued behind it (calls are not delayed).
final class RegistryExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked: the only stored property is a Sendable reference set once in init.
    private let thread: JobThreads

    init(name: String = "hm-registry") {
        let box = ExecutorBox()
        thread = JobThreads(name: name, limit: 1) { job in
            guard let executor = box.serial else { return }
            job.runSynchronously(on: executor)
        }
        box.serial = asUnownedSerialExecutor()
    }

    deinit { thread.stop() }

    func enqueue(_ job: consuming ExecutorJob) {
        thread.enqueue(UnownedJob(job))
    }
}
