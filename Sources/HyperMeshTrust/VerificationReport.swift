import Foundation
import X509

/// A certificate as verification reports it.
public struct CertificateSummary: Sendable, Hashable {
    public let subject: String
    public let issuer: String
    /// SHA-256 of the DER bytes, lowercase hex (what revocation lists name).
    public let fingerprint: String
    public let notBefore: Date
    public let notAfter: Date
    /// `ed25519`, `p256`, or the library's description of another key type.
    public let keyAlgorithm: String

    public init(_ certificate: Certificate, fingerprint: String? = nil) {
        subject = "\(certificate.subject)"
        issuer = "\(certificate.issuer)"
        self.fingerprint = fingerprint ?? CertificatePEM.fingerprint(certificate)
        notBefore = certificate.notValidBefore
        notAfter = certificate.notValidAfter
        keyAlgorithm = SigningAlgorithm(of: certificate.publicKey)?.rawValue ?? "\(certificate.publicKey)"
    }
}

/// One check's result.
public struct CheckResult: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        /// The check passed; the text says what was found.
        case passed(String)
        /// The check failed; verification stopped here.
        case failed(TrustError)
        /// The check does not apply (an unsigned package allowed for development).
        case skipped(String)
        /// An earlier check failed.
        case notRun
    }

    public let check: VerificationCheck
    public let status: Status

    /// `pass`, `FAIL`, `skip` or `-`, for tables.
    public var label: String {
        switch status {
        case .passed: "pass"
        case .failed: "FAIL"
        case .skipped: "skip"
        case .notRun: "-"
        }
    }

    /// What was found, the reason it failed, or why it did not run.
    public var detail: String {
        switch status {
        case .passed(let text), .skipped(let text): text
        case .failed(let error): error.description
        case .notRun: "not run: an earlier check failed"
        }
    }
}

/// Everything verification found out about one package: who signed it, the chain to the trust
/// anchor, each check in order, and the outcome.
public struct VerificationReport: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Every check passed.
        case verified
        /// The package is unsigned and the host was told to allow that (development only).
        case unsignedAllowed
        /// A check failed; the package must not be loaded.
        case refused(TrustError)
    }

    /// SHA-256 of the exact bytes of `extension.json`: it pins every file of the package, and is
    /// what a revocation list names to revoke the package.
    public let packageDigest: String
    /// The signer's certificate, when the package carries a readable signature.
    public let signer: CertificateSummary?
    /// The validated chain from the signer to the trusted root; when the chain did not validate,
    /// the chain as the signature presented it.
    public let chain: [CertificateSummary]
    public let checks: [CheckResult]
    public let outcome: Outcome

    /// Whether the package may be loaded.
    public var isLoadable: Bool {
        if case .refused = outcome { return false }
        return true
    }

    /// The failed check's error, if any.
    public var failure: TrustError? {
        if case .refused(let error) = outcome { return error }
        return nil
    }

    /// One line: `verified (signer: …, root: …)`, `unsigned (allowed for development)` or
    /// `refused: <error>`.
    public var summary: String {
        switch outcome {
        case .verified:
            let root = chain.last.map { ", root: \($0.subject)" } ?? ""
            return "verified (signer: \(signer?.subject ?? "?")\(root))"
        case .unsignedAllowed:
            return "unsigned (allowed for development)"
        case .refused(let error):
            return "refused: \(error)"
        }
    }
}
