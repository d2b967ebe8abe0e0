/// Something that happens to an extension, applied to its ``ExtensionLifecycle``.
///
/// Events come in three kinds:
/// - **outcomes** of work done elsewhere: `verified` (the trust layer accepted the package) and
///   `resolved` (the resolver accepted its dependencies). They change the state at once.
/// - **commands** that start a transition the caller carries out: `load`, `activate`,
///   `deactivate`, `unload`. Each returns the actions to perform and leaves the transition
///   in progress; the state does not change yet.
/// - **completions** that finish that transition once its actions succeeded: `loaded`,
///   `activated`, `deactivated`, `unloaded`.
///
/// `suspend` (security layer), `resume` (operator) and `fail` (anyone) change the state at once.
/// `fail` is also how the caller reports that an action of a transition in progress failed.
///
/// Hot reload is a transition too: `reload` starts it (the serving version keeps serving),
/// `reloaded` completes it (the new version serves), `reloadAbandoned` ends it with the old
/// version still serving. A supervisor's restart is two events: `scheduleRestart` (in `failed`,
/// returns the generation to wait for) and `restartDue(generation)` (accepted only if nothing
/// happened since: any other accepted event cancels the scheduled restart).
public enum LifecycleEvent: Sendable, Hashable, CustomStringConvertible {
    case verified
    case resolved
    case load
    case loaded
    case activate
    case activated
    case deactivate
    case deactivated
    case unload
    case unloaded
    case suspend(reason: String)
    case resume
    case fail(cause: String)
    case reload
    case reloaded
    case reloadAbandoned(cause: String)
    case scheduleRestart
    case restartDue(generation: UInt64)

    /// A stable lower-case name for messages and JSON; the reason or cause is not part of it.
    public var name: String {
        switch self {
        case .verified: "verified"
        case .resolved: "resolved"
        case .load: "load"
        case .loaded: "loaded"
        case .activate: "activate"
        case .activated: "activated"
        case .deactivate: "deactivate"
        case .deactivated: "deactivated"
        case .unload: "unload"
        case .unloaded: "unloaded"
        case .suspend: "suspend"
        case .resume: "resume"
        case .fail: "fail"
        case .reload: "reload"
        case .reloaded: "reloaded"
        case .reloadAbandoned: "reload_abandoned"
        case .scheduleRestart: "schedule_restart"
        case .restartDue: "restart_due"
        }
    }

    /// The transition this event completes, if it is a completion.
    public var completedTransition: LifecycleTransition? {
        LifecycleTransition.allCases.first { $0.completion == self }
    }

    public var description: String {
        switch self {
        case .suspend(let reason): "suspend (\(reason))"
        case .fail(let cause): "fail (\(cause))"
        case .reloadAbandoned(let cause): "reload_abandoned (\(cause))"
        case .restartDue(let generation): "restart_due (\(generation))"
        default: name
        }
    }
}
