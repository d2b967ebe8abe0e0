import Foundation
import HyperMeshManifest
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

/// Verifies packages against a ``TrustStore``, before any byte of the payload is mapped. The
/// checks run in the order of ``VerificationCheck``; the first failure refuses the package.
///
/// Defaults: unsigned packages are refused (``allowUnsigned`` is for development; a signed
/// package that fails a check is refused whether or not unsigned ones are allowed). Time is the
/// system clock unless a clock is injected.
///
/// Caches, for the life of the verifier (each bounded, oldest entry evicted first; a miss only
/// costs the work again, never changes a result):
/// - chain validation (RFC 5280, swift-certificates), per presented chain (the fingerprints of its
///   certificates, in order), used only within the time window in which every certificate of the
///   validated chain is valid; at most ``chainCacheCapacity`` (64) chains;
/// - parsed certificates and their report summaries, keyed by the SHA-256 of their DER bytes
///   (``CertificateCache``, at most 256);
/// - decoded manifests and parsed signature files, keyed by the SHA-256 of the exact bytes read
///   now (at most ``documentCacheCapacity``, 256, of each): the files are read and hashed on every
///   call, and only bytes identical to ones already decoded skip decoding, which gives the same
///   result. Failures are never cached: bytes that did not decode are decoded (and refused) again.
///
/// Done on every call, never cached: reading and hashing `extension.json` and `extension.sig`,
/// every file digest, the signature over the manifest, the validity of the presented
/// certificates at the current time, code-signing usage and revocation. The trust store (roots and revocation list) is fixed per verifier: a new
/// revocation list takes effect through a new verifier made with the new store, whose caches
/// start empty; no decision is carried from one store to another.
///
/// Not guaranteed: that the files do not change between verification and loading (the package
/// folder must be writable only by the operator), and anything about what the code does once
/// loaded.
public final class PackageVerifier: Sendable {
    public let trustStore: TrustStore
    public let allowUnsigned: Bool
    let clock: @Sendable () -> Date
    /// The most validated chains a verifier keeps.
    public static let chainCacheCapacity = 64
    let chainCache = BoundedCache<String, ValidatedChain>(capacity: PackageVerifier.chainCacheCapacity)
    let certificates = CertificateCache()
    /// The most decoded manifests, and the most parsed signature files, a verifier keeps.
    public static let documentCacheCapacity = 256
    /// Manifests decoded by ``verify(packageAt:)``, by the SHA-256 of their bytes.
    let manifests = BoundedCache<String, Manifest>(capacity: PackageVerifier.documentCacheCapacity)
    /// Signature files parsed, by the SHA-256 of their bytes.
    let signatures = BoundedCache<String, PackageSignature>(capacity: PackageVerifier.documentCacheCapacity)

    struct ValidatedChain: Sendable {
        let certificates: [Certificate]
        let fingerprints: [String]
        /// The report's summaries of `certificates`, made once per validation.
        let summaries: [CertificateSummary]
        let validFrom: Date
        let validUntil: Date
    }

    public init(trustStore: TrustStore, allowUnsigned: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.trustStore = trustStore
        self.allowUnsigned = allowUnsigned
        self.clock = clock
    }

    /// Reads the manifest of the package at `directory` and verifies the package. Throws only if
    /// the manifest itself cannot be read or decoded.
    public func verify(packageAt directory: URL) async throws(ManifestError) -> (manifest: Manifest, report: VerificationReport) {
        let (bytes, source) = try ManifestDecoder.readBytes(from: directory)
        let digest = FileDigest.sha256Hex(of: bytes)
        let manifest: Manifest
        if let decoded = manifests.value(for: digest) {
            manifest = decoded
        } else {
            manifest = try ManifestDecoder.decode(bytes, source: source)
            manifests.insert(manifest, for: digest)
        }
        return (manifest, await verify(packageAt: directory, manifest: manifest, manifestBytes: bytes, packageDigest: digest))
    }

    /// Verifies a package whose manifest was already decoded from `manifestBytes`.
    public func verify(packageAt directory: URL, manifest: Manifest, manifestBytes: Data) async -> VerificationReport {
        await verify(packageAt: directory, manifest: manifest, manifestBytes: manifestBytes, packageDigest: FileDigest.sha256Hex(of: manifestBytes))
    }

