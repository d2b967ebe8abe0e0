/// The lifecycle state machine of one extension: a pure value that turns events into a new state
/// and a list of ``LifecycleAction``s for its owner to perform. It does no I/O and reads no clock.
///
/// ```
/// discovered --verified--> verified --resolved--> resolved --load..loaded--> loaded
/// loaded | inactive --activate..activated--> active --deactivate..deactivated--> inactive
/// discovered | verified | resolved | loaded | inactive | failed --unload..unloaded--> unloaded
/// loaded | active | inactive --suspend--> suspended --resume--> inactive
/// failed --suspend--> suspended --resume--> failed (the same cause)
/// any state but unloaded --fail--> failed --load..loaded--> loaded (retry)
/// active --reload..reloaded--> active (the new version serves)
/// active --reload..reload_abandoned--> active (the old version still serves)
/// failed --schedule_restart--> failed (restart N pending) --restart_due(N)--> failed, action restart
/// ```
///
/// `load`, `activate`, `deactivate` and `unload` start a transition (``inProgress``) and return
/// the work to do; apply the matching completion (`loaded`, `activated`, `deactivated`,
/// `unloaded`) when that work succeeded, or `fail(cause:)` when it did not. While a transition is
/// in progress every other event is refused with `transitionInProgress`, so lifecycle calls into
/// one instance never overlap; an owner that must suspend during a transition applies `suspend`
/// after the completion.
///
/// Rules worth knowing:
/// - Only `active` accepts calls, with no transition in progress or a reload (``canAcceptCalls``):
///   the serving version serves while its successor starts.
/// - While a reload is in progress, `deactivate`, `suspend` and `fail` still apply (an operator,
///   the security layer and supervision never wait for a reload); the reload's own completion is
///   then refused and its owner retires the candidate. Every other command is refused
///   (`transitionInProgress`).
/// - A supervisor's restart is scheduled with `scheduleRestart`, which returns
///   `scheduleRestart(generation:)`; after its backoff the owner applies `restartDue(generation:)`,
///   which returns `restart` only if that restart is still the pending one. Any other accepted
///   event (an operator's load, unload or suspend, a new failure) cancels it: no token outside
///   the machine decides whether a restart is still current.
/// - Suspending an active extension returns `callDeactivate`, so activate and deactivate calls
///   stay paired; `resume` leads to `inactive`, never straight back to `active`.
/// - A `failed` extension can be suspended too (a supervisor's crash-loop breaker does it);
///   `resume` then leads back to `failed` with its cause, from which `load` retries as before.
/// - `failed` is left by `unload`, or by `load` to retry, which is allowed only if the
///   extension had been resolved and did not fail while suspended (a failure must not be a way
///   out of a suspension). Failing never calls `deactivate`; the retry or the unload destroys the
///   instance directly.
/// - `fail` in `failed` replaces the cause. `unloaded` is terminal: register the extension again.
///
/// Not guaranteed: the lifecycle cannot know whether an action really happened, so cleanup
/// actions are returned whenever a resource may exist (see ``LifecycleAction``).
public struct ExtensionLifecycle: Sendable {
    public let extensionID: String
    public private(set) var state: LifecycleState
    /// The transition started by a command and not yet completed, if any.
    public private(set) var inProgress: LifecycleTransition?
    /// True from the moment `load` is accepted until an `unload` completes: an image or an
    /// instance may exist and must be cleaned up.
    public private(set) var mayHoldResources = false
    private var hasBeenResolved = false
    private var failedWhileSuspended = false
    /// Where `resume` leads: `inactive`, or the `failed` state a suspension interrupted.
    private var stateAfterResume: LifecycleState = .inactive
    /// The generation of the supervisor's restart waiting for its backoff, if one is scheduled.
    public private(set) var scheduledRestart: UInt64?
    private var restartGenerations: UInt64 = 0

    /// A lifecycle in state `discovered`.
    public init(extensionID: String) {
        self.extensionID = extensionID
        self.state = .discovered
    }

    /// True only in `active` with no transition in progress, or a reload in progress.
    public var canAcceptCalls: Bool { state == .active && (inProgress == nil || inProgress == .reloading) }

    /// The names of the events ``apply(_:)`` accepts now, in declaration order.
    public var acceptedEventNames: [String] {
        eventSamples.filter { plan(for: $0) != nil }.map(\.name)
    }

    /// Applies `event`, returning the actions to perform in order. On error nothing changed.
    public mutating func apply(_ event: LifecycleEvent) throws(LifecycleTransitionError) -> [LifecycleAction] {
        guard let plan = plan(for: event) else { throw refusal(of: event) }
        let previous = state
        if case .load = event { mayHoldResources = true }
        if inProgress == .unloading, event == .unloaded { mayHoldResources = false }
        if case .suspended = previous, case .fail = event { failedWhileSuspended = true }
        if plan.state == .resolved { hasBeenResolved = true }
        if case .suspend = event { stateAfterResume = previous.isFailed ? previous : .inactive }
        if case .scheduleRestart = event {
            restartGenerations += 1
            scheduledRestart = restartGenerations
        } else {
            scheduledRestart = nil
        }
        state = plan.state
        inProgress = plan.inProgress
        guard plan.inProgress == nil, plan.publishes else { return plan.actions }
        let change = LifecycleChange(extensionID: extensionID, from: previous, to: plan.state, event: event)
        return plan.actions + [.publish(change)]
    }

