import Foundation
import HyperMeshRegistry
import Logging

/// Turns locations into sources and destinations: an OCI layout folder, or a registry through
/// one shared ``RegistryClient`` (created on first use, shut down by ``shutdown()``).
package final class RegistryAccess: Sendable {
    /// Where `hypermesh registry login` keeps credentials: `registry-credentials.json` in the
    /// state dir, mode 0600.
    package static func credentialsFile(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent("registry-credentials.json")
    }

    let insecureRegistries: Set<String>
    let caBundles: [String: String]
    let credentialsFile: URL
    let dockerConfig: URL?
    let logger: Logger

    package init(insecureRegistries: Set<String>, caBundles: [String: String], credentialsFile: URL, dockerConfig: URL?, logger: Logger) throws {
        self.insecureRegistries = insecureRegistries
        self.caBundles = caBundles
        self.credentialsFile = credentialsFile
        self.dockerConfig = dockerConfig
        self.logger = logger
    }

    package func source(for location: ArtifactLocation) throws -> any ArtifactSource {
        switch location.kind {
        case .layout(let folder): return try OCILayoutSource(folder: folder)
        case .registry: throw RegistryError(.unavailable, subject: location.reference.registry, "registry access is not built yet")
        }
    }

    package func destination(for location: ArtifactLocation) throws -> any ArtifactDestination {
        switch location.kind {
        case .layout(let folder): return try OCILayoutDestination(folder: folder)
        case .registry: throw RegistryError(.unavailable, subject: location.reference.registry, "registry access is not built yet")
        }
    }

    package func shutdown() async {}
}
