package import Foundation
import HyperMeshAudit
import HyperMeshCLI
import HyperMeshExtensions
import HyperMeshFleet
import HyperMeshRegistry

/// The fleet agent's view of a running node: reload what the store committed, the extensions'
/// health, the audit log (written on NIO's thread pool: an append waits for its fsync).
struct NodeFleetHost: FleetNodeHost {
    let runtime: NodeRuntime

    /// Discovers `installed/<id>` (verified against the trust store) and swaps it in: a hot reload
    /// with its canary when the extension is registered, else register and activate. Throws (and
    /// the node keeps its running version) when the package does not verify or its canary fails.
    func applyInstalled(extensionID id: String) async throws {
        guard !runtime.isStopping else { throw NodeServerError(message: "the node is stopping") }
        let folder = PackageStore.installedFolder(stateDirectory: runtime.options.resolvedStateDirectory())
            .appendingPathComponent(id).standardizedFileURL.path
        let verifier = try runtime.options.makeVerifier(logger: runtime.logger)
        let discovery = await ExtensionDiscovery.discover(in: runtime.options.searchPaths(), verifier: verifier)
        if let problem = discovery.problems.first(where: { $0.directory.standardizedFileURL.path == folder }) { throw problem.error }
        guard let package = discovery.packages.first(where: { $0.directory.standardizedFileURL.path == folder }) else {
            throw ExtensionError(.unknownExtension, extensionID: id, "installed/\(id) holds no package")
        }
        if await runtime.registry.registeredIDs.contains(id) {
            _ = try await runtime.registry.reload(to: package)
            if (try? await runtime.registry.state(of: id)) != .active { _ = try await runtime.registry.activate(id) }
        } else {
            try await runtime.registry.register(package)
            _ = try await runtime.registry.activate(id)
        }
    }

    func remove(extensionID id: String) async throws {
        guard await runtime.registry.registeredIDs.contains(id) else { return }
        _ = try await runtime.registry.unregister(id, cascade: false)
    }

    func health(of id: String) async -> FleetExtensionHealth? {
        guard let info = try? await runtime.registry.info(id) else { return nil }
        let status = info.health?.status ?? .unknown
        let failing = status == .unhealthy || info.state != .active
        return FleetExtensionHealth(
            version: info.manifest.version.description,
            healthy: !failing,
            detail: failing ? (info.health?.detail ?? "\(id) is \(info.state.name)") : info.health?.detail,
            calls: info.metrics.calls, errors: info.metrics.errors,
            violations: info.security?.violations.values.reduce(0, +) ?? 0)
    }

    func runningExtensions() async -> [FleetNodeRecord.RunningExtension] {
        await runtime.registry.list().map {
            FleetNodeRecord.RunningExtension(id: $0.manifest.id, version: $0.manifest.version.description, state: $0.state.name,
                                             health: ($0.health?.status ?? .unknown).rawValue)
        }
    }

    func audit(_ message: String, extensionID: String?, details: [String: String]) async throws {
        guard let log = runtime.session.host.audit else { return }
        let entry = AuditEntry(kind: .fleet, extensionID: extensionID, message: message, details: details)
        try await BlockingIO.run(throwing: AuditError.self) { () throws(AuditError) in _ = try log.append(entry) }
    }
}