    // MARK: - Transition table

    private struct Plan {
        var state: LifecycleState
        var inProgress: LifecycleTransition?
        var actions: [LifecycleAction] = []
        /// False for the supervisor's bookkeeping events, which change no state.
        var publishes = true
    }

    private var eventSamples: [LifecycleEvent] {
        [.verified, .resolved, .load, .loaded, .activate, .activated, .deactivate, .deactivated,
         .unload, .unloaded, .suspend(reason: ""), .resume, .fail(cause: ""),
         .reload, .reloaded, .reloadAbandoned(cause: ""), .scheduleRestart, .restartDue(generation: scheduledRestart ?? 0)]
    }

    private var mayRetryLoad: Bool { hasBeenResolved && !failedWhileSuspended }

    private var cleanup: [LifecycleAction] { mayHoldResources ? [.destroyInstance, .closeImage] : [] }

    /// What `event` leads to, or nil if it is refused.
    private func plan(for event: LifecycleEvent) -> Plan? {
        if state.isTerminal { return nil }
        if case .fail(let cause) = event { return Plan(state: .failed(cause: cause)) }
        if inProgress == .reloading {
            switch event {
            case .reloaded: return Plan(state: .active, actions: [.swapToCandidate, .retirePreviousInstance])
            case .reloadAbandoned: return Plan(state: .active, actions: [.retireCandidate])
            case .suspend(let reason): return Plan(state: .suspended(reason: reason), actions: [.callDeactivate])
            case .deactivate: return Plan(state: .active, inProgress: .deactivating, actions: [.callDeactivate])
            default: return nil
            }
        }
        if let inProgress {
            return event == inProgress.completion ? Plan(state: inProgress.target) : nil
        }
        switch (state, event) {
        case (.discovered, .verified):
            return Plan(state: .verified)
        case (.verified, .resolved):
            return Plan(state: .resolved)
        case (.resolved, .load):
            return Plan(state: state, inProgress: .loading, actions: [.loadImage, .createInstance])
        case (.failed, .load) where mayRetryLoad:
            return Plan(state: state, inProgress: .loading, actions: cleanup + [.loadImage, .createInstance])
        case (.loaded, .activate), (.inactive, .activate):
            return Plan(state: state, inProgress: .activating, actions: [.callActivate])
        case (.active, .reload):
            return Plan(state: state, inProgress: .reloading, actions: [.startCandidate])
        case (.failed, .scheduleRestart) where mayRetryLoad:
            return Plan(state: state, actions: [.scheduleRestart(generation: restartGenerations + 1)], publishes: false)
        case (.failed, .restartDue(let generation)) where generation == scheduledRestart:
            return Plan(state: state, actions: [.restart], publishes: false)
        case (.active, .deactivate):
            return Plan(state: state, inProgress: .deactivating, actions: [.callDeactivate])
        case (.discovered, .unload), (.verified, .unload), (.resolved, .unload), (.loaded, .unload),
            (.inactive, .unload), (.failed, .unload):
            return Plan(state: state, inProgress: .unloading, actions: cleanup)
        case (.loaded, .suspend(let reason)), (.inactive, .suspend(let reason)):
            return Plan(state: .suspended(reason: reason))
        case (.active, .suspend(let reason)):
            return Plan(state: .suspended(reason: reason), actions: [.callDeactivate])
        case (.failed, .suspend(let reason)):
            return Plan(state: .suspended(reason: reason))
        case (.suspended, .resume):
            return Plan(state: stateAfterResume)
        default:
            return nil
        }
    }

    private func refusal(of event: LifecycleEvent) -> LifecycleTransitionError {
        let subject = "\(extensionID): cannot apply '\(event.name)' in state \(state)"
        let code: LifecycleTransitionError.Code
        let message: String
        if let inProgress, event.completedTransition != nil {
            code = .unexpectedCompletion
            message = "\(subject): \(inProgress) is in progress; apply '\(inProgress.completion.name)' or 'fail' instead"
        } else if let inProgress {
            code = .transitionInProgress
            message = "\(subject) while \(inProgress) is in progress; apply '\(inProgress.completion.name)' or 'fail' first"
        } else if let completed = event.completedTransition, !state.isTerminal {
            code = .unexpectedCompletion
            message = "\(subject): no \(completed) is in progress; apply '\(completed.command.name)' first"
        } else if state.isTerminal {
            code = .illegalTransition
            message = "\(subject): unloaded is terminal; register the extension again to reload it"
        } else {
            code = .illegalTransition
            var text = "\(subject); allowed: \(acceptedEventNames.joined(separator: ", "))"
            if case .restartDue = event {
                text += " (that restart is no longer scheduled: something happened since)"
            }
            if case .load = event, case .failed = state {
                text += hasBeenResolved
                    ? " (it failed while suspended, so it can only be unloaded)"
                    : " (it failed before it was resolved, so it can only be unloaded)"
            }
            message = text
        }
        return LifecycleTransitionError(
            code: code, extensionID: extensionID, from: state, event: event, inProgress: inProgress, message: message)
    }
}
