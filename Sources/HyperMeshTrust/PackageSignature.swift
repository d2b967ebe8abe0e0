import Foundation
import HyperMeshManifest
import SwiftASN1
import X509

/// The content of `extension.sig`: a detached signature over the exact bytes of `extension.json`,
/// followed by the signer's certificate chain. The file is PEM:
///
/// ```
/// -----BEGIN HYPERMESH SIGNATURE-----   (the signature bytes)
/// -----BEGIN CERTIFICATE-----           (the signer's certificate)
/// -----BEGIN CERTIFICATE-----           (intermediates, optional, signer's issuer first)
/// ```
///
/// The algorithm follows from the signer's key: Ed25519 (64 raw bytes) or ECDSA P-256 with
/// SHA-256 (DER). The root need not be included: it comes from the operator's trust store.
/// The same format signs the trust store's revocation list (`revocations.sig`).
///
/// Bounds, checked before anything is parsed: at most ``maximumFileBytes`` (64 KiB) of file and
/// at most ``maximumCertificates`` (8) certificates; more is `trust.signature_too_large`. The file
/// must be a regular file (a FIFO or device is refused, never waited on).
public struct PackageSignature: Sendable {
    public static let fileName = "extension.sig"
    /// The most certificates a signature may carry: the signer and up to seven intermediates.
    public static let maximumCertificates = 8
    /// The largest signature file read, in bytes: 64 KiB, room for ``maximumCertificates``
    /// certificates of several KiB each.
    public static let maximumFileBytes = 64 << 10
    static let signatureBlockType = "HYPERMESH SIGNATURE"

    public let signature: [UInt8]
    /// The signer's certificate first, then intermediates.
    public let chain: [Certificate]
    /// The DER bytes of each certificate of `chain` (for fingerprints without re-encoding).
    let chainDER: [[UInt8]]
    /// SHA-256 fingerprints of `chain` (of the DER bytes), in order; computed once, when the
    /// signature is made or read.
    public let chainFingerprints: [String]

    public var signer: Certificate { chain[0] }

    /// Signs `data` with `key`; `chain[0]` must be the certificate of `key`.
    public static func sign(_ data: some DataProtocol, key: SigningKey, chain: [Certificate]) throws(TrustError) -> PackageSignature {
        guard let signer = chain.first else {
            throw TrustError(.certificateUnreadable, "a signature needs the signer's certificate")
        }
        guard chain.count <= maximumCertificates else {
            throw TrustError(.signatureTooLarge, "a chain of \(chain.count) certificates is longer than a signature may carry (\(maximumCertificates)); leave out the root")
        }
        guard signer.publicKey == key.publicKey else {
            throw TrustError(.keyMismatch, "the key does not belong to the certificate '\(signer.subject)'; use the key the certificate was issued for")
        }
        let der: [[UInt8]]
        do {
            der = try chain.map { certificate in
                var serializer = DER.Serializer()
                try serializer.serialize(certificate)
                return serializer.serializedBytes
            }
        } catch {
            throw TrustError(.certificateUnreadable, "cannot encode the certificate chain", cause: "\(error)")
        }
        return PackageSignature(signature: try key.signature(for: data), chain: chain, chainDER: der)
    }

    private init(signature: [UInt8], chain: [Certificate], chainDER: [[UInt8]], chainFingerprints: [String]? = nil) {
        self.signature = signature
        self.chain = chain
        self.chainDER = chainDER
        self.chainFingerprints = chainFingerprints ?? chainDER.map { FileDigest.sha256Hex(of: $0) }
    }

    /// Parses the PEM form; `source` names the file in error messages.
    public init(pemEncoded pem: String, source: String) throws(TrustError) {
        try self.init(pemEncoded: pem, source: source, certificates: nil)
    }

