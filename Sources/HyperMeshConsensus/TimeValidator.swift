import Foundation

/// Checks proof of time: the proof's `output` must equal SHA-256 applied `iterations` times to the
/// operation digest, with ``ConsensusParameters/timeIterations`` ≤ `iterations` ≤
/// ``ConsensusParameters/maximumTimeIterations``; and the operation's timestamp must lie within
/// ``ConsensusParameters/maximumClockSkew`` of the validator's clock, neither stale nor in the future.
///
/// What it proves: someone ran a chain of at least `timeIterations` SHA-256 evaluations, each
/// depending on the previous one, after the operation (its digest) was fixed; the chain cannot be
/// split across cores. The timestamp check bounds replay of old operations to the skew window.
///
/// What it does NOT prove: wall-clock time. A faster core finishes the chain sooner; the proof
/// measures sequential work, not seconds. It does not prove the timestamp is true, only that it is
/// within the skew of this validator's clock; and it does not stop replay inside that window (the
/// host must deduplicate operations by digest).
///
/// Cost: verification costs as much as proving (the verifier recomputes the whole chain, this is
/// not a verifiable delay function with a short proof). Proofs claiming more than
/// `maximumTimeIterations` are rejected before any hashing, so a forged claim cannot make the
/// verifier spin.
public struct TimeValidator: OperationValidator {
    public let parameters: ConsensusParameters

    public init(parameters: ConsensusParameters = ConsensusParameters()) {
        self.parameters = parameters
    }

    public var proof: ProofKind { .time }

    public func validate(_ operation: ConsensusOperation, proofs: ProofBundle, at now: Date) -> ValidatorVerdict {
        if let invalid = parameters.rejectionIfInvalid(for: proof) { return invalid }
        guard let time = proofs.time else {
            return .rejected(reason: "no time proof in the bundle; attach a TimeProof with the SHA-256 chain of at least \(parameters.timeIterations) iterations from the digest (NodeProver.proveTime)")
        }
        if let skewProblem = timestampProblem(operation, now: now) { return .rejected(reason: skewProblem) }
        guard time.iterations >= parameters.timeIterations else {
            return .rejected(reason: "time chain has \(time.iterations) iterations but at least \(parameters.timeIterations) are required; rerun the chain with more iterations")
        }
        guard time.iterations <= parameters.maximumTimeIterations else {
            return .rejected(reason: "time chain claims \(time.iterations) iterations, more than the \(parameters.maximumTimeIterations) a validator recomputes; use between \(parameters.timeIterations) and \(parameters.maximumTimeIterations)")
        }
        guard time.output.count == SHA256Bytes.size else {
            return .rejected(reason: "time output is \(time.output.count) bytes, not the \(SHA256Bytes.size) of a SHA-256 digest; send the chain's final hash")
        }
        let expected = TimeProof.chainOutput(operationDigest: operation.digest, iterations: time.iterations)
        guard expected == time.output else {
            return .rejected(reason: "time output does not equal SHA-256 applied \(time.iterations) times to this operation's digest; recompute the chain from the digest of exactly this operation")
        }
        return .accepted(detail: "recomputed a \(time.iterations)-step SHA-256 chain from the digest; timestamp within \(parameters.maximumClockSkew) s of the validator's clock")
    }

    /// Why the operation's timestamp is outside the allowed skew, or nil when it is inside.
    private func timestampProblem(_ operation: ConsensusOperation, now: Date) -> String? {
        let nowMilliseconds = ConsensusOperation.milliseconds(since1970: now)
        let skewMilliseconds = ConsensusOperation.milliseconds(since1970: Date(timeIntervalSince1970: parameters.maximumClockSkew))
        let (age, overflow) = nowMilliseconds.subtractingReportingOverflow(operation.timestampMilliseconds)
        if overflow || age > skewMilliseconds || age < -skewMilliseconds {
            let direction = (overflow ? operation.timestampMilliseconds > 0 : age < 0) ? "in the future" : "stale"
            return "operation timestamp \(operation.timestampMilliseconds) ms is \(direction): it is more than \(parameters.maximumClockSkew) s from the validator's clock (\(nowMilliseconds) ms); resubmit the operation with a current timestamp and new proofs, or fix the clock"
        }
        return nil
    }
}
