import Crypto
import Foundation
import X509

/// The signature algorithms a package may be signed with.
public enum SigningAlgorithm: String, Sendable, CaseIterable {
    /// Ed25519 (RFC 8032): 64-byte signatures. The default.
    case ed25519
    /// ECDSA over NIST P-256 with SHA-256: DER-encoded signatures.
    case p256

    /// The X.509 signature algorithm used both for package signatures and for certificates.
    var certificateSignatureAlgorithm: Certificate.SignatureAlgorithm {
        switch self {
        case .ed25519: .ed25519
        case .p256: .ecdsaWithSHA256
        }
    }

    /// The algorithm of a public key, or nil for keys this project does not sign with (RSA, P-384…).
    public init?(of publicKey: Certificate.PublicKey) {
        if Curve25519.Signing.PublicKey(publicKey) != nil {
            self = .ed25519
        } else if P256.Signing.PublicKey(publicKey) != nil {
            self = .p256
        } else {
            return nil
        }
    }
}

/// A private signing key (Ed25519 or P-256), stored as PEM (PKCS#8 `PRIVATE KEY`, or SEC1
/// `EC PRIVATE KEY` for P-256 on input).
///
/// Not guaranteed: the key file is written with mode 0600 by ``write(to:)``, but nothing protects
/// it at rest beyond file permissions (no passphrase, no hardware key).
public struct SigningKey: Sendable {
    public let algorithm: SigningAlgorithm
    let privateKey: Certificate.PrivateKey

    /// A fresh key from the system's secure random source.
    public static func generate(_ algorithm: SigningAlgorithm = .ed25519) -> SigningKey {
        switch algorithm {
        case .ed25519: SigningKey(algorithm: .ed25519, privateKey: Certificate.PrivateKey(Curve25519.Signing.PrivateKey()))
        case .p256: SigningKey(algorithm: .p256, privateKey: Certificate.PrivateKey(P256.Signing.PrivateKey()))
        }
    }

    private init(algorithm: SigningAlgorithm, privateKey: Certificate.PrivateKey) {
        self.algorithm = algorithm
        self.privateKey = privateKey
    }

    public init(pemEncoded pem: String) throws(TrustError) {
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: pem)
        } catch {
            throw TrustError(.keyUnreadable, "not a PEM private key (PKCS#8 or SEC1)", cause: "\(error)")
        }
        guard let algorithm = SigningAlgorithm(of: key.publicKey) else {
            throw TrustError(.unsupportedKey, "the key is \(key); only Ed25519 and P-256 keys can sign packages")
        }
        self.init(algorithm: algorithm, privateKey: key)
    }

    /// Reads a PEM key file.
    public init(contentsOf file: URL) throws(TrustError) {
        let pem: String
        do {
            pem = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw TrustError(.keyUnreadable, "cannot read the key file \(file.path)", cause: "\(error)")
        }
        do {
            try self.init(pemEncoded: pem)
        } catch {
            throw TrustError(error.code, "\(file.path): \(error.message)", cause: error.cause)
        }
    }

    public var publicKey: Certificate.PublicKey { privateKey.publicKey }

    /// The key as PKCS#8 PEM.
    public func pemEncoded() throws(TrustError) -> String {
        do {
            return try privateKey.serializeAsPEM().pemString
        } catch {
            throw TrustError(.keyUnreadable, "cannot encode the key as PEM", cause: "\(error)")
        }
    }

    /// Writes the key as PEM with mode 0600; refuses to overwrite an existing file.
    public func write(to file: URL) throws(TrustError) {
        try SecretFile.create(file, contents: Data(pemEncoded().utf8))
    }

    /// A detached signature over `data`: 64 raw bytes for Ed25519, DER ECDSA for P-256.
    public func signature(for data: some DataProtocol) throws(TrustError) -> [UInt8] {
        do {
            return try privateKey.sign(bytes: data, signatureAlgorithm: algorithm.certificateSignatureAlgorithm).rawRepresentation
        } catch {
            throw TrustError(.signingFailed, "signing failed", cause: "\(error)")
        }
    }
}

extension Certificate.PublicKey {
    /// Whether `signature` is a signature over `data` by this key, for the key's own algorithm.
    /// Keys of other algorithms never verify.
    func verifies(_ signature: some DataProtocol, over data: some DataProtocol) -> Bool {
        guard let algorithm = SigningAlgorithm(of: self) else { return false }
        return isValidSignature(signature, for: data, signatureAlgorithm: algorithm.certificateSignatureAlgorithm)
    }
}
