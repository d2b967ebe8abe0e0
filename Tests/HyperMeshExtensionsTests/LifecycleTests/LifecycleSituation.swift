import HyperMeshExtensions

/// A place in the lifecycle, reached by a fixed sequence of legal events from `discovered`.
enum LifecycleSituation: String, CaseIterable, Sendable, CustomStringConvertible {
    case discovered, verified, resolved, loaded, active, inactive, unloaded, suspended
    case failedAfterResolution, failedBeforeResolution, failedWhileSuspended, suspendedWhileFailed
    case loading, activating, deactivating, unloading
    case reloading, failedWithRestartScheduled

    static let extensionID = "org.test.sample"

    var path: [LifecycleEvent] {
        switch self {
        case .discovered: []
        case .verified: [.verified]
        case .resolved: Self.verified.path + [.resolved]
        case .loaded: Self.resolved.path + [.load, .loaded]
        case .active: Self.loaded.path + [.activate, .activated]
        case .inactive: Self.active.path + [.deactivate, .deactivated]
        case .unloaded: Self.inactive.path + [.unload, .unloaded]
        case .suspended: Self.active.path + [.suspend(reason: "too many violations")]
        case .failedAfterResolution: Self.active.path + [.fail(cause: "crashed")]
        case .failedBeforeResolution: Self.verified.path + [.fail(cause: "missing dependency")]
        case .failedWhileSuspended: Self.suspended.path + [.fail(cause: "worker died")]
        case .suspendedWhileFailed: Self.failedAfterResolution.path + [.suspend(reason: "crash loop")]
        case .loading: Self.resolved.path + [.load]
        case .activating: Self.loaded.path + [.activate]
        case .deactivating: Self.active.path + [.deactivate]
        case .unloading: Self.inactive.path + [.unload]
        case .reloading: Self.active.path + [.reload]
        case .failedWithRestartScheduled: Self.failedAfterResolution.path + [.scheduleRestart]
        }
    }

    /// A lifecycle in this situation. Fails the calling test (by throwing) if the path is refused.
    func lifecycle() throws -> ExtensionLifecycle {
        var lifecycle = ExtensionLifecycle(extensionID: Self.extensionID)
        for event in path { _ = try lifecycle.apply(event) }
        return lifecycle
    }

    var description: String { rawValue }
}

/// One event of every kind, for exhaustive tables.
let everyEvent: [LifecycleEvent] = [
    .verified, .resolved, .load, .loaded, .activate, .activated, .deactivate, .deactivated,
    .unload, .unloaded, .suspend(reason: "policy"), .resume, .fail(cause: "boom"),
    .reload, .reloaded, .reloadAbandoned(cause: "canary"), .scheduleRestart, .restartDue(generation: 1),
]

let completionEvents: Set<LifecycleEvent> = [.loaded, .activated, .deactivated, .unloaded, .reloaded]
