import Foundation

/// The one document that describes a rollout (in the real fleet: one etcd key per rollout, written
/// by the operator and by the coordinator that runs ``RolloutStateMachine/advance(_:nodes:now:)``).
///
/// JSON: camelCase keys, sorted by ``encoded()``; dates (`phaseSince`, `createdAt`, each history
/// `at`) are seconds since 1970 as JSON numbers, whatever the encoder's date strategy; `phase` as
/// in ``RolloutPhase``; `waves` as an array of percentages; `previousVersion` and `reason` are left
/// out when nil. ``decode(_:)`` validates every field (see ``problem``).
///
/// ``history`` keeps the last ``historyLimit`` (64) events; older ones are dropped.
/// Not guaranteed: sub-microsecond exactness of dates through JSON.
public struct RolloutRecord: Sendable, Hashable, Codable {
    /// The rollout id (also the seed of the wave assignment).
    public var id: String
    public var extensionID: String
    /// The version rolled out.
    public var version: String
    /// The OCI reference pinned by digest: `registry/repo@sha256:…`, the same digest as ``digest``.
    public var reference: String
    /// The package's manifest digest, `sha256:` and 64 lowercase hex digits.
    public var digest: String
    /// The version nodes go back to on rollback; nil when there was none (a first install: a
    /// rollback deactivates).
    public var previousVersion: String?
    public var waves: WaveShares
    /// The selector: a node is eligible when its labels contain every pair; empty selects every node.
    public var labels: [String: String]
    public var gate: HealthGate
    public var phase: RolloutPhase
    /// Set by the operator: no wave advances and no node activates; prefetching goes on and a
    /// failure still rolls back.
    public var paused: Bool
    /// When ``phase`` was entered (or the rollout resumed: resuming restarts the gate window).
    public var phaseSince: Date
    public var createdAt: Date
    /// Why the rollout is rolled back or aborted (names the node and the cause).
    public var reason: String?
    public var history: [RolloutEvent]

    /// How many events ``history`` keeps.
    public static let historyLimit = 64

    public init(id: String, extensionID: String, version: String, reference: String, digest: String,
                previousVersion: String?, waves: WaveShares, labels: [String: String], gate: HealthGate,
                phase: RolloutPhase, paused: Bool, phaseSince: Date, createdAt: Date, reason: String?,
                history: [RolloutEvent]) {
        self.id = id
        self.extensionID = extensionID
        self.version = version
        self.reference = reference
        self.digest = digest
        self.previousVersion = previousVersion
        self.waves = waves
        self.labels = labels
        self.gate = gate
        self.phase = phase
        self.paused = paused
        self.phaseSince = phaseSince
        self.createdAt = createdAt
        self.reason = reason
        self.history = history
    }

    /// A new rollout in `.prefetching`, not paused, with one history event; validated like
    /// ``decode(_:)`` (throws `rollout.record_invalid`).
    public static func make(id: String, extensionID: String, version: String, reference: String, digest: String,
                            previousVersion: String?, waves: WaveShares = .standard, labels: [String: String] = [:],
                            gate: HealthGate = HealthGate(), now: Date) throws(RolloutError) -> RolloutRecord {
        let record = RolloutRecord(
            id: id, extensionID: extensionID, version: version, reference: reference, digest: digest,
            previousVersion: previousVersion, waves: waves, labels: labels, gate: gate, phase: .prefetching,
            paused: false, phaseSince: now, createdAt: now, reason: nil,
            history: [RolloutEvent(at: now, phase: .prefetching, note: "rollout of \(extensionID) \(version) created")])
        if let problem = record.problem {
            throw RolloutError(.recordInvalid, subject: id.isEmpty ? nil : id, problem)
        }
        return record
    }

    /// True when `labels` contain every pair of the selector ``labels``.
    public func isEligible(labels nodeLabels: [String: String]) -> Bool {
        labels.allSatisfy { nodeLabels[$0.key] == $0.value }
    }

