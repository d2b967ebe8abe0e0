import Foundation
import X509

/// A development certificate authority in a folder: a root CA and one code-signing certificate
/// issued by it, each with its private key.
///
/// ```
/// DIR/root-ca.key        root private key (0600): keep offline in real use
/// DIR/root-ca.pem        root certificate: what operators add to their trust store
/// DIR/code-signing.key   the author's signing key (0600)
/// DIR/code-signing.pem   its code-signing certificate, issued by the root
/// ```
///
/// For development and tests. A production CA keeps its root key offline; nothing here stops
/// anyone who can read `root-ca.key` from issuing certificates.
public struct DevelopmentCA: Sendable {
    public static let rootKeyName = "root-ca.key"
    public static let rootCertificateName = "root-ca.pem"
    public static let signingKeyName = "code-signing.key"
    public static let signingCertificateName = "code-signing.pem"

    public let rootKey: SigningKey
    public let root: Certificate
    public let signingKey: SigningKey
    public let signingCertificate: Certificate

    /// A fresh root and code-signing certificate in memory.
    public static func generate(name: String = "HyperMesh Development", algorithm: SigningAlgorithm = .ed25519) throws(TrustError) -> DevelopmentCA {
        let rootKey = SigningKey.generate(algorithm)
        let root = try CertificateAuthority.makeRoot(commonName: "\(name) Root CA", key: rootKey)
        let signingKey = SigningKey.generate(algorithm)
        let signing = try CertificateAuthority.issue(commonName: "\(name) Code Signing", publicKey: signingKey.publicKey,
                                                     usage: .codeSigning, issuer: root, issuerKey: rootKey)
        return DevelopmentCA(rootKey: rootKey, root: root, signingKey: signingKey, signingCertificate: signing)
    }

    /// Generates a CA and writes its four files into `directory` (created if needed; existing
    /// key files are never overwritten).
    public static func create(in directory: URL, name: String = "HyperMesh Development", algorithm: SigningAlgorithm = .ed25519) throws(TrustError) -> DevelopmentCA {
        let ca = try generate(name: name, algorithm: algorithm)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrustError(.writeFailed, "cannot create \(directory.path)", cause: "\(error)")
        }
        try ca.rootKey.write(to: directory.appendingPathComponent(rootKeyName))
        try ca.signingKey.write(to: directory.appendingPathComponent(signingKeyName))
        try TrustStore.writeAtomically(Data(CertificatePEM.encode([ca.root]).utf8), to: directory.appendingPathComponent(rootCertificateName))
        try TrustStore.writeAtomically(Data(CertificatePEM.encode([ca.signingCertificate]).utf8),
                                       to: directory.appendingPathComponent(signingCertificateName))
        return ca
    }

    /// A trust store (in memory) that trusts this CA's root.
    public var trustStore: TrustStore { TrustStore(roots: [root]) }

    /// Signs the package at `directory` with the code-signing key.
    @discardableResult
    public func sign(packageAt directory: URL) throws(TrustError) -> PackageSignature {
        try PackageSigner.sign(packageAt: directory, key: signingKey, chain: [signingCertificate])
    }
}