    /// `packageDigest` is the SHA-256 of `manifestBytes`, lowercase hex.
    private func verify(packageAt directory: URL, manifest: Manifest, manifestBytes: Data, packageDigest: String) async -> VerificationReport {
        var run = VerificationRun(packageDigest: packageDigest)
        do throws(TrustError) {
            try run.check(.files) { () throws(TrustError) in try Self.checkFiles(of: directory, manifest: manifest) }
            let signaturePath = directory.path + "/" + PackageSignature.fileName
            var signatureStatus = stat()
            guard stat(signaturePath, &signatureStatus) == 0 else {
                return unsigned(run)
            }
            let signature: PackageSignature
            do throws(TrustError) {
                signature = try readSignature(atPath: signaturePath)
            } catch {
                run.record(.signature, .failed(error))
                throw error
            }
            let presented = zip(signature.chain, signature.chainFingerprints).map { certificates.summary(of: $0, fingerprint: $1) }
            run.signer = presented[0]
            run.chain = presented
            try run.check(.signature) { () throws(TrustError) in
                try Self.checkSignature(signature, signerSubject: presented[0].subject, over: manifestBytes)
            }
            let now = clock()
            try run.check(.validity) { () throws(TrustError) in try Self.checkValidity(of: signature.chain, at: now) }
            let validated = try await run.step(.chain) { () async throws(TrustError) in
                let chain = try await validateChain(signature, at: now)
                return (chain, "chains to the trusted root '\(chain.summaries.last?.subject ?? "?")'")
            }
            run.chain = validated.summaries
            try run.check(.codeSigning) { () throws(TrustError) in
                try certificates.checkCodeSigningUsage(of: signature.signer, fingerprint: signature.chainFingerprints[0])
            }
            let names = run.chain.map(\.subject)
            let digest = run.packageDigest
            try run.check(.revocation) { () throws(TrustError) in
                try checkRevocation(certificates: validated.fingerprints, names: names, packageDigest: digest)
            }
            run.outcome = .verified
        } catch {
            run.outcome = .refused(error)
        }
        return run.finish()
    }

    /// The signature file at `path`: read every time, parsed unless the same bytes were parsed before.
    private func readSignature(atPath path: String) throws(TrustError) -> PackageSignature {
        let bytes = try PackageSignature.fileBytes(atPath: path, name: PackageSignature.fileName)
        let digest = FileDigest.sha256Hex(of: bytes)
        if let parsed = signatures.value(for: digest) { return parsed }
        let parsed = try PackageSignature(fileBytes: bytes, source: PackageSignature.fileName, certificates: certificates)
        signatures.insert(parsed, for: digest)
        return parsed
    }

    static func checkFiles(of directory: URL, manifest: Manifest) throws(TrustError) -> String {
        do throws(PackageError) {
            try PackageFiles.verify(directory, manifest: manifest)
        } catch {
            throw TrustError(.fileCheckFailed, check: .files, error.description)
        }
        return "\(manifest.files.count) file(s) match their SHA-256, none unlisted"
    }

    /// `signerSubject` is the signer's subject as reports spell it (`"\(signature.signer.subject)"`).
    static func checkSignature(_ signature: PackageSignature, signerSubject: String, over manifestBytes: Data) throws(TrustError) -> String {
        guard signature.isValid(over: manifestBytes) else {
            throw TrustError(.signatureInvalid, check: .signature,
                             "the signature does not verify over extension.json with the key of '\(signerSubject)': the manifest changed after signing, or the signature was made for another package")
        }
        return "\(signature.signer.publicKey.algorithmName) signature by '\(signerSubject)' over extension.json"
    }

    /// An unsigned package: allowed for development (only the package digest's revocation is
    /// checked), refused otherwise.
    private func unsigned(_ run: VerificationRun) -> VerificationReport {
        var run = run
        guard allowUnsigned else {
            let error = TrustError(.signatureMissing, check: .signature,
                                   "the package has no \(PackageSignature.fileName); sign it with `hypermesh ext sign`, or allow unsigned packages for development with --allow-unsigned")
            run.record(.signature, .failed(error))
            run.outcome = .refused(error)
            return run.finish()
        }
        let reason = "unsigned package, allowed by --allow-unsigned"
        run.record(.signature, .skipped(reason))
        run.record(.validity, .skipped(reason))
        run.record(.chain, .skipped(reason))
        run.record(.codeSigning, .skipped(reason))
        let digest = run.packageDigest
        do throws(TrustError) {
            try run.check(.revocation) { () throws(TrustError) in
                try checkRevocation(certificates: [], names: [], packageDigest: digest)
            }
            run.outcome = .unsignedAllowed
        } catch {
            run.outcome = .refused(error)
        }
        return run.finish()
    }

