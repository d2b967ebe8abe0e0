import Foundation

/// The rules of a rollout, as pure functions: no I/O, no clock (the caller passes `now`).
///
/// The coordinator calls ``advance(_:nodes:now:)`` whenever the record or a node's progress
/// changes, and when a gate window may have passed, and writes the returned record (with a
/// compare-and-swap on its revision in etcd). The operator's ``pause(_:now:)``,
/// ``resume(_:now:)`` and ``abort(_:reason:now:)`` return the record to write. Each node calls
/// ``action(nodeID:labels:record:nodes:local:)``.
///
/// Not guaranteed: clock agreement — `activeSince` comes from the node's clock and `now` from the
/// coordinator's; skew shifts the gate window by as much.
public enum RolloutStateMachine {
    /// The next phase of `record` given the live nodes, or nil when nothing changes (paused, final,
    /// or waiting). One step at a time: call again with the returned record until nil.
    ///
    /// Only eligible nodes count, and only progress of this rollout.
    /// - `.prefetching`: a node `prefetchFailed` → `.rolledBack`; every eligible node (at least one)
    ///   `prefetched` or `active` → `.wave(0)`.
    /// - `.wave(k)`: among the nodes of waves ≤ k, one `activationFailed` or `prefetchFailed`, or an
    ///   `active` one the gate finds unhealthy → `.rolledBack` (the reason names the node and the
    ///   cause). All of them `active`, healthy, active for the gate window, and the wave at least
    ///   that old → `.wave(k + 1)`, or `.complete` after the last wave. A wave that adds no node
    ///   passes at once.
    public static func advance(_ record: RolloutRecord, nodes: [NodeObservation], now: Date) -> RolloutTransition? {
        // A paused rollout opens no wave, but a failure still rolls it back.
        guard !record.phase.isFinal else { return nil }
        let eligible = nodes.filter { record.isEligible(labels: $0.labels) }
        func progress(_ node: NodeObservation) -> NodeRolloutProgress? {
            guard let progress = node.progress, progress.rolloutID == record.id else { return nil }
            return progress
        }
        switch record.phase {
        case .prefetching:
            for node in eligible {
                if let p = progress(node), p.stage == .prefetchFailed {
                    return transition(record, to: .rolledBack, now: now,
                                      note: "node \(node.nodeID): prefetch failed: \(p.detail ?? "no detail")", isFailure: true)
                }
            }
            guard !record.paused, !eligible.isEmpty else { return nil }
            let ready = eligible.allSatisfy { node in
                guard let stage = progress(node)?.stage else { return false }
                return stage == .prefetched || stage == .active
            }
            guard ready else { return nil }
            return transition(record, to: .wave(0), now: now, note: "all \(eligible.count) eligible nodes prefetched", isFailure: false)

        case .wave(let k):
            let waveOf = WaveAssignment.waves(rolloutID: record.id, eligible: eligible.map(\.nodeID), shares: record.waves)
            let current = eligible.filter { (waveOf[$0.nodeID] ?? Int.max) <= k }
            for node in current {
                guard let p = progress(node) else { continue }
                switch p.stage {
                case .activationFailed:
                    return transition(record, to: .rolledBack, now: now,
                                      note: "node \(node.nodeID): activation failed: \(p.detail ?? "no detail")", isFailure: true)
                case .prefetchFailed:
                    return transition(record, to: .rolledBack, now: now,
                                      note: "node \(node.nodeID): prefetch failed: \(p.detail ?? "no detail")", isFailure: true)
                case .active:
                    if case .unhealthy(let reason) = record.gate.verdict(for: p) {
                        return transition(record, to: .rolledBack, now: now, note: reason, isFailure: true)
                    }
                default:
                    continue
                }
            }
            guard !record.paused else { return nil }
            let next: RolloutPhase = k + 1 < record.waves.count ? .wave(k + 1) : .complete
            let waveIsEmpty = !current.contains { waveOf[$0.nodeID] == k }
            if waveIsEmpty {
                return transition(record, to: next, now: now, note: "wave \(k + 1) of \(record.waves.count) has no node", isFailure: false)
            }
            let window = record.gate.windowSeconds
            guard now.timeIntervalSince(record.phaseSince) >= window else { return nil }
            var latestActivation = Date.distantPast
            for node in current {
                guard let p = progress(node), p.stage == .active, let since = p.activeSince else { return nil }
                latestActivation = max(latestActivation, since)
            }
            guard now.timeIntervalSince(latestActivation) >= window else { return nil }
            return transition(record, to: next, now: now,
                              note: "wave \(k + 1) of \(record.waves.count) passed: \(current.count) \(current.count == 1 ? "node" : "nodes") healthy for \(WaveShares.format(window)) s",
                              isFailure: false)

        case .complete, .rolledBack, .aborted:
            return nil
        }
    }

    /// Pauses: waves stop advancing and nodes stop activating. Throws `rollout.already_final` or
    /// `rollout.already_paused`.
    public static func pause(_ record: RolloutRecord, now: Date, note: String = "paused by the operator") throws(RolloutError) -> RolloutTransition {
        try requireInProgress(record)
        guard !record.paused else { throw RolloutError(.alreadyPaused, subject: record.id, "the rollout is already paused") }
        var copy = record
        copy.paused = true
        return Self.recording(copy, event: RolloutEvent(at: now, phase: record.phase, note: note))
    }

    /// Resumes a paused rollout and restarts the gate window (`phaseSince = now`). Throws
    /// `rollout.already_final` or `rollout.not_paused`.
    public static func resume(_ record: RolloutRecord, now: Date, note: String = "resumed by the operator") throws(RolloutError) -> RolloutTransition {
        try requireInProgress(record)
        guard record.paused else { throw RolloutError(.notPaused, subject: record.id, "the rollout is not paused") }
        var copy = record
        copy.paused = false
        copy.phaseSince = now
        return Self.recording(copy, event: RolloutEvent(at: now, phase: record.phase, note: note))
    }

    /// Aborts: `.aborted` with `reason`; nodes running the new version go back as in a rollback.
    /// Throws `rollout.already_final`.
    public static func abort(_ record: RolloutRecord, reason: String, now: Date) throws(RolloutError) -> RolloutTransition {
        try requireInProgress(record)
        var copy = record
        copy.phase = .aborted
        copy.phaseSince = now
        copy.reason = reason
        return Self.recording(copy, event: RolloutEvent(at: now, phase: .aborted, note: "aborted by the operator: \(reason)"))
    }

    private static func requireInProgress(_ record: RolloutRecord) throws(RolloutError) {
        guard !record.phase.isFinal else {
            throw RolloutError(.alreadyFinal, subject: record.id, "the rollout is already \(record.phase.describe(waveCount: record.waves.count))")
        }
    }

    private static func transition(_ record: RolloutRecord, to phase: RolloutPhase, now: Date, note: String, isFailure: Bool) -> RolloutTransition {
        var copy = record
        copy.phase = phase
        copy.phaseSince = now
        if isFailure { copy.reason = note }
        return Self.recording(copy, event: RolloutEvent(at: now, phase: phase, note: note))
    }

    private static func recording(_ record: RolloutRecord, event: RolloutEvent) -> RolloutTransition {
        RolloutTransition(record: record.appending(event), event: event)
    }
}
