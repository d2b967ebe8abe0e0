/// A state change of one extension, published so listeners (events, metrics, audit) can react.
public struct LifecycleChange: Sendable, Hashable, CustomStringConvertible {
    public let extensionID: String
    public let from: LifecycleState
    public let to: LifecycleState
    /// The event that caused the change.
    public let event: LifecycleEvent

    public init(extensionID: String, from: LifecycleState, to: LifecycleState, event: LifecycleEvent) {
        self.extensionID = extensionID
        self.from = from
        self.to = to
        self.event = event
    }

    public var description: String { "\(extensionID): \(from) -> \(to) on \(event.name)" }
}