    static func checkValidity(of chain: [Certificate], at now: Date) throws(TrustError) -> String {
        for certificate in chain {
            if now < certificate.notValidBefore {
                throw TrustError(.certificateNotYetValid, check: .validity,
                                 "certificate '\(certificate.subject)' is not valid before \(certificate.notValidBefore) (now: \(now)); check the clock or wait")
            }
            if now > certificate.notValidAfter {
                throw TrustError(.certificateExpired, check: .validity,
                                 "certificate '\(certificate.subject)' expired at \(certificate.notValidAfter) (now: \(now)); re-sign the package with a current certificate")
            }
        }
        return "\(chain.count) certificate(s) valid now"
    }

    static func checkCodeSigningUsage(of signer: Certificate) throws(TrustError) -> String {
        let extendedUsage = try? signer.extensions.extendedKeyUsage
        guard let extendedUsage, extendedUsage.contains(.codeSigning) else {
            throw TrustError(.notForCodeSigning, check: .codeSigning,
                             "certificate '\(signer.subject)' does not have the extended key usage codeSigning; sign with a code-signing certificate (`hypermesh trust issue`)")
        }
        if let usage = try? signer.extensions.keyUsage, !usage.digitalSignature {
            throw TrustError(.notForCodeSigning, check: .codeSigning,
                             "certificate '\(signer.subject)' has a key usage without digitalSignature")
        }
        return "certificate allows code signing"
    }

    func checkRevocation(certificates: [String], names: [String], packageDigest: String) throws(TrustError) -> String {
        if let problem = trustStore.revocationProblem { throw problem }
        guard let list = trustStore.revocations else { return "no revocation list in the trust store" }
        for (index, fingerprint) in certificates.enumerated() where list.certificates.contains(fingerprint) {
            let name = index < names.count ? names[index] : fingerprint
            throw TrustError(.certificateRevoked, check: .revocation,
                             "certificate '\(name)' (SHA-256 \(fingerprint)) is on the revocation list")
        }
        if list.packages.contains(packageDigest) {
            throw TrustError(.packageRevoked, check: .revocation,
                             "the package (extension.json SHA-256 \(packageDigest)) is on the revocation list")
        }
        return "nothing revoked (list issued \(RevocationList.timeFormatter().string(from: list.issued)))"
    }

    /// RFC 5280 path validation from the signer to a root of the store, cached per presented chain.
    func validateChain(_ signature: PackageSignature, at now: Date) async throws(TrustError) -> ValidatedChain {
        let key = signature.chainFingerprints.joined(separator: ",")
        if let cached = chainCache.value(for: key), cached.validFrom <= now, now <= cached.validUntil {
            return cached
        }
        guard !trustStore.roots.isEmpty else {
            throw TrustError(.untrustedChain, check: .chain,
                             "the trust store\(trustStore.directory.map { " (\($0.path))" } ?? "") has no roots; add the root of '\(signature.signer.issuer)' with `hypermesh trust add ROOT.pem`")
        }
        var verifier = Verifier(rootCertificates: CertificateStore(trustStore.roots)) {
            RFC5280Policy(fixedExpiryValidationTime: now)
            ExtendedKeyUsageIsChecked()
        }
        let result = await verifier.validate(leaf: signature.signer, intermediates: CertificateStore(signature.chain.dropFirst()))
        switch result {
        case .validCertificate(let chain):
            let chainCertificates = Array(chain)
            let fingerprints = chainCertificates.map(CertificatePEM.fingerprint)
            let validated = ValidatedChain(
                certificates: chainCertificates,
                fingerprints: fingerprints,
                summaries: zip(chainCertificates, fingerprints).map { certificates.summary(of: $0, fingerprint: $1) },
                validFrom: chainCertificates.map(\.notValidBefore).max() ?? now,
                validUntil: chainCertificates.map(\.notValidAfter).min() ?? now)
            chainCache.insert(validated, for: key)
            return validated
        case .couldNotValidate(let failures):
            let reasons = failures.map { "\($0.policyFailureReason)" }
            throw TrustError(.untrustedChain, check: .chain,
                             "no chain from '\(signature.signer.subject)' (issuer '\(signature.signer.issuer)') to a root in the trust store",
                             cause: reasons.isEmpty ? "no path to a trusted root" : reasons.joined(separator: "; "))
        }
    }
}

/// Lets a critical extended-key-usage extension pass path validation: the verifier checks code
/// signing usage itself, as its own named check.
struct ExtendedKeyUsageIsChecked: VerifierPolicy {
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.extendedKeyUsage]
    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult { .meetsPolicy }
}

extension Certificate.PublicKey {
    var algorithmName: String {
        switch SigningAlgorithm(of: self) {
        case .ed25519: "Ed25519"
        case .p256: "ECDSA P-256/SHA-256"
        case nil: "\(self)"
        }
    }
}
