import Foundation
import HyperMeshRegistry
import Logging
import Synchronization

/// Turns locations into sources and destinations: an OCI layout folder, or a registry through
/// one shared ``RegistryClient`` (created on first use, shut down by ``shutdown()``).
package final class RegistryAccess: Sendable {
    /// Where `hypermesh registry login` keeps credentials: `registry-credentials.json` in the
    /// state dir, mode 0600.
    package static func credentialsFile(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent("registry-credentials.json")
    }

    let settings: RegistryClientSettings
    let mountFrom: [String]
    let logger: Logger
    private let client = Mutex<RegistryClient?>(nil)

    package init(insecureRegistries: Set<String>, caBundles: [String: String], credentialsFile: URL, dockerConfig: URL?,
                 mountFrom: [String] = [], logger: Logger) throws {
        var settings = RegistryClientSettings()
        settings.insecureRegistries = insecureRegistries
        settings.caBundles = caBundles
        settings.credentials = RegistryCredentialStore(file: credentialsFile, dockerConfig: dockerConfig)
        self.settings = settings
        self.mountFrom = mountFrom
        self.logger = logger
    }

    /// The shared client (made on first use).
    package var registryClient: RegistryClient {
        client.withLock { client in
            if let client { return client }
            let made = RegistryClient(settings: settings, logger: logger)
            client = made
            return made
        }
    }

    package func source(for location: ArtifactLocation) throws -> any ArtifactSource {
        switch location.kind {
        case .layout(let folder): return try OCILayoutSource(folder: folder)
        case .registry: return RegistryEndpoint(client: registryClient, registry: location.reference.registry, mountFrom: mountFrom)
        }
    }

    /// Where a plan item's artifacts are (its `repository`: `registry/repository` or `oci:FOLDER`),
    /// as a source and the reference to pin to the item's digest.
    package func source(forRepository repository: String) throws -> (any ArtifactSource, OCIReference) {
        let location = try ArtifactLocation(parsing: repository)
        return (try source(for: location), location.reference)
    }

    package func destination(for location: ArtifactLocation) throws -> any ArtifactDestination {
        switch location.kind {
        case .layout(let folder): return try OCILayoutDestination(folder: folder)
        case .registry: return RegistryEndpoint(client: registryClient, registry: location.reference.registry, mountFrom: mountFrom)
        }
    }

    package func shutdown() async {
        guard let made = client.withLock({ $0 }) else { return }
        try? await made.shutdown()
    }
}
