import Foundation
import HyperMeshManifest
import HyperMeshRegistry

/// The extensions installed from the store, read from their installed package folders.
package enum InstalledPackages {
    /// id → manifest of every installed (active) extension.
    package static func manifests(in store: PackageStore) async throws -> [String: Manifest] {
        try await BlockingIO.run { () throws(RegistryError) -> [String: Manifest] in
            var manifests: [String: Manifest] = [:]
            for package in try store.packages() where package.pin == .active {
                let folder = store.installedFolder.appendingPathComponent(package.id)
                if let manifest = try? ManifestDecoder.load(from: folder) { manifests[package.id] = manifest }
            }
            return manifests
        }
    }

    /// The installed extensions whose dependencies name `id`.
    package static func dependents(of id: String, in store: PackageStore) async throws -> [String] {
        try await manifests(in: store).values.filter { $0.dependencies[id] != nil }.map(\.id).sorted()
    }
}
