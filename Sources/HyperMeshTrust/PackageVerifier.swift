import Foundation
import HyperMeshManifest
import SwiftASN1
import Synchronization
@_spi(FixedExpiryValidationTime) import X509

/// Verifies packages against a ``TrustStore``, before any byte of the payload is mapped. The
/// checks run in the order of ``VerificationCheck``; the first failure refuses the package.
///
/// Defaults: unsigned packages are refused (``allowUnsigned`` is for development; a signed
/// package that fails a check is refused whether or not unsigned ones are allowed). Time is the
/// system clock unless a clock is injected.
///
/// Chain validation (RFC 5280, swift-certificates) is cached per presented chain for the life of
/// the verifier, within the time window in which every certificate of the validated chain is
/// valid; the signature, file digests, validity of the presented certificates and revocation are
/// checked on every call. The trust store is fixed per verifier: reload it by making a new one.
///
/// Not guaranteed: that the files do not change between verification and loading (the package
/// folder must be writable only by the operator), and anything about what the code does once
/// loaded.
public final class PackageVerifier: Sendable {
    public let trustStore: TrustStore
    public let allowUnsigned: Bool
    let clock: @Sendable () -> Date
    private let chainCache = Mutex<[String: ValidatedChain]>([:])

    struct ValidatedChain: Sendable {
        let certificates: [Certificate]
        let fingerprints: [String]
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
        let (manifest, bytes) = try ManifestDecoder.loadWithBytes(from: directory)
        return (manifest, await verify(packageAt: directory, manifest: manifest, manifestBytes: bytes))
    }

    /// Verifies a package whose manifest was already decoded from `manifestBytes`.
    public func verify(packageAt directory: URL, manifest: Manifest, manifestBytes: Data) async -> VerificationReport {
        var run = VerificationRun(packageDigest: FileDigest.sha256Hex(of: manifestBytes))
        do throws(TrustError) {
            try run.check(.files) { () throws(TrustError) in try Self.checkFiles(of: directory, manifest: manifest) }
            let signatureFile = directory.appendingPathComponent(PackageSignature.fileName)
            guard FileManager.default.fileExists(atPath: signatureFile.path) else {
                return unsigned(run)
            }
            let signature: PackageSignature
            do throws(TrustError) {
                signature = try PackageSignature(contentsOf: signatureFile)
            } catch {
                run.record(.signature, .failed(error))
                throw error
            }
            run.signer = CertificateSummary(signature.signer, fingerprint: signature.chainFingerprints[0])
            run.chain = zip(signature.chain, signature.chainFingerprints).map { CertificateSummary($0, fingerprint: $1) }
            try run.check(.signature) { () throws(TrustError) in try Self.checkSignature(signature, over: manifestBytes) }
            let now = clock()
            try run.check(.validity) { () throws(TrustError) in try Self.checkValidity(of: signature.chain, at: now) }
            let validated = try await run.step(.chain) { () async throws(TrustError) in
                let chain = try await validateChain(signature, at: now)
                return (chain, "chains to the trusted root '\(chain.certificates.last.map { "\($0.subject)" } ?? "?")'")
            }
            run.chain = zip(validated.certificates, validated.fingerprints).map { CertificateSummary($0, fingerprint: $1) }
            try run.check(.codeSigning) { () throws(TrustError) in try Self.checkCodeSigningUsage(of: signature.signer) }
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

    static func checkFiles(of directory: URL, manifest: Manifest) throws(TrustError) -> String {
        do throws(PackageError) {
            try PackageFiles.verify(directory, manifest: manifest)
        } catch {
            throw TrustError(.fileCheckFailed, check: .files, error.description)
        }
        return "\(manifest.files.count) file(s) match their SHA-256, none unlisted"
    }

    static func checkSignature(_ signature: PackageSignature, over manifestBytes: Data) throws(TrustError) -> String {
        guard signature.isValid(over: manifestBytes) else {
            throw TrustError(.signatureInvalid, check: .signature,
                             "the signature does not verify over extension.json with the key of '\(signature.signer.subject)': the manifest changed after signing, or the signature was made for another package")
        }
        return "\(signature.signer.publicKey.algorithmName) signature by '\(signature.signer.subject)' over extension.json"
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
        if let cached = chainCache.withLock({ $0[key] }), cached.validFrom <= now, now <= cached.validUntil {
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
            let certificates = Array(chain)
            let validated = ValidatedChain(
                certificates: certificates,
                fingerprints: certificates.map(CertificatePEM.fingerprint),
                validFrom: certificates.map(\.notValidBefore).max() ?? now,
                validUntil: certificates.map(\.notValidAfter).min() ?? now)
            chainCache.withLock { $0[key] = validated }
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
