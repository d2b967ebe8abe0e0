import Foundation
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport
import Synchronization

/// A ``ReloadSubject`` staged in both versions (each in its own search path, so discovery sees one
/// package per folder), version 1.0.0 registered and active in a fresh registry, and
/// ``reloadToTheOtherVersion()`` to hot-reload it to the version that is not running.
public final class ReloadFixture: Sendable {
    public let subject: ReloadSubject
    public let registry: ExtensionRegistry
    /// The two versions as discovery returned them: 1.0.0, then 1.0.1.
    public let packages: [DiscoveredPackage]
    private let reloads = Mutex(0)

    public var id: String { subject.id }

    private init(subject: ReloadSubject, registry: ExtensionRegistry, packages: [DiscoveredPackage]) {
        self.subject = subject
        self.registry = registry
        self.packages = packages
    }

    /// Builds and stages both versions under `root`, registers and activates 1.0.0.
    public static func start(_ subject: ReloadSubject, under root: URL) async throws(BenchmarkSetupError) -> ReloadFixture {
        if case .cFixture(isolated: true) = subject { _ = try SandboxExecutable.locate() }
        let builds = root.appendingPathComponent("build")
        var searchPaths: [URL] = []
        do {
            try FileManager.default.createDirectory(at: builds, withIntermediateDirectories: true)
            for version in ReloadSubject.versions {
                let searchPath = root.appendingPathComponent("extensions-\(version)")
                try subject.stage(version: version, into: searchPath.appendingPathComponent(subject.id), builds: builds)
                searchPaths.append(searchPath)
            }
        } catch let error as TestSupportError {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot build or stage \(subject) under \(root.path)", cause: error.description)
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot create \(builds.path)", cause: "\(error)")
        }
        do {
            var packages: [DiscoveredPackage] = []
            for searchPath in searchPaths {
                let discovery = await ExtensionDiscovery.discover(in: [searchPath], verifier: TestTrust.allowingUnsigned)
                guard discovery.problems.isEmpty, let package = discovery.packages.first else {
                    throw BenchmarkSetupError(.runtimeFailed, "\(searchPath.path) was not discovered", cause: "\(discovery.problems)")
                }
                packages.append(package)
            }
            let store = try StateStore(directory: root.appendingPathComponent("state"))
            let registry = ExtensionRegistry(stateStore: store, policy: ActiveFixture.unthrottled, logger: QuietLogger.make())
            try await registry.register(packages[0])
            try await registry.activate(subject.id)
            let fixture = ReloadFixture(subject: subject, registry: registry, packages: packages)
            _ = try await registry.call(subject.id, method: subject.cheapCall.method, input: subject.cheapCall.input)
            return fixture
        } catch let error as BenchmarkSetupError {
            throw error
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot activate \(subject) under \(root.path)", cause: "\(error)")
        }
    }

    /// Hot-reloads to the version that is not running (1.0.0 → 1.0.1 → 1.0.0 …) and checks that
    /// the reload was hot.
    @discardableResult
    public func reloadToTheOtherVersion() async throws(BenchmarkSetupError) -> ReloadReport {
        let next = reloads.withLock { count in
            defer { count += 1 }
            return packages[(count + 1) % 2]
        }
        do {
            let report = try await registry.reload(to: next)
            guard report.hot else { throw BenchmarkSetupError(.sanityCheckFailed, "the reload of \(subject) was not hot: \(report)") }
            return report
        } catch let error as BenchmarkSetupError {
            throw error
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "the reload of \(subject) to \(next.manifest.version) failed", cause: "\(error)")
        }
    }
}