    /// Nil when the record keeps every rule, else the first rule it breaks.
    public var problem: String? {
        if id.isEmpty { return "the rollout id is empty" }
        if id.contains("/") { return "the rollout id '\(id)' contains '/'" }
        if extensionID.isEmpty { return "the extension id is empty" }
        if version.isEmpty { return "the version is empty" }
        if !Self.isDigest(digest) { return "digest '\(digest)' is not sha256: followed by 64 lowercase hex digits" }
        if !reference.hasSuffix("@" + digest) || reference.count <= digest.count + 1 {
            return "reference '\(reference)' is not pinned by the digest \(digest) (expected <repository>@\(digest))"
        }
        if let previousVersion, previousVersion.isEmpty { return "previousVersion is empty (leave it out when there is none)" }
        if case .wave(let index) = phase, index < 0 || index >= waves.count {
            return "phase wave \(index) is out of range for \(waves.count) waves"
        }
        if let problem = gate.problem { return problem }
        if history.count > Self.historyLimit { return "history has \(history.count) events, more than \(Self.historyLimit)" }
        return nil
    }

    /// Decodes and validates a record; throws `rollout.record_invalid` with the decoding error as cause.
    public static func decode(_ data: Data) throws(RolloutError) -> RolloutRecord {
        let record: RolloutRecord
        do {
            record = try JSONDecoder().decode(RolloutRecord.self, from: data)
        } catch {
            throw RolloutError(.recordInvalid, subject: nil, "the rollout record is not valid JSON of the expected shape", cause: error)
        }
        if let problem = record.problem {
            throw RolloutError(.recordInvalid, subject: record.id.isEmpty ? nil : record.id, problem)
        }
        return record
    }

    /// The JSON document, keys sorted, slashes not escaped (equal records give equal bytes).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Every member encodes plain JSON values; this cannot fail.
        return try! encoder.encode(self)
    }

    /// A copy with `event` appended to the history, the oldest events dropped past ``historyLimit``.
    public func appending(_ event: RolloutEvent) -> RolloutRecord {
        var copy = self
        copy.history.append(event)
        if copy.history.count > Self.historyLimit {
            copy.history.removeFirst(copy.history.count - Self.historyLimit)
        }
        return copy
    }

    static func isDigest(_ text: String) -> Bool {
        guard text.hasPrefix("sha256:") else { return false }
        let hex = text.utf8.dropFirst(7)
        return hex.count == 64 && hex.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private enum CodingKeys: String, CodingKey {
        case id, extensionID, version, reference, digest, previousVersion, waves, labels, gate, phase, paused,
             phaseSince, createdAt, reason, history
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        extensionID = try c.decode(String.self, forKey: .extensionID)
        version = try c.decode(String.self, forKey: .version)
        reference = try c.decode(String.self, forKey: .reference)
        digest = try c.decode(String.self, forKey: .digest)
        previousVersion = try c.decodeIfPresent(String.self, forKey: .previousVersion)
        waves = try c.decode(WaveShares.self, forKey: .waves)
        labels = try c.decode([String: String].self, forKey: .labels)
        gate = try c.decode(HealthGate.self, forKey: .gate)
        phase = try c.decode(RolloutPhase.self, forKey: .phase)
        paused = try c.decode(Bool.self, forKey: .paused)
        phaseSince = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .phaseSince))
        createdAt = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .createdAt))
        reason = try c.decodeIfPresent(String.self, forKey: .reason)
        history = try c.decode([RolloutEvent].self, forKey: .history)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(extensionID, forKey: .extensionID)
        try c.encode(version, forKey: .version)
        try c.encode(reference, forKey: .reference)
        try c.encode(digest, forKey: .digest)
        try c.encodeIfPresent(previousVersion, forKey: .previousVersion)
        try c.encode(waves, forKey: .waves)
        try c.encode(labels, forKey: .labels)
        try c.encode(gate, forKey: .gate)
        try c.encode(phase, forKey: .phase)
        try c.encode(paused, forKey: .paused)
        try c.encode(phaseSince.timeIntervalSince1970, forKey: .phaseSince)
        try c.encode(createdAt.timeIntervalSince1970, forKey: .createdAt)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(history, forKey: .history)
    }
}
