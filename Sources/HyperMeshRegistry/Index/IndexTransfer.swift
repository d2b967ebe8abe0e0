import Foundation

/// Moves signed indexes between a registry (or an OCI layout) and this host. Fetching does not
/// verify: ``IndexCache/accept(_:source:)`` does, against the trust store and the cached copy.
public enum IndexTransfer {
    /// The reference an index lives at: the location's tag, else ``SignedExtensionIndex/wellKnownTag``.
    public static func indexReference(_ reference: OCIReference) -> OCIReference {
        reference.tag == nil && reference.digest == nil ? reference.tagged(SignedExtensionIndex.wellKnownTag) : reference
    }

    /// Fetches the index artifact at `reference` (document and signature blobs, each checked
    /// against its digest by the source) into memory.
    public static func fetch(from source: any ArtifactSource, reference: OCIReference) async throws -> SignedExtensionIndex {
        let reference = indexReference(reference)
        let where_ = "\(source.sourceDescription) (\(reference))"
        let fetched = try await source.fetchManifest(reference)
        let manifest = try OCIImageManifest.decode(fetched.bytes, source: where_)
        let parts = try SignedExtensionIndex.parts(of: manifest, source: where_)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hypermesh-index-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw RegistryError(.fileFailed, subject: scratch.path, "cannot create a folder for the fetched index", cause: "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let documentFile = scratch.appendingPathComponent("document")
        let signatureFile = scratch.appendingPathComponent("signature")
        try await source.fetchBlob(parts.document, of: reference, to: documentFile, progress: nil)
        try await source.fetchBlob(parts.signature, of: reference, to: signatureFile, progress: nil)
        let (documentBytes, signatureBytes) = try await BlockingIO.run { () throws(RegistryError) -> (Data, Data) in
            do { return (try Data(contentsOf: documentFile), try Data(contentsOf: signatureFile)) } catch {
                throw RegistryError(.fileFailed, subject: scratch.path, "cannot read the fetched index", cause: "\(error)")
            }
        }
        return try SignedExtensionIndex(documentBytes: documentBytes, signaturePEM: signatureBytes, source: where_)
    }

    /// Publishes `index` at `reference` (blobs, then the tagged manifest). Returns its digest.
    @discardableResult
    public static func publish(_ index: SignedExtensionIndex, to destination: any ArtifactDestination, reference: OCIReference) async throws(RegistryError) -> OCIDigest {
        let reference = indexReference(reference)
        let (manifest, blobs) = index.artifact()
        for (descriptor, bytes) in blobs {
            try await destination.pushBlob(descriptor, source: .bytes(bytes), to: reference, progress: nil)
        }
        return try await destination.pushManifest(manifest.encoded(), mediaType: OCIMediaType.imageManifest, to: reference)
    }
}
