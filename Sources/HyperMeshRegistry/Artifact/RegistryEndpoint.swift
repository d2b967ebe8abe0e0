import Foundation

/// A registry as an ``ArtifactSource`` and an ``ArtifactDestination``, through a shared
/// ``RegistryClient``. `mountFrom` names repositories of the same registry that may hold the
/// blobs being pushed (the registry then links them instead of receiving them again).
public struct RegistryEndpoint: ArtifactSource, ArtifactDestination {
    public let client: RegistryClient
    public let registry: String
    public var mountFrom: [String]

    public init(client: RegistryClient, registry: String, mountFrom: [String] = []) {
        self.client = client
        self.registry = registry
        self.mountFrom = mountFrom
    }

    public var sourceDescription: String { "registry \(registry)" }
    public var destinationDescription: String { "registry \(registry)" }

    public func fetchManifest(_ reference: OCIReference) async throws(RegistryError) -> FetchedManifest {
        try await client.manifest(reference)
    }

    public func fetchBlob(_ descriptor: OCIDescriptor, of reference: OCIReference, to destination: URL,
                          progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        try await client.fetchBlob(descriptor, from: reference, to: destination, progress: progress)
    }

    public func pushBlob(_ descriptor: OCIDescriptor, source: PackageArtifact.BlobSource, to reference: OCIReference,
                         progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError) {
        switch source {
        case .file(let file):
            try await client.pushBlob(file: file, descriptor: descriptor, to: reference, mountFrom: mountFrom.filter { $0 != reference.repository }, progress: progress)
        case .bytes(let data):
            try await client.pushBlob(bytes: data, descriptor: descriptor, to: reference)
            progress?(TransferProgress(digest: descriptor.digest, completedBytes: descriptor.size, totalBytes: descriptor.size))
        }
    }

    public func pushManifest(_ bytes: Data, mediaType: String, to reference: OCIReference) async throws(RegistryError) -> OCIDigest {
        try await client.pushManifest(bytes, mediaType: mediaType, to: reference)
    }
}
