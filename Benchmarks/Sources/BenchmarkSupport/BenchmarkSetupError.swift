/// Why a benchmark could not prepare its fixtures: a stable code, what failed and how to fix it,
/// and the underlying error. Benchmarks fail loudly rather than measure a failure path.
public struct BenchmarkSetupError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A fixture library could not be built or staged (see the cause for the compiler output).
        case fixtureBuildFailed = "bench.fixture_build_failed"
        /// `dlopen` or `dlsym` failed on a fixture library.
        case libraryLoadFailed = "bench.library_load_failed"
        /// The fixture's `hypermesh_extension_create` returned NULL or no handle function.
        case instanceCreateFailed = "bench.instance_create_failed"
        /// The runtime refused or failed what the benchmark needs it to do.
        case runtimeFailed = "bench.runtime_failed"
        /// A sanity check on the prepared data failed (e.g. a resolution of the wrong size).
        case sanityCheckFailed = "bench.sanity_check_failed"
    }

    public let code: Code
    public let message: String
    public let cause: String?

    public init(_ code: Code, _ message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "[\(code.rawValue)] \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}
