/// The events of one watch message, in revision order. ``revision`` is the store's revision when
/// etcd sent the message (at least the mod revision of the last event).
public struct EtcdWatchBatch: Sendable, Hashable {
    public let revision: Int64
    public let events: [EtcdWatchEvent]

    public init(revision: Int64, events: [EtcdWatchEvent]) {
        self.revision = revision
        self.events = events
    }
}
