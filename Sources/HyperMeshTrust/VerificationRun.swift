/// The state of one verification while its checks run: what was recorded so far. Every check
/// not recorded when the run finishes is reported as not run.
struct VerificationRun {
    let packageDigest: String
    var signer: CertificateSummary?
    var chain: [CertificateSummary] = []
    var results: [CheckResult] = []
    var outcome: VerificationReport.Outcome?

    init(packageDigest: String) {
        self.packageDigest = packageDigest
    }

    mutating func record(_ check: VerificationCheck, _ status: CheckResult.Status) {
        results.append(CheckResult(check: check, status: status))
    }

    /// Runs `body`; records pass with its text, or the failure, which it rethrows.
    mutating func check(_ check: VerificationCheck, _ body: () throws(TrustError) -> String) throws(TrustError) {
        do {
            record(check, .passed(try body()))
        } catch {
            record(check, .failed(error))
            throw error
        }
    }

    /// Like ``check(_:_:)`` for an async check that also produces a value.
    mutating func step<Value>(_ check: VerificationCheck, _ body: () async throws(TrustError) -> (Value, String)) async throws(TrustError) -> Value {
        do {
            let (value, text) = try await body()
            record(check, .passed(text))
            return value
        } catch {
            record(check, .failed(error))
            throw error
        }
    }

    func finish() -> VerificationReport {
        // Six checks at most: linear searches, no set to build.
        let rest = VerificationCheck.allCases.filter { check in !results.contains { $0.check == check } }
            .map { CheckResult(check: $0, status: .notRun) }
        let failure = results.lazy.compactMap { result -> TrustError? in
            if case .failed(let error) = result.status { return error }
            return nil
        }.first
        return VerificationReport(
            packageDigest: packageDigest, signer: signer, chain: chain, checks: results + rest,
            outcome: outcome ?? failure.map { .refused($0) } ?? .refused(TrustError(.signatureMalformed, "verification did not finish")))
    }
}
