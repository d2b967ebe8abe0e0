import Foundation

/// A manifest as fetched: its exact bytes (their digest names it), its media type and digest.
public struct FetchedManifest: Sendable {
    public var bytes: Data
    public var mediaType: String
    public var digest: OCIDigest

    public init(bytes: Data, mediaType: String, digest: OCIDigest) {
        self.bytes = bytes
        self.mediaType = mediaType
        self.digest = digest
    }
}

/// Where package artifacts come from: a registry (``RegistryClient``) or an OCI layout folder
/// (``OCILayoutSource``, for air-gapped sites). Implementations check what they hand out: a
/// manifest fetched by digest has that digest, a blob is written to `destination` only when its
/// digest and size match the descriptor.
public protocol ArtifactSource: Sendable {
    /// Names the source in messages (`localhost:5000/hypermesh/hello`, `OCI layout /media/usb/pkg`).
    var sourceDescription: String { get }
    /// The manifest (image manifest or image index) `reference` names, by tag or digest.
    func fetchManifest(_ reference: OCIReference) async throws(RegistryError) -> FetchedManifest
    /// Writes the blob to `destination` (replacing nothing: the caller passes a path that does
    /// not exist), after checking digest and size.
    func fetchBlob(_ descriptor: OCIDescriptor, of reference: OCIReference, to destination: URL,
                   progress: (@Sendable (TransferProgress) -> Void)?) async throws(RegistryError)
}

/// How far a transfer is, for progress lines.
public struct TransferProgress: Sendable {
    public var digest: OCIDigest
    public var completedBytes: Int64
    public var totalBytes: Int64

    public init(digest: OCIDigest, completedBytes: Int64, totalBytes: Int64) {
        self.digest = digest
        self.completedBytes = completedBytes
        self.totalBytes = totalBytes
    }
}
