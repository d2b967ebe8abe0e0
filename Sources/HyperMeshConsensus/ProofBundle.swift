import Foundation

/// The four proofs submitted with an operation. Any of them may be missing; the validator of a
/// missing proof rejects the operation and says which proof to attach.
///
/// JSON form: an object with the optional keys `space`, `stake`, `work` and `time` (absent when the
/// proof is missing); every byte string is lowercase hex. Use ``jsonData()`` and
/// ``init(json:)`` for the typed-error round trip.
public struct ProofBundle: Sendable, Codable, Equatable, Hashable {
    public var space: SpaceProof?
    public var stake: StakeProof?
    public var work: WorkProof?
    public var time: TimeProof?

    public init(space: SpaceProof? = nil, stake: StakeProof? = nil, work: WorkProof? = nil, time: TimeProof? = nil) {
        self.space = space
        self.stake = stake
        self.work = work
        self.time = time
    }

    /// The kinds whose proof is present, in ``ProofKind`` order.
    public var presentKinds: [ProofKind] {
        var kinds: [ProofKind] = []
        if space != nil { kinds.append(.space) }
        if stake != nil { kinds.append(.stake) }
        if work != nil { kinds.append(.work) }
        if time != nil { kinds.append(.time) }
        return kinds
    }

    /// The bundle as JSON with sorted keys (stable bytes for the same bundle).
    public func jsonData() throws(ConsensusError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return try encoder.encode(self)
        } catch {
            throw ConsensusError(.unencodableJSON, "the proof bundle could not be encoded as JSON", cause: "\(error)")
        }
    }

    /// Decodes a bundle from JSON.
    /// - Throws: ``ConsensusError/Code/undecodableJSON`` when `json` is not JSON, is not a bundle,
    ///   or spells a byte string other than as lowercase hex.
    public init(json: Data) throws(ConsensusError) {
        do {
            self = try JSONDecoder().decode(ProofBundle.self, from: json)
        } catch {
            throw ConsensusError(
                .undecodableJSON,
                "the proof bundle is not valid JSON of the form {\"space\"?, \"stake\"?, \"work\"?, \"time\"?} with lowercase hex byte strings",
                cause: "\(error)")
        }
    }
}
