/// A transition started by a command event and not yet completed.
///
/// While one is in progress the lifecycle accepts only its completion event or `fail`;
/// this keeps load, activate, deactivate and unload from overlapping for one instance,
/// as the C ABI requires.
public enum LifecycleTransition: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case loading
    case activating
    case deactivating
    case unloading
    /// A new version is being started beside the serving one (hot reload); the old one keeps
    /// accepting calls meanwhile.
    case reloading

    /// The event that starts this transition.
    public var command: LifecycleEvent {
        switch self {
        case .loading: .load
        case .activating: .activate
        case .deactivating: .deactivate
        case .unloading: .unload
        case .reloading: .reload
        }
    }

    /// The event that completes this transition.
    public var completion: LifecycleEvent {
        switch self {
        case .loading: .loaded
        case .activating: .activated
        case .deactivating: .deactivated
        case .unloading: .unloaded
        case .reloading: .reloaded
        }
    }

    /// The state reached when the transition completes.
    public var target: LifecycleState {
        switch self {
        case .loading: .loaded
        case .activating: .active
        case .deactivating: .inactive
        case .unloading: .unloaded
        case .reloading: .active
        }
    }

    public var description: String { rawValue }
}
