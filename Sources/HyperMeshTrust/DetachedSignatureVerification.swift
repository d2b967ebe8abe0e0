import Foundation
import X509

extension PackageVerifier {
    /// Verifies a detached signature over `bytes` that is not a package's (a signed extension
    /// index, for one) with the same checks as a package signature, in the same order: the
    /// signature over the exact bytes, the validity of every certificate at the verifier's clock, the chain to a root
    /// of the trust store, code-signing usage, and revocation of every certificate of the chain.
    /// `document` names what was signed in messages ("the index 'main'").
    ///
    /// Returns the validated chain's subjects, signer first. Not checked: anything about the
    /// content of `bytes` (the caller checks versions and expiry).
    public func verifyDetachedSignature(_ signature: PackageSignature, over bytes: Data, document: String) async throws(TrustError) -> [String] {
        guard signature.isValid(over: bytes) else {
            throw TrustError(.signatureInvalid, check: .signature,
                             "the signature does not verify over \(document) with the key of '\(signature.signer.subject)': the document changed after signing")
        }
        let now = clock()
        _ = try Self.checkValidity(of: signature.chain, at: now)
        let validated = try await validateChain(signature, at: now)
        _ = try Self.checkCodeSigningUsage(of: signature.signer)
        _ = try checkRevocation(certificates: validated.fingerprints, names: validated.certificates.map { "\($0.subject)" }, packageDigest: "")
        return validated.certificates.map { "\($0.subject)" }
    }
}
