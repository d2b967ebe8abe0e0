import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport

/// One fixture extension in a ``HyperMeshHost`` over a fresh state directory, activated: what an
/// embedder's calls go through (`host.call`).
public struct HostFixture: Sendable {
    public let host: HyperMeshHost
    public let id: String

    /// Builds and stages `org.bench.e000` under `root`, opens a host over it (unsigned allowed,
    /// everything declared granted, the call rate unthrottled, no audit file) and activates it.
    public static func start(under root: URL) async throws(BenchmarkSetupError) -> HostFixture {
        let packages = try FixturePackages.build(count: 1, under: root)
        let id = packages.ids[0]
        do {
            let host = try await HyperMeshHost(configuration: .init(
                stateDirectory: root.appendingPathComponent("state"), searchPaths: [packages.extensionsDirectory],
                trust: .allowUnsigned(), policy: .value(ActiveFixture.unthrottled), logger: QuietLogger.make(), auditLog: false))
            try await host.activate(id)
            return HostFixture(host: host, id: id)
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot open a host over \(id) under \(root.path)", cause: "\(error)")
        }
    }
}
