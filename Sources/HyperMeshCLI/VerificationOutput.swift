import Foundation
import HyperMeshErrors
import HyperMeshTrust

/// How commands show a ``VerificationReport``: JSON fields and a text block.
struct VerificationOutput: Codable, Equatable {
    struct CertificateOutput: Codable, Equatable {
        var subject, issuer, fingerprint, notBefore, notAfter, keyAlgorithm: String

        init(_ summary: CertificateSummary) {
            let formatter = ISO8601DateFormatter()
            subject = summary.subject
            issuer = summary.issuer
            fingerprint = summary.fingerprint
            notBefore = formatter.string(from: summary.notBefore)
            notAfter = formatter.string(from: summary.notAfter)
            keyAlgorithm = summary.keyAlgorithm
        }
    }

    struct CheckOutput: Codable, Equatable {
        /// The check's name (files, signature, validity, chain, code-signing, revocation).
        var check: String
        /// pass, fail, skip or not-run.
        var result: String
        var detail: String
        /// The error code, when the check failed.
        var code: String?
        /// The error's category (e.g. `integrity`), when the check failed.
        var category: String?
    }

    /// verified, unsigned-allowed or refused.
    var outcome: String
    var summary: String
    /// SHA-256 of extension.json: what a revocation list names to revoke this package.
    var packageDigest: String
    var signer: CertificateOutput?
    var chain: [CertificateOutput]
    var checks: [CheckOutput]

    init(_ report: VerificationReport) {
        switch report.outcome {
        case .verified: outcome = "verified"
        case .unsignedAllowed: outcome = "unsigned-allowed"
        case .refused: outcome = "refused"
        }
        summary = report.summary
        packageDigest = report.packageDigest
        signer = report.signer.map(CertificateOutput.init)
        chain = report.chain.map(CertificateOutput.init)
        checks = report.checks.map { result in
            let name: String
            var code: String?
            var category: String?
            switch result.status {
            case .passed: name = "pass"
            case .skipped: name = "skip"
            case .notRun: name = "not-run"
            case .failed(let error):
                name = "fail"
                code = error.code.rawValue
                category = error.category.rawValue
            }
            let detail: String
            if case .failed(let error) = result.status {
                detail = "[\(error.code.rawValue)] \(error.message)" + (error.cause.map { " (cause: \($0))" } ?? "")
            } else {
                detail = result.detail
            }
            return CheckOutput(check: result.check.rawValue, result: name, detail: detail, code: code, category: category)
        }
    }

    /// The exit code of a command that verified the package: 0 unless refused; refused, the exit
    /// code of the first failed check's category (2 for a tampered or untrusted package, 1 for an
    /// unreadable one).
    var exitCode: Int32 {
        guard outcome == "refused" else { return HyperMeshExitCode.success }
        let category = checks.lazy.compactMap { $0.category.flatMap(HyperMeshErrorCategory.init(rawValue:)) }.first
        return (category ?? .integrity).exitCode
    }

    /// A short word for tables: `verified`, `UNSIGNED` or `REFUSED`.
    var shortLabel: String {
        switch outcome {
        case "verified": "verified"
        case "unsigned-allowed": "UNSIGNED"
        default: "REFUSED"
        }
    }

    /// Multi-line text: signer, chain, then each check.
    func text(indent: String = "") -> String {
        var lines = ["\(indent)result:  \(summary)", "\(indent)package digest: \(packageDigest)"]
        if let signer {
            lines.append("\(indent)signer:  \(signer.subject) (\(signer.keyAlgorithm), valid \(signer.notBefore) to \(signer.notAfter))")
        }
        if !chain.isEmpty {
            lines.append("\(indent)chain:")
            for (index, certificate) in chain.enumerated() {
                lines.append("\(indent)  \(index). \(certificate.subject)  sha256:\(certificate.fingerprint.prefix(16))…  until \(certificate.notAfter)")
            }
        }
        lines.append("\(indent)checks:")
        let rows = checks.map { ["\(indent)  \($0.check)", $0.result == "fail" ? "FAIL" : $0.result, $0.detail] }
        lines.append(TextTable.render(rows))
        return lines.joined(separator: "\n")
    }
}