    /// Parses the PEM form, taking each certificate from `certificates` when its DER bytes were
    /// parsed before (keyed by their SHA-256), else parsing it (and caching it there).
    init(pemEncoded pem: String, source: String, certificates: CertificateCache?) throws(TrustError) {
        try Self.checkBounds(pem, source: source)
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw TrustError(.signatureMalformed, check: .signature, "\(source) is not PEM", cause: "\(error)")
        }
        guard let first = documents.first, first.discriminator == Self.signatureBlockType else {
            throw TrustError(.signatureMalformed, check: .signature,
                             "\(source) must start with a '\(Self.signatureBlockType)' block")
        }
        guard !first.derBytes.isEmpty else {
            throw TrustError(.signatureMalformed, check: .signature, "\(source) holds an empty signature")
        }
        var chain: [Certificate] = []
        var chainDER: [[UInt8]] = []
        var fingerprints: [String] = []
        for (index, document) in documents.dropFirst().enumerated() {
            guard document.discriminator == "CERTIFICATE" else {
                throw TrustError(.signatureMalformed, check: .signature,
                                 "\(source): block \(index + 2) is '\(document.discriminator)', expected 'CERTIFICATE'")
            }
            do {
                let fingerprint = FileDigest.sha256Hex(of: document.derBytes)
                if let certificates {
                    chain.append(try certificates.certificate(derEncoded: document.derBytes, fingerprint: fingerprint))
                } else {
                    chain.append(try Certificate(derEncoded: document.derBytes))
                }
                chainDER.append(document.derBytes)
                fingerprints.append(fingerprint)
            } catch {
                throw TrustError(.signatureMalformed, check: .signature,
                                 "\(source): block \(index + 2) is not a valid X.509 certificate", cause: "\(error)")
            }
        }
        guard !chain.isEmpty else {
            throw TrustError(.signatureMalformed, check: .signature, "\(source) carries no signer certificate after the signature")
        }
        self.init(signature: first.derBytes, chain: chain, chainDER: chainDER, chainFingerprints: fingerprints)
    }

    /// Reads a signature file (a regular file of at most ``maximumFileBytes``).
    public init(contentsOf file: URL) throws(TrustError) {
        try self.init(contentsOf: file, certificates: nil)
    }

    /// Reads a signature file, taking its certificates from `certificates` when cached there.
    init(contentsOf file: URL, certificates: CertificateCache?) throws(TrustError) {
        let name = file.lastPathComponent
        try self.init(fileBytes: try Self.fileBytes(atPath: file.path, name: name), source: name, certificates: certificates)
    }

    /// The bytes of the signature file at `path` (`name` in errors): a regular file of at most
    /// ``maximumFileBytes``.
    static func fileBytes(atPath path: String, name: String) throws(TrustError) -> Data {
        do throws(RegularFileError) {
            return try RegularFile.contents(of: path, limit: Self.maximumFileBytes)
        } catch {
            if case .tooLarge = error {
                throw TrustError(.signatureTooLarge, check: .signature,
                                 "\(name) is larger than \(Self.maximumFileBytes) bytes; a signature carries at most \(Self.maximumCertificates) certificates")
            }
            throw TrustError(.signatureMalformed, check: .signature, "cannot read \(name)", cause: error.description)
        }
    }

    /// Parses the bytes of a signature file (UTF-8 PEM); `source` names the file in errors.
    init(fileBytes data: Data, source: String, certificates: CertificateCache?) throws(TrustError) {
        guard let pem = String(data: data, encoding: .utf8) else {
            throw TrustError(.signatureMalformed, check: .signature, "\(source) is not UTF-8 text")
        }
        try self.init(pemEncoded: pem, source: source, certificates: certificates)
    }

    /// Refuses a signature over the bounds by counting bytes and PEM block headers, before any
    /// base64 or DER is decoded.
    static func checkBounds(_ pem: String, source: String) throws(TrustError) {
        let bytes = pem.utf8.count
        guard bytes <= maximumFileBytes else {
            throw TrustError(.signatureTooLarge, check: .signature,
                             "\(source) is \(bytes) bytes, more than the maximum of \(maximumFileBytes); a signature carries at most \(maximumCertificates) certificates")
        }
        let blocks = countOccurrences(of: Array("-----BEGIN ".utf8), in: pem)
        // The signature block plus the certificates.
        guard blocks <= maximumCertificates + 1 else {
            throw TrustError(.signatureTooLarge, check: .signature,
                             "\(source) carries \(blocks - 1) certificates; the maximum is \(maximumCertificates) (the signer and its intermediates, not the root)")
        }
    }

    private static func countOccurrences(of needle: [UInt8], in text: String) -> Int {
        var text = text
        return text.withUTF8 { haystack in
            guard haystack.count >= needle.count else { return 0 }
            var count = 0
            var index = 0
            while index <= haystack.count - needle.count {
                if haystack[index] == needle[0], needle.indices.allSatisfy({ haystack[index + $0] == needle[$0] }) {
                    count += 1
                    index += needle.count
                } else {
                    index += 1
                }
            }
            return count
        }
    }

    public func pemEncoded() -> String {
        var blocks = [PEMDocument(type: Self.signatureBlockType, derBytes: signature).pemString]
        blocks += chainDER.map { PEMDocument(type: "CERTIFICATE", derBytes: $0).pemString }
        return blocks.joined(separator: "\n") + "\n"
    }

    /// Whether the signature verifies over `data` with the signer's public key.
    public func isValid(over data: some DataProtocol) -> Bool {
        signer.publicKey.verifies(signature, over: data)
    }
}
