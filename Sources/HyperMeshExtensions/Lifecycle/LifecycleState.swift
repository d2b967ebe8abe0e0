/// Where an extension is in its life, from discovery to unloading.
///
/// The normal path is `discovered → verified → resolved → loaded → active ⇄ inactive → unloaded`.
/// `suspended` is entered by the security layer and left only by an operator's resume;
/// `failed` can be entered from any state but `unloaded`, which is terminal.
/// ``ExtensionLifecycle`` holds the state and decides which events are legal.
public enum LifecycleState: Sendable, Hashable, CustomStringConvertible {
    /// Found on a search path; its manifest was read but nothing was checked yet.
    case discovered
    /// Its package passed verification (digests, signature, trust chain, revocation).
    case verified
    /// Its dependencies and host ABI range were resolved.
    case resolved
    /// Its image is loaded and an instance exists, never activated yet.
    case loaded
    /// Activated: the only state that accepts calls.
    case active
    /// Deactivated (or resumed after a suspension); the instance still exists.
    case inactive
    /// Instance destroyed and image released. Terminal.
    case unloaded
    /// Stopped by the security layer or a supervisor's crash-loop breaker; only an operator's
    /// resume leaves it (to `inactive`, or back to `failed` if it was suspended while failed).
    case suspended(reason: String)
    /// Something went wrong; `cause` says what. The extension may be unloaded or loaded again.
    case failed(cause: String)

    /// A stable lower-case name for display and JSON: `discovered`, `verified`, `resolved`,
    /// `loaded`, `active`, `inactive`, `unloaded`, `suspended`, `failed`. The reason or cause of
    /// `suspended` and `failed` is not part of the name.
    public var name: String {
        switch self {
        case .discovered: "discovered"
        case .verified: "verified"
        case .resolved: "resolved"
        case .loaded: "loaded"
        case .active: "active"
        case .inactive: "inactive"
        case .unloaded: "unloaded"
        case .suspended: "suspended"
        case .failed: "failed"
        }
    }

    /// True for `failed`, whatever the cause.
    public var isFailed: Bool {
        if case .failed = self { true } else { false }
    }

    /// True for `unloaded`, the state no event leaves.
    public var isTerminal: Bool { self == .unloaded }

    /// The name, followed by the reason or cause in parentheses when there is one.
    public var description: String {
        switch self {
        case .suspended(let reason): "suspended (\(reason))"
        case .failed(let cause): "failed (\(cause))"
        default: name
        }
    }
}
