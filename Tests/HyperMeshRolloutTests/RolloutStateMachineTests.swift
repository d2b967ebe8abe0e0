import Foundation
import Testing
@testable import HyperMeshRollout

@Suite("Rollout state machine: advance")
struct RolloutStateMachineTests {
    typealias F = RolloutFixtures

    @Test("prefetching moves to wave 1 once every eligible node has prefetched, not before")
    func prefetchToWave() throws {
        let record = F.record()
        var nodes = F.fleet(3, .prefetched)
        nodes.append(F.observe("n3", F.progress("n3", .prefetching)))
        #expect(RolloutStateMachine.advance(record, nodes: nodes, now: F.at(1)) == nil)
        nodes[3] = F.observe("n3", F.progress("n3", .active, activeSince: 0))
        let transition = try #require(RolloutStateMachine.advance(record, nodes: nodes, now: F.at(2)))
        #expect(transition.record.phase == .wave(0))
        #expect(transition.record.phaseSince == F.at(2))
        #expect(transition.record.history.last == transition.event)
        #expect(transition.event.note == "all 4 eligible nodes prefetched")
    }

    @Test("prefetching needs at least one eligible node, and a node without progress holds it")
    func prefetchNeedsNodes() {
        let record = F.record(labels: ["zone": "eu"])
        #expect(RolloutStateMachine.advance(record, nodes: [], now: F.at(1)) == nil)
        #expect(RolloutStateMachine.advance(record, nodes: F.fleet(3, .prefetched), now: F.at(1)) == nil)  // none eligible
        let nodes = [F.observe("a", F.progress("a", .prefetched), labels: ["zone": "eu"]), F.observe("b", nil, labels: ["zone": "eu"])]
        #expect(RolloutStateMachine.advance(record, nodes: nodes, now: F.at(1)) == nil)
    }

    @Test("a prefetch failure rolls back and names the node and the detail")
    func prefetchFailure() throws {
        var nodes = F.fleet(3, .prefetched)
        nodes.append(F.observe("n9", F.progress("n9", .prefetchFailed, detail: "digest mismatch")))
        let transition = try #require(RolloutStateMachine.advance(F.record(), nodes: nodes, now: F.at(1)))
        #expect(transition.record.phase == .rolledBack)
        #expect(transition.record.reason == "node n9: prefetch failed: digest mismatch")
    }

    @Test("progress of another rollout and of ineligible nodes is ignored")
    func ignoresOthers() throws {
        let record = F.record(labels: ["role": "edge"])
        let nodes = [
            F.observe("a", F.progress("a", .prefetched), labels: ["role": "edge"]),
            F.observe("b", F.progress("b", .prefetchFailed, rollout: "other"), labels: ["role": "edge"]),
            F.observe("c", F.progress("c", .prefetchFailed), labels: ["role": "core"]),
        ]
        // b's failure belongs to another rollout: b counts as not yet prefetched; c is not eligible.
        #expect(RolloutStateMachine.advance(record, nodes: nodes, now: F.at(1)) == nil)
        let ready = [nodes[0], F.observe("b", F.progress("b", .prefetched), labels: ["role": "edge"]), nodes[2]]
        #expect(try #require(RolloutStateMachine.advance(record, nodes: ready, now: F.at(1))).record.phase == .wave(0))
    }

    func inWave(_ k: Int, since: Double = 0, gate: HealthGate = HealthGate(windowSeconds: 30)) -> RolloutRecord {
        var record = F.record(gate: gate)
        record.phase = .wave(k)
        record.phaseSince = F.at(since)
        return record
    }

    @Test("a wave advances only after the window has passed since the wave began and since the last activation")
    func windowGate() throws {
        let nodes = F.fleet(100, .active, activeSince: 10)
        let record = inWave(0, since: 5)
        #expect(RolloutStateMachine.advance(record, nodes: nodes, now: F.at(39)) == nil)  // 29 s after the activation
        let transition = try #require(RolloutStateMachine.advance(record, nodes: nodes, now: F.at(40)))
        #expect(transition.record.phase == .wave(1))
        #expect(transition.event.note == "wave 1 of 4 passed: 1 node healthy for 30 s")
        let late = inWave(0, since: 20)
        #expect(RolloutStateMachine.advance(late, nodes: nodes, now: F.at(45)) == nil)  // wave only 25 s old
    }

