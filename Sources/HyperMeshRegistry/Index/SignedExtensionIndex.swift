import Foundation
import HyperMeshTrust
import X509

/// An index document with its detached signature (the `extension.sig` format: the signature over
/// the document's exact bytes, then the signer's chain), and its form as an OCI artifact: an
/// image manifest with `artifactType` ``OCIMediaType/indexArtifact``, the document as config
/// blob and the signature as its one layer, tagged ``wellKnownTag`` in a repository.
public struct SignedExtensionIndex: Sendable {
    /// The tag an index is published under.
    public static let wellKnownTag = "hypermesh-index"

    public let document: ExtensionIndexDocument
    /// The exact bytes the signature covers.
    public let documentBytes: Data
    public let signature: PackageSignature

    /// Signs `document` (canonical bytes) with `key`; `chain` starts with the key's certificate.
    public static func sign(_ document: ExtensionIndexDocument, key: SigningKey, chain: [Certificate]) throws(TrustError) -> SignedExtensionIndex {
        let bytes = document.encoded()
        return SignedExtensionIndex(document: document, documentBytes: bytes, signature: try PackageSignature.sign(bytes, key: key, chain: chain))
    }

    /// Reads a signed index from its parts, without verifying the signature (``IndexCache/accept(_:source:)`` does).
    public init(documentBytes: Data, signaturePEM: Data, source: String) throws(IndexError) {
        document = try ExtensionIndexDocument.decode(documentBytes, source: source)
        self.documentBytes = documentBytes
        do throws(TrustError) {
            signature = try PackageSignature(pemEncoded: String(decoding: signaturePEM, as: UTF8.self), source: "the signature of \(source)")
        } catch {
            throw IndexError(.signatureRefused, subject: source, "the index's signature cannot be read", cause: error)
        }
    }

    init(document: ExtensionIndexDocument, documentBytes: Data, signature: PackageSignature) {
        self.document = document
        self.documentBytes = documentBytes
        self.signature = signature
    }

    public var signatureBytes: Data { Data(signature.pemEncoded().utf8) }

    /// The artifact: manifest, and the two blobs (config = document, layer = signature).
    public func artifact() -> (manifest: OCIImageManifest, blobs: [(OCIDescriptor, Data)]) {
        let config = OCIDescriptor(mediaType: OCIMediaType.indexDocument, digest: OCIDigest(of: documentBytes), size: Int64(documentBytes.count))
        let signatureBytes = signatureBytes
        let layer = OCIDescriptor(mediaType: OCIMediaType.indexSignature, digest: OCIDigest(of: signatureBytes), size: Int64(signatureBytes.count),
                                  annotations: [OCIMediaType.titleAnnotation: "index.sig"])
        let manifest = OCIImageManifest(artifactType: OCIMediaType.indexArtifact, config: config, layers: [layer],
                                        annotations: ["org.hypermesh.index.name": document.name, "org.hypermesh.index.version": String(document.version)])
        return (manifest, [(config, documentBytes), (layer, signatureBytes)])
    }

    /// Checks an index artifact's shape and returns the descriptors of its document and signature.
    public static func parts(of manifest: OCIImageManifest, source: String) throws(IndexError) -> (document: OCIDescriptor, signature: OCIDescriptor) {
        guard manifest.artifactType == OCIMediaType.indexArtifact, manifest.config.mediaType == OCIMediaType.indexDocument,
              manifest.layers.count == 1, let layer = manifest.layers.first, layer.mediaType == OCIMediaType.indexSignature else {
            throw IndexError(.malformed, subject: source, "not a signed HyperMesh index (artifactType \(manifest.artifactType ?? "missing"), \(manifest.layers.count) layer(s))")
        }
        guard manifest.config.size <= Int64(ExtensionIndexDocument.maximumBytes), layer.size <= Int64(PackageSignature.maximumFileBytes) else {
            throw IndexError(.malformed, subject: source, "the index or its signature is larger than allowed")
        }
        return (manifest.config, layer)
    }
}
