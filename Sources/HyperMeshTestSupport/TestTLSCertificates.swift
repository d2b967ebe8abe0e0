import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// Certificates for the HTTPS tests and benchmarks, made fresh in a temporary folder: a test CA (whose PEM file
/// the host is given as its operator's bundle), and server certificates it signs: a good one for
/// `localhost` and `127.0.0.1`, an expired one, one for another name; plus one signed by a CA the
/// host does not trust.
public struct TestTLSCertificates: Sendable {
    public let folder: URL
    /// The PEM file of the trusted test CA.
    public let caBundle: URL
    public let good: NIOSSL.TLSConfiguration
    public let expired: NIOSSL.TLSConfiguration
    public let wrongName: NIOSSL.TLSConfiguration
    public let untrusted: NIOSSL.TLSConfiguration
    /// The good server certificate (for `localhost` and `127.0.0.1`) and its private key as PEM
    /// files, for servers that read them from disk (a docker-registry).
    public let goodCertificateFile: URL
    public let goodKeyFile: URL

    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hm-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let now = Date()
        let trusted = try Self.authority("HyperMesh Test CA", now: now)
        let stranger = try Self.authority("Stranger CA", now: now)
        caBundle = folder.appendingPathComponent("ca.pem")
        try trusted.certificate.serializeAsPEM().pemString.write(to: caBundle, atomically: true, encoding: .utf8)
        goodCertificateFile = folder.appendingPathComponent("good-certificate.pem")
        goodKeyFile = folder.appendingPathComponent("good-key.pem")
        good = try Self.server(signedBy: trusted, names: ["localhost"], addresses: [[127, 0, 0, 1]],
                               notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400),
                               writingTo: (goodCertificateFile, goodKeyFile))
        expired = try Self.server(signedBy: trusted, names: ["localhost"], addresses: [[127, 0, 0, 1]],
                                  notBefore: now.addingTimeInterval(-10 * 86_400), notAfter: now.addingTimeInterval(-86_400))
        wrongName = try Self.server(signedBy: trusted, names: ["other.invalid"], addresses: [],
                                    notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400))
        untrusted = try Self.server(signedBy: stranger, names: ["localhost"], addresses: [[127, 0, 0, 1]],
                                    notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400))
    }

    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    private struct Authority {
        let certificate: Certificate
        let key: P256.Signing.PrivateKey
    }

    private static func authority(_ name: String, now: Date) throws -> Authority {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName { CommonName(name) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-86_400), notValidAfter: now.addingTimeInterval(30 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        return Authority(certificate: certificate, key: key)
    }

    private static func server(signedBy issuer: Authority, names: [String], addresses: [[UInt8]], notBefore: Date, notAfter: Date,
                               writingTo files: (certificate: URL, key: URL)? = nil) throws -> NIOSSL.TLSConfiguration {
        let key = P256.Signing.PrivateKey()
        let alternativeNames = names.map { GeneralName.dnsName($0) } + addresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: issuer.certificate.subject, subject: try DistinguishedName { CommonName(names.first ?? "server") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
            },
            issuerPrivateKey: .init(issuer.key))
        if let files {
            try certificate.serializeAsPEM().pemString.write(to: files.certificate, atomically: true, encoding: .utf8)
            try key.pemRepresentation.write(to: files.key, atomically: true, encoding: .utf8)
        }
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.serializeAsPEM().pemString.utf8))
        let privateKey = try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)
        return .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
    }
}