    @Test("a wave waits for every node of its waves to be active; later waves' nodes do not count")
    func waitsForActivation() throws {
        let ids = (0..<100).map { "n\($0)" }
        let waves = WaveAssignment.waves(rolloutID: "r1", eligible: ids, shares: .standard)
        let nodes = ids.map { id in
            waves[id]! <= 1 ? F.observe(id, F.progress(id, .active, activeSince: 0)) : F.observe(id, F.progress(id, .prefetched))
        }
        #expect(try #require(RolloutStateMachine.advance(inWave(1), nodes: nodes, now: F.at(60))).record.phase == .wave(2))
        #expect(RolloutStateMachine.advance(inWave(2), nodes: nodes, now: F.at(60)) == nil)
    }

    @Test("the last wave completes the rollout")
    func completes() throws {
        let transition = try #require(RolloutStateMachine.advance(inWave(3), nodes: F.fleet(10, .active, activeSince: 0), now: F.at(31)))
        #expect(transition.record.phase == .complete)
        #expect(transition.record.phase.isFinal)
    }

    @Test("an unhealthy active node in the current waves rolls back with the gate's reason")
    func unhealthyRollsBack() throws {
        let ids = (0..<100).map { "n\($0)" }
        let canary = WaveAssignment.waves(rolloutID: "r1", eligible: ids, shares: .standard).first { $0.value == 0 }!.key
        let nodes = ids.map { id in
            F.observe(id, id == canary ? F.progress(id, .active, calls: 50, errors: 6, activeSince: 0) : F.progress(id, .prefetched))
        }
        let transition = try #require(RolloutStateMachine.advance(inWave(0), nodes: nodes, now: F.at(1)))
        #expect(transition.record.phase == .rolledBack)
        #expect(transition.record.reason == "node \(canary): error rate 12% over 50 calls exceeds 5%")
        // An unhealthy node of a later wave (active early, e.g. a late joiner) is not judged yet.
        let other = ids.first { $0 != canary }!
        let later = ids.map { id in F.observe(id, id == other ? F.progress(id, .active, healthy: false, activeSince: 0) : F.progress(id, .prefetched)) }
        #expect(RolloutStateMachine.advance(inWave(0), nodes: later, now: F.at(1)) == nil)
    }

    @Test("an activation failure in the current waves rolls back and names the node")
    func activationFailure() throws {
        let nodes = [F.observe("solo", F.progress("solo", .activationFailed, detail: "entry point missing"))]
        let transition = try #require(RolloutStateMachine.advance(inWave(0), nodes: nodes, now: F.at(1)))
        #expect(transition.record.reason == "node solo: activation failed: entry point missing")
        #expect(transition.event.phase == .rolledBack)
    }

    @Test("a wave that adds no node passes at once")
    func emptyWave() throws {
        // 3 nodes with 1,10,50,100: wave 1 (10%) adds nobody (ceil(0.3) = 1 = ceil(0.03)).
        let nodes = F.fleet(3, .active, activeSince: 0)
        let transition = try #require(RolloutStateMachine.advance(inWave(1, since: 0), nodes: nodes, now: F.at(0.1)))
        #expect(transition.record.phase == .wave(2))
        // With no eligible node at all every wave is empty: the rollout completes step by step.
        var record = inWave(0)
        var steps = 0
        while let next = RolloutStateMachine.advance(record, nodes: [], now: F.at(1)) { record = next.record; steps += 1 }
        #expect(record.phase == .complete && steps == 4)
    }

    @Test("a paused or final rollout does not move")
    func pausedAndFinal() {
        var paused = inWave(3)
        paused.paused = true
        #expect(RolloutStateMachine.advance(paused, nodes: F.fleet(5, .active, activeSince: 0), now: F.at(100)) == nil)
        for phase: RolloutPhase in [.complete, .rolledBack, .aborted] {
            var record = F.record()
            record.phase = phase
            #expect(RolloutStateMachine.advance(record, nodes: F.fleet(5, .prefetchFailed), now: F.at(100)) == nil)
        }
    }
}
