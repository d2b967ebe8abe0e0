import Testing
@testable import HyperMeshRollout

@Suite("Rollout state machine: node actions")
struct NodeActionTests {
    typealias F = RolloutFixtures
    let old = NodeLocalState(activeDigest: F.previousDigest, storedDigests: [F.previousDigest])
    let stored = NodeLocalState(activeDigest: F.previousDigest, storedDigests: [F.previousDigest, F.digest])
    let running = NodeLocalState(activeDigest: F.digest, storedDigests: [F.previousDigest, F.digest])

    func record(_ phase: RolloutPhase, paused: Bool = false, labels: [String: String] = [:]) -> RolloutRecord {
        var record = F.record(labels: labels)
        record.phase = phase
        record.paused = paused
        return record
    }

    /// The canary of a 100-node fleet and a node of the last wave.
    var canaryAndLast: (String, String, [NodeObservation]) {
        let ids = (0..<100).map { "n\($0)" }
        let waves = WaveAssignment.waves(rolloutID: "r1", eligible: ids, shares: .standard)
        return (ids.first { waves[$0] == 0 }!, ids.first { waves[$0] == 3 }!, ids.map { F.observe($0, nil) })
    }

    @Test("a node outside the selector does nothing")
    func ineligible() {
        let r = record(.wave(3), labels: ["zone": "eu"])
        #expect(RolloutStateMachine.action(nodeID: "x", labels: ["zone": "us"], record: r, nodes: [], local: old) == .none)
    }

    @Test("while prefetching a node fetches the package unless it has it")
    func prefetching() {
        #expect(RolloutStateMachine.action(nodeID: "x", labels: [:], record: record(.prefetching), nodes: [], local: old) == .prefetch)
        #expect(RolloutStateMachine.action(nodeID: "x", labels: [:], record: record(.prefetching), nodes: [], local: stored) == .none)
        let failed = NodeLocalState(activeDigest: nil, storedDigests: [], failedDigests: [F.digest])
        #expect(RolloutStateMachine.action(nodeID: "x", labels: [:], record: record(.prefetching), nodes: [], local: failed) == .none)
    }

    @Test("in wave k a node of a wave up to k activates, a later one waits, a paused rollout activates nobody")
    func waves() {
        let (canary, last, nodes) = canaryAndLast
        #expect(RolloutStateMachine.action(nodeID: canary, labels: [:], record: record(.wave(0)), nodes: nodes, local: stored) == .activate)
        #expect(RolloutStateMachine.action(nodeID: last, labels: [:], record: record(.wave(2)), nodes: nodes, local: stored) == .none)
        #expect(RolloutStateMachine.action(nodeID: last, labels: [:], record: record(.wave(3)), nodes: nodes, local: stored) == .activate)
        #expect(RolloutStateMachine.action(nodeID: canary, labels: [:], record: record(.wave(0), paused: true), nodes: nodes, local: stored) == .none)
        #expect(RolloutStateMachine.action(nodeID: canary, labels: [:], record: record(.wave(0), paused: true), nodes: nodes, local: old) == .prefetch)
        #expect(RolloutStateMachine.action(nodeID: canary, labels: [:], record: record(.wave(0)), nodes: nodes, local: running) == .none)
        #expect(RolloutStateMachine.action(nodeID: last, labels: [:], record: record(.wave(0)), nodes: nodes, local: old) == .prefetch)
    }

    @Test("a late joiner of a complete rollout fetches and activates")
    func lateJoiner() {
        #expect(RolloutStateMachine.action(nodeID: "new", labels: [:], record: record(.complete), nodes: [], local: old) == .prefetch)
        #expect(RolloutStateMachine.action(nodeID: "new", labels: [:], record: record(.complete), nodes: [], local: stored) == .activate)
        #expect(RolloutStateMachine.action(nodeID: "new", labels: [:], record: record(.complete), nodes: [], local: running) == .none)
    }

    @Test("after a rollback or an abort, nodes running the new digest roll back and the others do nothing")
    func rollBack() {
        for phase: RolloutPhase in [.rolledBack, .aborted] {
            #expect(RolloutStateMachine.action(nodeID: "a", labels: [:], record: record(phase), nodes: [], local: running) == .rollBack)
            #expect(RolloutStateMachine.action(nodeID: "a", labels: [:], record: record(phase), nodes: [], local: stored) == .none)
            #expect(RolloutStateMachine.action(nodeID: "a", labels: [:], record: record(phase), nodes: [], local: old) == .none)
        }
    }
}
