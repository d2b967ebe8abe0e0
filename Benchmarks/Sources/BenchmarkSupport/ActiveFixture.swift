import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport

/// One fixture extension, discovered, registered and activated in a fresh registry over a fresh
/// state store, with its call handle: what the call benchmarks call through.
public struct ActiveFixture: Sendable {
    public let registry: ExtensionRegistry
    public let id: String
    public let handle: ExtensionHandle
    /// The staged library, for the floor (which opens it again with `dlopen`).
    public let libraryPath: String

    /// Grants everything declared and lifts the call rate to its maximum (4.3 billion per second),
    /// so that the benchmark measures the token bucket's cost without being refused by it.
    static let unthrottled: SecurityPolicy = {
        var policy = TestPolicy.grantingEverythingDeclared
        policy.defaults.quotas = Quotas(operationsPerSecond: .max)
        return policy
    }()

    /// Builds and stages `org.bench.e000` under `root`, then discovers, registers and activates it.
    public static func start(under root: URL) async throws(BenchmarkSetupError) -> ActiveFixture {
        let packages = try FixturePackages.build(count: 1, under: root)
        let id = packages.ids[0]
        do {
            let store = try StateStore(directory: root.appendingPathComponent("state"))
            let registry = ExtensionRegistry(stateStore: store, policy: Self.unthrottled, logger: QuietLogger.make())
            let problems = await registry.registerAll(
                ExtensionDiscovery.discover(in: [packages.extensionsDirectory], verifier: TestTrust.allowingUnsigned))
            guard problems.isEmpty else {
                throw BenchmarkSetupError(.runtimeFailed, "the fixture package was not registered", cause: "\(problems)")
            }
            try await registry.activate(id)
            let handle = try await registry.handle(for: id)
            return ActiveFixture(registry: registry, id: id, handle: handle, libraryPath: packages.libraryPaths[0])
        } catch let error as BenchmarkSetupError {
            throw error
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot activate \(id) under \(root.path)", cause: "\(error)")
        }
    }
}
