import Foundation
import X509

/// What a certificate issued by ``CertificateAuthority`` may be used for.
public enum CertificateUsage: String, Sendable, CaseIterable {
    /// A code-signing leaf: not a CA, key usage `digitalSignature`, extended key usage `codeSigning`.
    case codeSigning = "code-signing"
    /// An intermediate CA that may issue code-signing certificates below it (path length 0).
    case intermediate
    /// A TLS server leaf (extended key usage `serverAuth`): valid, but not for signing packages.
    /// Exists so operators and tests can see such a certificate refused.
    case serverAuthentication = "server-auth"
}

/// Creates root and issued X.509 certificates for the TrustChain (swift-certificates).
///
/// Defaults: roots are valid for 10 years, issued certificates for 1 year, both from one hour
/// before now (to tolerate clock skew). Serial numbers are random (the library's default, 20 bytes).
/// Not provided: certificate revocation lists in X.509 form or OCSP — revocation uses the signed
/// ``RevocationList`` file instead.
public enum CertificateAuthority {
    public static let rootValidity: TimeInterval = 10 * 365 * 24 * 3600
    public static let issuedValidity: TimeInterval = 365 * 24 * 3600
    public static let skewAllowance: TimeInterval = 3600

    /// A self-signed root CA certificate for `key`.
    public static func makeRoot(
        commonName: String,
        key: SigningKey,
        notBefore: Date = Date().addingTimeInterval(-skewAllowance),
        notAfter: Date? = nil
    ) throws(TrustError) -> Certificate {
        let name = distinguishedName(commonName)
        return try build {
            try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: notBefore, notValidAfter: notAfter ?? notBefore.addingTimeInterval(rootValidity),
                issuer: name, subject: name,
                signatureAlgorithm: key.algorithm.certificateSignatureAlgorithm,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key.privateKey)
        }
    }

    /// A certificate for `publicKey`, signed by `issuerKey` whose certificate is `issuer`.
    /// Refuses an issuer key that does not match the issuer certificate.
    public static func issue(
        commonName: String,
        publicKey: Certificate.PublicKey,
        usage: CertificateUsage = .codeSigning,
        issuer: Certificate,
        issuerKey: SigningKey,
        notBefore: Date = Date().addingTimeInterval(-skewAllowance),
        notAfter: Date? = nil
    ) throws(TrustError) -> Certificate {
        guard issuer.publicKey == issuerKey.publicKey else {
            throw TrustError(.keyMismatch, "the issuer key does not belong to the issuer certificate '\(issuer.subject)'")
        }
        return try build {
            try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
                notValidBefore: notBefore, notValidAfter: notAfter ?? notBefore.addingTimeInterval(issuedValidity),
                issuer: issuer.subject, subject: distinguishedName(commonName),
                signatureAlgorithm: issuerKey.algorithm.certificateSignatureAlgorithm,
                extensions: try extensions(for: usage, publicKey: publicKey, issuer: issuer),
                issuerPrivateKey: issuerKey.privateKey)
        }
    }

    static func extensions(for usage: CertificateUsage, publicKey: Certificate.PublicKey, issuer: Certificate) throws -> Certificate.Extensions {
        let authorityKey = AuthorityKeyIdentifier(keyIdentifier: try issuer.extensions.subjectKeyIdentifier?.keyIdentifier)
        switch usage {
        case .codeSigning:
            return try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.codeSigning])
                SubjectKeyIdentifier(hash: publicKey)
                authorityKey
            }
        case .intermediate:
            return try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: publicKey)
                authorityKey
            }
        case .serverAuthentication:
            return try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectKeyIdentifier(hash: publicKey)
                authorityKey
            }
        }
    }

    static func distinguishedName(_ commonName: String) -> DistinguishedName {
        (try? DistinguishedName { CommonName(commonName) }) ?? DistinguishedName()
    }

    private static func build(_ make: () throws -> Certificate) throws(TrustError) -> Certificate {
        do {
            return try make()
        } catch {
            throw TrustError(.signingFailed, "cannot create the certificate", cause: "\(error)")
        }
    }
}
