import Foundation
import HyperMeshManifest
import X509

/// Signs a package folder: writes `extension.sig` over the exact bytes of its `extension.json`.
public enum PackageSigner {
    /// Checks the package's files against its manifest first (a package whose digests are stale
    /// would be refused at load anyway), then signs the manifest and writes `extension.sig`,
    /// replacing an earlier signature. `chain` is the signer's certificate first, then any
    /// intermediates (the root is not needed).
    @discardableResult
    public static func sign(packageAt directory: URL, key: SigningKey, chain: [Certificate]) throws(TrustError) -> PackageSignature {
        let manifest: Manifest
        let bytes: Data
        do throws(ManifestError) {
            (manifest, bytes) = try ManifestDecoder.loadWithBytes(from: directory)
        } catch {
            throw TrustError(.manifestInvalid, "cannot sign: \(directory.path) has no valid extension.json", cause: error.description)
        }
        _ = try PackageVerifier.checkFiles(of: directory, manifest: manifest)
        let signature = try PackageSignature.sign(bytes, key: key, chain: chain)
        try TrustStore.writeAtomically(Data(signature.pemEncoded().utf8), to: directory.appendingPathComponent(PackageSignature.fileName))
        return signature
    }
}
