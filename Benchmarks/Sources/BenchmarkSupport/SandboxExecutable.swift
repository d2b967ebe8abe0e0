import HyperMeshSandbox

/// The `hypermesh-sandbox` worker executable the isolated benchmarks start.
///
/// The `Isolation` suite depends on the root package's `hypermesh-sandbox` product, so SwiftPM
/// builds it next to the benchmark executables (`Benchmarks/.build/release/`), where
/// ``WorkerProcess/locateExecutable(_:)`` finds it. `HYPERMESH_SANDBOX_EXECUTABLE` overrides that.
public enum SandboxExecutable {
    /// The worker's path, or a setup error that says how to build it.
    public static func locate() throws(BenchmarkSetupError) -> String {
        do {
            return try WorkerProcess.locateExecutable()
        } catch {
            throw BenchmarkSetupError(
                .runtimeFailed,
                "no hypermesh-sandbox worker executable; build it with `swift build -c release --product Isolation` "
                    + "in Benchmarks/ (or set \(WorkerProcess.executableEnvironmentKey) to its path)",
                cause: error.description)
        }
    }
}
