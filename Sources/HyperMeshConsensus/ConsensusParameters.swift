import Foundation

/// The tunable costs and limits of the four proofs. A prover and its validators must use the same
/// values. The defaults keep proving in the millisecond range; they are NOT sized to resist a
/// determined adversary with real hardware, only to make each proof a real, checkable cost.
///
/// | parameter | default | meaning |
/// | --- | --- | --- |
/// | ``workDifficultyBits`` | 12 | leading zero bits the work hash needs (about 2^12 hashes to prove, 1 to verify) |
/// | ``timeIterations`` | 20 000 | least length of the time hash chain |
/// | ``maximumTimeIterationFactor`` | 4 | a chain longer than `timeIterations × 4` is rejected unchecked |
/// | ``maximumClockSkew`` | 300 s | how far the operation timestamp may be from the validator's clock, either way |
/// | ``minimumStake`` | 1 | least ledger stake of the signing key |
/// | ``spaceChallenges`` | 8 | plot blocks opened per operation |
/// | ``minimumPlotBytes`` | 65 536 (64 KiB) | least registered plot size |
/// | ``plotBlockBytes`` | 32 | bytes per plot block (1…32: a block is a SHA-256 output, truncated if shorter) |
/// | ``plotBlockRounds`` | 64 | SHA-256 rounds to compute one plot block |
///
/// JSON form: an object with these keys; a missing key takes its default.
public struct ConsensusParameters: Sendable, Hashable, Codable {
    public var workDifficultyBits: Int
    public var timeIterations: UInt64
    public var maximumTimeIterationFactor: UInt64
    public var maximumClockSkew: TimeInterval
    public var minimumStake: UInt64
    public var spaceChallenges: Int
    public var minimumPlotBytes: Int
    public var plotBlockBytes: Int
    public var plotBlockRounds: Int

    public init(
        workDifficultyBits: Int = 12,
        timeIterations: UInt64 = 20_000,
        maximumTimeIterationFactor: UInt64 = 4,
        maximumClockSkew: TimeInterval = 300,
        minimumStake: UInt64 = 1,
        spaceChallenges: Int = 8,
        minimumPlotBytes: Int = 64 * 1024,
        plotBlockBytes: Int = 32,
        plotBlockRounds: Int = 64
    ) {
        self.workDifficultyBits = workDifficultyBits
        self.timeIterations = timeIterations
        self.maximumTimeIterationFactor = maximumTimeIterationFactor
        self.maximumClockSkew = maximumClockSkew
        self.minimumStake = minimumStake
        self.spaceChallenges = spaceChallenges
        self.minimumPlotBytes = minimumPlotBytes
        self.plotBlockBytes = plotBlockBytes
        self.plotBlockRounds = plotBlockRounds
    }

    /// The longest time chain a validator recomputes: `timeIterations × maximumTimeIterationFactor`
    /// (saturating at `UInt64.max`).
    public var maximumTimeIterations: UInt64 {
        let (product, overflow) = timeIterations.multipliedReportingOverflow(by: maximumTimeIterationFactor)
        return overflow ? UInt64.max : product
    }

    /// What is out of range, one sentence each; empty when the parameters are usable.
    public var problems: [String] {
        var found: [String] = []
        if !(0...64).contains(workDifficultyBits) {
            found.append("workDifficultyBits is \(workDifficultyBits); use 0…64 (a 64-bit nonce cannot meet more)")
        }
        if timeIterations == 0 { found.append("timeIterations is 0; use at least 1") }
        if maximumTimeIterationFactor == 0 { found.append("maximumTimeIterationFactor is 0; use at least 1") }
        if !maximumClockSkew.isFinite || maximumClockSkew < 0 {
            found.append("maximumClockSkew is \(maximumClockSkew); use a finite number of seconds ≥ 0")
        }
        if !(1...1024).contains(spaceChallenges) { found.append("spaceChallenges is \(spaceChallenges); use 1…1024") }
        if minimumPlotBytes < 0 { found.append("minimumPlotBytes is \(minimumPlotBytes); use a size ≥ 0") }
        if !(1...SHA256Bytes.size).contains(plotBlockBytes) {
            found.append("plotBlockBytes is \(plotBlockBytes); use 1…\(SHA256Bytes.size)")
        }
        if plotBlockRounds < 1 { found.append("plotBlockRounds is \(plotBlockRounds); use at least 1") }
        return found
    }

    /// Throws unless ``problems`` is empty.
    /// - Throws: ``ConsensusError/Code/invalidParameters`` listing every problem.
    public func validate() throws(ConsensusError) {
        let found = problems
        guard found.isEmpty else {
            throw ConsensusError(.invalidParameters, "consensus parameters out of range: " + found.joined(separator: "; "))
        }
    }

    /// A rejection naming the problems, for validators configured with unusable parameters.
    func rejectionIfInvalid(for kind: ProofKind) -> ValidatorVerdict? {
        let found = problems
        guard !found.isEmpty else { return nil }
        return .rejected(reason: "the \(kind) validator's parameters are invalid (\(found.joined(separator: "; "))); fix the node's consensus configuration")
    }
}

extension ConsensusParameters {
    private enum CodingKeys: String, CodingKey {
        case workDifficultyBits, timeIterations, maximumTimeIterationFactor, maximumClockSkew, minimumStake
        case spaceChallenges, minimumPlotBytes, plotBlockBytes, plotBlockRounds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ConsensusParameters()
        self.init(
            workDifficultyBits: try container.decodeIfPresent(Int.self, forKey: .workDifficultyBits) ?? defaults.workDifficultyBits,
            timeIterations: try container.decodeIfPresent(UInt64.self, forKey: .timeIterations) ?? defaults.timeIterations,
            maximumTimeIterationFactor: try container.decodeIfPresent(UInt64.self, forKey: .maximumTimeIterationFactor)
                ?? defaults.maximumTimeIterationFactor,
            maximumClockSkew: try container.decodeIfPresent(TimeInterval.self, forKey: .maximumClockSkew) ?? defaults.maximumClockSkew,
            minimumStake: try container.decodeIfPresent(UInt64.self, forKey: .minimumStake) ?? defaults.minimumStake,
            spaceChallenges: try container.decodeIfPresent(Int.self, forKey: .spaceChallenges) ?? defaults.spaceChallenges,
            minimumPlotBytes: try container.decodeIfPresent(Int.self, forKey: .minimumPlotBytes) ?? defaults.minimumPlotBytes,
            plotBlockBytes: try container.decodeIfPresent(Int.self, forKey: .plotBlockBytes) ?? defaults.plotBlockBytes,
            plotBlockRounds: try container.decodeIfPresent(Int.self, forKey: .plotBlockRounds) ?? defaults.plotBlockRounds)
    }
}
