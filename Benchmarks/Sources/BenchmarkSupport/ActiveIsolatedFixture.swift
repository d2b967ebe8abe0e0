import Foundation
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport

/// `isolated_extension.c` discovered, registered and activated in a fresh registry, in a
/// `hypermesh-sandbox` worker (`isolated`) or in-process (the same library, for reference), with
/// its call handle. The policy is ``ActiveFixture``'s: everything declared granted, no call rate.
public struct ActiveIsolatedFixture: Sendable {
    public let registry: ExtensionRegistry
    public let handle: ExtensionHandle
    public let package: IsolatedFixturePackage
    public var id: String { IsolatedFixturePackage.id }

    /// Stages, registers and activates the fixture under `root`, then checks that `echo` answers.
    public static func start(under root: URL, isolated: Bool) async throws(BenchmarkSetupError) -> ActiveIsolatedFixture {
        if isolated { _ = try SandboxExecutable.locate() }
        let package = try IsolatedFixturePackage.stage(under: root, isolated: isolated)
        let id = IsolatedFixturePackage.id
        do {
            let store = try StateStore(directory: root.appendingPathComponent("state"))
            let registry = ExtensionRegistry(stateStore: store, policy: ActiveFixture.unthrottled, logger: QuietLogger.make())
            let problems = await registry.registerAll(
                ExtensionDiscovery.discover(in: [package.extensionsDirectory], verifier: TestTrust.allowingUnsigned))
            guard problems.isEmpty else {
                throw BenchmarkSetupError(.runtimeFailed, "the isolated fixture was not registered", cause: "\(problems)")
            }
            try await registry.activate(id)
            let handle = try await registry.handle(for: id)
            let echo = try handle.call(method: "echo", input: Array("ping".utf8))
            guard echo == Array("ping".utf8) else {
                throw BenchmarkSetupError(.sanityCheckFailed, "echo answered \(echo)")
            }
            return ActiveIsolatedFixture(registry: registry, handle: handle, package: package)
        } catch let error as BenchmarkSetupError {
            throw error
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot activate \(id) (isolated: \(isolated)) under \(root.path)", cause: "\(error)")
        }
    }
}
