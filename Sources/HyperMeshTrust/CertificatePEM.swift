import Crypto
import Foundation
import SwiftASN1
import X509

/// Reading and writing certificates as PEM, and their fingerprints.
public enum CertificatePEM {
    /// Every `CERTIFICATE` block of `pem`, in order. Blocks of other types are an error.
    public static func certificates(in pem: String, source: String) throws(TrustError) -> [Certificate] {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw TrustError(.certificateUnreadable, "\(source) is not PEM", cause: "\(error)")
        }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() {
            guard document.discriminator == "CERTIFICATE" else {
                throw TrustError(.certificateUnreadable, "\(source): block \(index + 1) is '\(document.discriminator)', expected 'CERTIFICATE'")
            }
            do {
                certificates.append(try Certificate(pemDocument: document))
            } catch {
                throw TrustError(.certificateUnreadable, "\(source): block \(index + 1) is not a valid X.509 certificate", cause: "\(error)")
            }
        }
        return certificates
    }

    /// Reads a PEM file of one or more certificates; at least one is required.
    public static func certificates(contentsOf file: URL) throws(TrustError) -> [Certificate] {
        let pem: String
        do {
            pem = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw TrustError(.certificateUnreadable, "cannot read \(file.path)", cause: "\(error)")
        }
        let certificates = try certificates(in: pem, source: file.path)
        guard !certificates.isEmpty else {
            throw TrustError(.certificateUnreadable, "\(file.path) holds no certificate")
        }
        return certificates
    }

    /// The certificates as concatenated PEM blocks.
    public static func encode(_ certificates: [Certificate]) throws(TrustError) -> String {
        do {
            return try certificates.map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
        } catch {
            throw TrustError(.certificateUnreadable, "cannot encode a certificate as PEM", cause: "\(error)")
        }
    }

    /// The SHA-256 of the certificate's DER bytes, lowercase hex: the fingerprint revocation lists use.
    public static func fingerprint(_ certificate: Certificate) -> String {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(certificate)) != nil else { return "" }
        return FileDigest.sha256Hex(of: serializer.serializedBytes)
    }
}
