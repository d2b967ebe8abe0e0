/// An event that the lifecycle refused: the state is unchanged and no action was returned.
public struct LifecycleTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The event is not allowed in the current state (the message lists the allowed ones).
        case illegalTransition = "lifecycle.illegal_transition"
        /// Another transition is in progress; complete it (or report `fail`) first.
        case transitionInProgress = "lifecycle.transition_in_progress"
        /// A completion event arrived for a transition that is not in progress.
        case unexpectedCompletion = "lifecycle.unexpected_completion"
    }

    public let code: Code
    public let extensionID: String
    /// The state the event was applied in.
    public let from: LifecycleState
    public let event: LifecycleEvent
    /// The transition that was in progress, if any.
    public let inProgress: LifecycleTransition?
    /// What was refused, where, and what to do instead.
    public let message: String

    public init(
        code: Code, extensionID: String, from: LifecycleState, event: LifecycleEvent,
        inProgress: LifecycleTransition?, message: String
    ) {
        self.code = code
        self.extensionID = extensionID
        self.from = from
        self.event = event
        self.inProgress = inProgress
        self.message = message
    }

    public var description: String { "[\(code.rawValue)] \(message)" }
}
