import Foundation

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
