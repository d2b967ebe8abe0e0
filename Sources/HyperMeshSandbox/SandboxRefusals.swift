#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshSandbox

/// What the worker tells the host the sandbox refused while it served a request: the system calls
/// the seccomp filter trapped (noted by the SIGSYS handler, named here), and whether the extension
/// filled its descriptor table (the highest descriptor the open-files limit allows is open).
///
/// Not guaranteed: more than 32 refusals in one request are counted, not all named; a descriptor
/// table filled and emptied again within the request is not seen.
enum SandboxRefusals {
    /// The most events one report can hold: the ring's names, the count of the rest, the
    /// descriptor table. The host refuses a `refused` frame with more (a forged one).
    static let maximumEvents = Int(HYPERMESH_SANDBOX_REFUSAL_RING) + 2

    /// Runs after every request: without refusals it costs one atomic exchange (and one `fcntl`
    /// with an open-files limit), and allocates nothing.
    static func take(openFiles: UInt64?) -> [String] {
        let ring = Int(HYPERMESH_SANDBOX_REFUSAL_RING)
        var events: [String] = []
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: ring) { numbers in
            let total = Int(hypermesh_sandbox_take_refused(numbers.baseAddress, UInt32(ring)))
            guard total > 0 else { return }
            events = numbers.prefix(min(total, ring)).map { SeccompFilter.name(of: $0) }
            if total > ring { events.append("\(total - ring) more refused system calls") }
        }
        if let openFiles, openFiles > 0, openFiles <= 1 << 20, fcntl(Int32(openFiles - 1), F_GETFD) != -1 {
            events.append("a descriptor past the open-files limit (\(openFiles))")
        }
        return events
    }
}
