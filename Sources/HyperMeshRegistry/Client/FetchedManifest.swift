import Foundation

/// A manifest as a registry served it: its exact bytes (whose SHA-256 is ``digest``), and the media
/// type it was served with (one of ``OCIMediaType/manifestAccept``). Not parsed: the caller decodes
/// it as an image manifest or an image index according to ``mediaType``.
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
