import Foundation
@testable import HyperMeshRollout

/// Shared values for the rollout tests.
enum RolloutFixtures {
    static let digest = "sha256:" + String(repeating: "0123456789abcdef", count: 4)
    static let previousDigest = "sha256:" + String(repeating: "fedcba9876543210", count: 4)
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    static func record(id: String = "r1", waves: WaveShares = .standard, labels: [String: String] = [:],
                       gate: HealthGate = HealthGate(windowSeconds: 30)) -> RolloutRecord {
        try! RolloutRecord.make(id: id, extensionID: "org.example.echo", version: "2.0.0",
                                reference: "registry.example/echo@" + digest, digest: digest,
                                previousVersion: "1.0.0", waves: waves, labels: labels, gate: gate, now: start)
    }

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    static func progress(_ node: String, _ stage: NodeRolloutStage, rollout: String = "r1", healthy: Bool = true,
                         detail: String? = nil, calls: Int = 0, errors: Int = 0, violations: Int = 0,
                         activeSince: Double? = nil) -> NodeRolloutProgress {
        NodeRolloutProgress(rolloutID: rollout, nodeID: node, stage: stage, healthy: healthy, detail: detail,
                            calls: calls, errors: errors, violations: violations,
                            activeSince: activeSince.map(at), updatedAt: at(activeSince ?? 0))
    }

    static func observe(_ node: String, _ progress: NodeRolloutProgress?, labels: [String: String] = [:]) -> NodeObservation {
        NodeObservation(nodeID: node, labels: labels, progress: progress)
    }

    /// `count` nodes named n0, n1, … all in `stage`, active since `activeSince` when active.
    static func fleet(_ count: Int, _ stage: NodeRolloutStage, activeSince: Double? = nil) -> [NodeObservation] {
        (0..<count).map { observe("n\($0)", progress("n\($0)", stage, activeSince: stage == .active ? activeSince ?? 0 : nil)) }
    }
}
