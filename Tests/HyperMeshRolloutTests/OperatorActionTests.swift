import Testing
@testable import HyperMeshRollout

@Suite("Rollout state machine: operator actions")
struct OperatorActionTests {
    typealias F = RolloutFixtures

    @Test("pause stops advancing, resume restarts the gate window")
    func pauseResume() throws {
        var record = F.record(gate: HealthGate(windowSeconds: 30))
        record.phase = .wave(0)
        let paused = try RolloutStateMachine.pause(record, now: F.at(10))
        #expect(paused.record.paused && paused.record.phase == .wave(0))
        #expect(paused.record.history.last?.note == "paused by the operator")
        #expect(RolloutStateMachine.advance(paused.record, nodes: F.fleet(4, .active, activeSince: 0), now: F.at(100)) == nil)
        let resumed = try RolloutStateMachine.resume(paused.record, now: F.at(100))
        #expect(!resumed.record.paused && resumed.record.phaseSince == F.at(100))
        // The window counts again from the resume.
        #expect(RolloutStateMachine.advance(resumed.record, nodes: F.fleet(4, .active, activeSince: 0), now: F.at(120)) == nil)
        #expect(RolloutStateMachine.advance(resumed.record, nodes: F.fleet(4, .active, activeSince: 0), now: F.at(130))?.record.phase == .wave(1))
    }

    @Test("a paused rollout opens no wave, but a node that failed still rolls it back")
    func pausedStillRollsBack() throws {
        var record = F.record(gate: HealthGate(windowSeconds: 30))
        record.phase = .wave(3)
        let paused = try RolloutStateMachine.pause(record, now: F.at(10))
        #expect(RolloutStateMachine.advance(paused.record, nodes: F.fleet(4, .active, activeSince: 0), now: F.at(100)) == nil)
        let failing = F.fleet(3, .active, activeSince: 0) + F.fleet(1, .activationFailed).map { NodeObservation(nodeID: "x", labels: $0.labels, progress: $0.progress.map { var p = $0; p.nodeID = "x"; return p }) }
        #expect(RolloutStateMachine.advance(paused.record, nodes: failing, now: F.at(100))?.record.phase == .rolledBack)
    }

    @Test("pausing twice or resuming a running rollout is a conflict")
    func pauseConflicts() throws {
        let record = F.record()
        let paused = try RolloutStateMachine.pause(record, now: F.at(1)).record
        let twice = #expect(throws: RolloutError.self) { try RolloutStateMachine.pause(paused, now: F.at(2)) }
        #expect(twice?.code == .alreadyPaused && twice?.category == .conflict)
        let running = #expect(throws: RolloutError.self) { try RolloutStateMachine.resume(record, now: F.at(2)) }
        #expect(running?.code == .notPaused)
    }

    @Test("abort ends the rollout with the operator's reason; acting on a final rollout is refused")
    func abort() throws {
        let aborted = try RolloutStateMachine.abort(F.record(), reason: "wrong build", now: F.at(3))
        #expect(aborted.record.phase == .aborted && aborted.record.reason == "wrong build")
        #expect(aborted.event.note == "aborted by the operator: wrong build")
        for action in [{ try RolloutStateMachine.abort(aborted.record, reason: "again", now: F.at(4)) },
                       { try RolloutStateMachine.pause(aborted.record, now: F.at(4)) },
                       { try RolloutStateMachine.resume(aborted.record, now: F.at(4)) }] {
            let error = #expect(throws: RolloutError.self) { try action() }
            #expect(error?.code == .alreadyFinal)
            #expect(error?.message == "the rollout is already aborted")
        }
    }
}
