import HyperMeshExtensions
import Testing

/// Every (situation, event) pair: either the expected state and transition in progress, or the
/// expected refusal code.
@Suite("Lifecycle transition table")
struct LifecycleTransitionTableTests {
    struct Outcome: Equatable, CustomStringConvertible {
        let state: LifecycleState
        let inProgress: LifecycleTransition?
        var description: String { "\(state)" + (inProgress.map { " while \($0)" } ?? "") }
    }

    static let suspendedState = LifecycleState.suspended(reason: "too many violations")

    /// The legal events of each situation and where they lead. Every other event must be refused.
    static func legal(in situation: LifecycleSituation) -> [LifecycleEvent: Outcome] {
        let failed = Outcome(state: .failed(cause: "boom"), inProgress: nil)
        switch situation {
        case .discovered:
            return [.verified: Outcome(state: .verified, inProgress: nil),
                    .unload: Outcome(state: .discovered, inProgress: .unloading), .fail(cause: "boom"): failed]
        case .verified:
            return [.resolved: Outcome(state: .resolved, inProgress: nil),
                    .unload: Outcome(state: .verified, inProgress: .unloading), .fail(cause: "boom"): failed]
        case .resolved:
            return [.load: Outcome(state: .resolved, inProgress: .loading),
                    .unload: Outcome(state: .resolved, inProgress: .unloading), .fail(cause: "boom"): failed]
        case .loaded:
            return [.activate: Outcome(state: .loaded, inProgress: .activating),
                    .unload: Outcome(state: .loaded, inProgress: .unloading),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed]
        case .active:
            return [.deactivate: Outcome(state: .active, inProgress: .deactivating),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed,
                    .reload: Outcome(state: .active, inProgress: .reloading)]
        case .inactive:
            return [.activate: Outcome(state: .inactive, inProgress: .activating),
                    .unload: Outcome(state: .inactive, inProgress: .unloading),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed]
        case .unloaded:
            return [:]
        case .suspended:
            return [.resume: Outcome(state: .inactive, inProgress: nil), .fail(cause: "boom"): failed]
        case .failedAfterResolution:
            return [.load: Outcome(state: .failed(cause: "crashed"), inProgress: .loading),
                    .unload: Outcome(state: .failed(cause: "crashed"), inProgress: .unloading),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed,
                    .scheduleRestart: Outcome(state: .failed(cause: "crashed"), inProgress: nil)]
        case .failedWithRestartScheduled:
            return [.load: Outcome(state: .failed(cause: "crashed"), inProgress: .loading),
                    .unload: Outcome(state: .failed(cause: "crashed"), inProgress: .unloading),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed,
                    .scheduleRestart: Outcome(state: .failed(cause: "crashed"), inProgress: nil),
                    .restartDue(generation: 1): Outcome(state: .failed(cause: "crashed"), inProgress: nil)]
        case .reloading:
            return [.deactivate: Outcome(state: .active, inProgress: .deactivating),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed,
                    .reloaded: Outcome(state: .active, inProgress: nil),
                    .reloadAbandoned(cause: "canary"): Outcome(state: .active, inProgress: nil)]
        case .failedBeforeResolution:
            return [.unload: Outcome(state: .failed(cause: "missing dependency"), inProgress: .unloading),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed]
        case .failedWhileSuspended:
            return [.unload: Outcome(state: .failed(cause: "worker died"), inProgress: .unloading),
                    .suspend(reason: "policy"): Outcome(state: .suspended(reason: "policy"), inProgress: nil),
                    .fail(cause: "boom"): failed]
        case .suspendedWhileFailed:
            return [.resume: Outcome(state: .failed(cause: "crashed"), inProgress: nil), .fail(cause: "boom"): failed]
        case .loading:
            return [.loaded: Outcome(state: .loaded, inProgress: nil), .fail(cause: "boom"): failed]
        case .activating:
            return [.activated: Outcome(state: .active, inProgress: nil), .fail(cause: "boom"): failed]
        case .deactivating:
            return [.deactivated: Outcome(state: .inactive, inProgress: nil), .fail(cause: "boom"): failed]
        case .unloading:
            return [.unloaded: Outcome(state: .unloaded, inProgress: nil), .fail(cause: "boom"): failed]
        }
    }

    static func refusalCode(in situation: LifecycleSituation, for event: LifecycleEvent) -> LifecycleTransitionError.Code {
        let inProgress: Set<LifecycleSituation> = [.loading, .activating, .deactivating, .unloading, .reloading]
        if situation == .unloaded { return .illegalTransition }
        if completionEvents.contains(event) { return .unexpectedCompletion }
        return inProgress.contains(situation) ? .transitionInProgress : .illegalTransition
    }

    @Test("every event in every situation", arguments: LifecycleSituation.allCases)
    func everyEventInEverySituation(situation: LifecycleSituation) throws {
        let legal = Self.legal(in: situation)
        for event in everyEvent {
            var lifecycle = try situation.lifecycle()
            let before = (lifecycle.state, lifecycle.inProgress, lifecycle.mayHoldResources)
            if let expected = legal[event] {
                _ = try lifecycle.apply(event)
                #expect(Outcome(state: lifecycle.state, inProgress: lifecycle.inProgress) == expected, "\(situation) + \(event)")
            } else {
                let error = #expect(throws: LifecycleTransitionError.self, "\(situation) + \(event)") {
                    try lifecycle.apply(event)
                }
                #expect(error?.code == Self.refusalCode(in: situation, for: event), "\(situation) + \(event)")
                #expect(error?.from == before.0)
                #expect(error?.event == event)
                #expect(error?.inProgress == before.1)
                #expect(error?.message.contains("'\(event.name)'") == true)
                #expect(error?.message.contains("state \(before.0)") == true)
                // A refused event changes nothing.
                #expect(lifecycle.state == before.0 && lifecycle.inProgress == before.1)
                #expect(lifecycle.mayHoldResources == before.2)
            }
        }
    }

    @Test("accepted event names match the table", arguments: LifecycleSituation.allCases)
    func acceptedEventNames(situation: LifecycleSituation) throws {
        let lifecycle = try situation.lifecycle()
        let expected = everyEvent.filter { Self.legal(in: situation)[$0] != nil }.map(\.name)
        #expect(lifecycle.acceptedEventNames == expected)
    }

    @Test("only active accepts calls, with nothing in progress or while its successor starts", arguments: LifecycleSituation.allCases)
    func canAcceptCalls(situation: LifecycleSituation) throws {
        #expect(try situation.lifecycle().canAcceptCalls == (situation == .active || situation == .reloading))
    }
}
