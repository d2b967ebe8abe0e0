import Foundation
import HyperMeshFleet
import HyperMeshRollout

/// A rollout as `fleet status` shows it: the record's fields, its phase in words, and each eligible
/// live node's wave and progress.
struct FleetRolloutSummary: Codable {
    struct Node: Codable {
        var id: String
        var wave: Int
        var stage: String
        var healthy: Bool
        var calls: Int
        var errors: Int
        var violations: Int
        var detail: String?
    }

    var id: String
    var extensionID: String
    var version: String
    var previousVersion: String?
    var reference: String
    var digest: String
    /// The phase in words (`wave 2 of 4`).
    var phase: String
    /// The phase for programs: `prefetching`, `wave`, `complete`, `rolled_back`, `aborted`.
    var state: String
    /// The current wave, 1-based, during `wave`.
    var wave: Int?
    var paused: Bool
    var reason: String?
    var waves: String
    var labels: [String: String]
    var createdAt: Date
    var phaseSince: Date
    var nodes: [Node]
    var history: [String]

    init(_ record: RolloutRecord, observations: [NodeObservation] = []) {
        id = record.id
        extensionID = record.extensionID
        version = record.version
        previousVersion = record.previousVersion
        reference = record.reference
        digest = record.digest
        phase = record.phase.describe(waveCount: record.waves.percentages.count)
        switch record.phase {
        case .prefetching: state = "prefetching"
        case .wave(let index): state = "wave"; wave = index + 1
        case .complete: state = "complete"
        case .rolledBack: state = "rolled_back"
        case .aborted: state = "aborted"
        }
        paused = record.paused
        reason = record.reason
        waves = record.waves.description
        labels = record.labels
        createdAt = record.createdAt
        phaseSince = record.phaseSince
        let eligible = observations.filter { record.isEligible(labels: $0.labels) }
        let assignment = WaveAssignment.waves(rolloutID: record.id, eligible: eligible.map(\.nodeID), shares: record.waves)
        nodes = eligible.sorted { ($0.nodeID) < ($1.nodeID) }.map { observation in
            let progress = observation.progress
            return Node(id: observation.nodeID, wave: (assignment[observation.nodeID] ?? 0) + 1, stage: progress?.stage.rawValue ?? "no report",
                        healthy: progress?.healthy ?? true, calls: progress?.calls ?? 0, errors: progress?.errors ?? 0,
                        violations: progress?.violations ?? 0, detail: progress?.detail)
        }
        history = record.history.map { event in
            "\(ISO8601DateFormatter().string(from: event.at)) \(event.phase.describe(waveCount: record.waves.percentages.count))\(event.note.isEmpty ? "" : ": \(event.note)")"
        }
    }

    func printText() {
        Console.current.out("\(extensionID) \(previousVersion.map { "\($0) -> " } ?? "")\(version)  rollout \(id)")
        Console.current.out("  phase: \(phase)\(paused ? " (paused)" : "")\(reason.map { " — \($0)" } ?? "")")
        Console.current.out("  waves: \(waves)\(labels.isEmpty ? "" : "  labels: \(labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))")")
        if nodes.isEmpty { Console.current.out("  no live node matches") }
        for node in nodes {
            Console.current.out("  \(node.id)  wave \(node.wave)  \(node.stage)\(node.healthy ? "" : " UNHEALTHY")  calls \(node.calls) errors \(node.errors) violations \(node.violations)\(node.detail.map { "  \($0)" } ?? "")")
        }
    }
}
