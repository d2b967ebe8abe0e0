import HyperMeshErrors

/// An event that the lifecycle refused: the state is unchanged and no action was returned.
public struct LifecycleTransitionError: HyperMeshError, Equatable {
    /// The stable codes of ``LifecycleTransitionError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<LifecycleTransitionError>

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

    /// None: the message says everything.
    public var underlyingError: (any Error & Sendable)? { nil }
}

extension HyperMeshErrorCode where Domain == LifecycleTransitionError {
    /// The event is not allowed in the current state (the message lists the allowed ones).
    public static var illegalTransition: Self { Self("lifecycle.illegal_transition", .conflict) }
    /// Another transition is in progress; complete it (or report `fail`) first.
    public static var transitionInProgress: Self { Self("lifecycle.transition_in_progress", .conflict) }
    /// A completion event arrived for a transition that is not in progress.
    public static var unexpectedCompletion: Self { Self("lifecycle.unexpected_completion", .internal) }
}

extension LifecycleTransitionError {
    public static var knownCodes: [HyperMeshErrorCode<LifecycleTransitionError>] {
        [.illegalTransition, .transitionInProgress, .unexpectedCompletion]
    }
}
