/// A change of a rollout: the record to write (phase, `phaseSince`, `reason`, `paused`, history
/// already updated) and the event appended to its history.
public struct RolloutTransition: Sendable, Hashable {
    public var record: RolloutRecord
    public var event: RolloutEvent

    public init(record: RolloutRecord, event: RolloutEvent) {
        self.record = record
        self.event = event
    }
}
