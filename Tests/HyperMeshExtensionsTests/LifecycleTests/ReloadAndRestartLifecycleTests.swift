import HyperMeshExtensions
import Testing

@Suite("Lifecycle: reload and supervised restarts")
struct ReloadAndRestartLifecycleTests {
    let id = LifecycleSituation.extensionID

    @Test("a reload keeps the old version serving until it completes, then swaps and retires it")
    func reloadCompletes() throws {
        var lifecycle = try LifecycleSituation.active.lifecycle()
        #expect(try lifecycle.apply(.reload) == [.startCandidate])
        #expect(lifecycle.canAcceptCalls, "the serving version serves while its successor starts")
        #expect(try lifecycle.apply(.reloaded) == [
            .swapToCandidate, .retirePreviousInstance,
            .publish(LifecycleChange(extensionID: id, from: .active, to: .active, event: .reloaded)),
        ])
        #expect(lifecycle.state == .active && lifecycle.inProgress == nil)
    }

    @Test("an abandoned reload retires the candidate and leaves the old version active")
    func reloadAbandoned() throws {
        var lifecycle = try LifecycleSituation.reloading.lifecycle()
        let actions = try lifecycle.apply(.reloadAbandoned(cause: "canary: unhealthy"))
        #expect(actions.first == .retireCandidate)
        #expect(lifecycle.canAcceptCalls && lifecycle.inProgress == nil)
    }

    @Test("a second reload while one runs is refused as a transition in progress")
    func secondReloadRefused() throws {
        var lifecycle = try LifecycleSituation.reloading.lifecycle()
        let error = #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.reload) }
        #expect(error?.code == .transitionInProgress)
    }

    @Test("a suspension during a reload wins: the reload's completion is then refused")
    func suspensionDuringReload() throws {
        var lifecycle = try LifecycleSituation.reloading.lifecycle()
        #expect(try lifecycle.apply(.suspend(reason: "violations")).first == .callDeactivate)
        #expect(!lifecycle.canAcceptCalls)
        let error = #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.reloaded) }
        #expect(error?.code == .unexpectedCompletion)
    }

    @Test("a scheduled restart is due only if nothing happened since")
    func restartGenerations() throws {
        var lifecycle = try LifecycleSituation.failedAfterResolution.lifecycle()
        #expect(try lifecycle.apply(.scheduleRestart) == [.scheduleRestart(generation: 1)])
        #expect(lifecycle.scheduledRestart == 1)
        // A newer failure cancels it; the supervisor schedules again.
        _ = try lifecycle.apply(.fail(cause: "crashed again"))
        #expect(lifecycle.scheduledRestart == nil)
        #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.restartDue(generation: 1)) }
        #expect(try lifecycle.apply(.scheduleRestart) == [.scheduleRestart(generation: 2)])
        #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.restartDue(generation: 1)) }
        #expect(try lifecycle.apply(.restartDue(generation: 2)) == [.restart])
        #expect(lifecycle.scheduledRestart == nil, "a restart runs once")
        #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.restartDue(generation: 2)) }
    }

    @Test("an operator's unload or suspension cancels a scheduled restart, and the message says so")
    func operatorCancelsRestart() throws {
        var lifecycle = try LifecycleSituation.failedWithRestartScheduled.lifecycle()
        _ = try lifecycle.apply(.suspend(reason: "operator"))
        _ = try lifecycle.apply(.resume)
        #expect(lifecycle.state == .failed(cause: "crashed"))
        let error = #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.restartDue(generation: 1)) }
        #expect(error?.message.contains("no longer scheduled") == true)
    }

    @Test("bookkeeping events of the supervisor publish no change")
    func restartEventsPublishNothing() throws {
        var lifecycle = try LifecycleSituation.failedAfterResolution.lifecycle()
        let scheduled = try lifecycle.apply(.scheduleRestart)
        let due = try lifecycle.apply(.restartDue(generation: 1))
        for action in scheduled + due {
            if case .publish = action { Issue.record("published \(action)") }
        }
    }
}
