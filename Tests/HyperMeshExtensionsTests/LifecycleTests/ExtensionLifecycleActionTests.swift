import HyperMeshExtensions
import Testing

@Suite("Lifecycle actions")
struct ExtensionLifecycleActionTests {
    let id = LifecycleSituation.extensionID

    func change(_ from: LifecycleState, _ to: LifecycleState, _ event: LifecycleEvent) -> LifecycleAction {
        .publish(LifecycleChange(extensionID: id, from: from, to: to, event: event))
    }

    @Test("the normal path returns each side effect once, in order")
    func normalPath() throws {
        var lifecycle = ExtensionLifecycle(extensionID: id)
        #expect(lifecycle.state == .discovered)
        #expect(try lifecycle.apply(.verified) == [change(.discovered, .verified, .verified)])
        #expect(try lifecycle.apply(.resolved) == [change(.verified, .resolved, .resolved)])
        #expect(!lifecycle.mayHoldResources)

        #expect(try lifecycle.apply(.load) == [.loadImage, .createInstance])
        #expect(lifecycle.state == .resolved && lifecycle.inProgress == .loading)
        #expect(lifecycle.mayHoldResources)
        #expect(try lifecycle.apply(.loaded) == [change(.resolved, .loaded, .loaded)])

        #expect(try lifecycle.apply(.activate) == [.callActivate])
        #expect(!lifecycle.canAcceptCalls)
        #expect(try lifecycle.apply(.activated) == [change(.loaded, .active, .activated)])
        #expect(lifecycle.canAcceptCalls)

        #expect(try lifecycle.apply(.deactivate) == [.callDeactivate])
        #expect(!lifecycle.canAcceptCalls, "no new calls while deactivating")
        #expect(try lifecycle.apply(.deactivated) == [change(.active, .inactive, .deactivated)])

        #expect(try lifecycle.apply(.activate) == [.callActivate])
        #expect(try lifecycle.apply(.activated) == [change(.inactive, .active, .activated)])
        _ = try lifecycle.apply(.deactivate)
        _ = try lifecycle.apply(.deactivated)

        #expect(try lifecycle.apply(.unload) == [.destroyInstance, .closeImage])
        #expect(try lifecycle.apply(.unloaded) == [change(.inactive, .unloaded, .unloaded)])
        #expect(lifecycle.state == .unloaded && lifecycle.state.isTerminal)
        #expect(!lifecycle.mayHoldResources)
    }

    @Test("unloading an extension that was never loaded has nothing to clean up")
    func unloadBeforeLoad() throws {
        var lifecycle = try LifecycleSituation.verified.lifecycle()
        #expect(try lifecycle.apply(.unload) == [])
        #expect(try lifecycle.apply(.unloaded) == [change(.verified, .unloaded, .unloaded)])
    }

    @Test("suspending an active extension deactivates it; resuming leads to inactive")
    func suspendActive() throws {
        var lifecycle = try LifecycleSituation.active.lifecycle()
        let suspended = LifecycleState.suspended(reason: "rate limit abuse")
        #expect(try lifecycle.apply(.suspend(reason: "rate limit abuse"))
            == [.callDeactivate, change(.active, suspended, .suspend(reason: "rate limit abuse"))])
        #expect(!lifecycle.canAcceptCalls)
        #expect(try lifecycle.apply(.resume) == [change(suspended, .inactive, .resume)])
        #expect(!lifecycle.canAcceptCalls)
        #expect(try lifecycle.apply(.activate) == [.callActivate])
    }

    @Test("suspending an inactive extension only publishes")
    func suspendInactive() throws {
        var lifecycle = try LifecycleSituation.inactive.lifecycle()
        #expect(try lifecycle.apply(.suspend(reason: "audit"))
            == [change(.inactive, .suspended(reason: "audit"), .suspend(reason: "audit"))])
    }

    @Test("a failed extension suspended by a crash-loop breaker resumes to failed, and load retries with cleanup")
    func suspendFailedThenResume() throws {
        var lifecycle = try LifecycleSituation.failedAfterResolution.lifecycle()
        let suspended = LifecycleState.suspended(reason: "crash loop")
        #expect(try lifecycle.apply(.suspend(reason: "crash loop")) == [change(.failed(cause: "crashed"), suspended, .suspend(reason: "crash loop"))])
        #expect(try lifecycle.apply(.resume) == [change(suspended, .failed(cause: "crashed"), .resume)])
        #expect(try lifecycle.apply(.load) == [.destroyInstance, .closeImage, .loadImage, .createInstance])
        // A later suspension of a loaded extension resumes to inactive again.
        _ = try lifecycle.apply(.loaded)
        _ = try lifecycle.apply(.suspend(reason: "policy"))
        #expect(try lifecycle.apply(.resume) == [change(.suspended(reason: "policy"), .inactive, .resume)])
    }

    @Test("a failed action ends the transition; a retry cleans up before loading again")
    func failDuringActivationThenRetry() throws {
        var lifecycle = try LifecycleSituation.activating.lifecycle()
        #expect(try lifecycle.apply(.fail(cause: "activate returned 8"))
            == [change(.loaded, .failed(cause: "activate returned 8"), .fail(cause: "activate returned 8"))])
        #expect(lifecycle.inProgress == nil)
        #expect(lifecycle.mayHoldResources)
        #expect(try lifecycle.apply(.load) == [.destroyInstance, .closeImage, .loadImage, .createInstance])
        #expect(try lifecycle.apply(.loaded) == [change(.failed(cause: "activate returned 8"), .loaded, .loaded)])
    }

    @Test("a failure during unloading keeps the cleanup for the next unload")
    func failDuringUnload() throws {
        var lifecycle = try LifecycleSituation.unloading.lifecycle()
        _ = try lifecycle.apply(.fail(cause: "destroy crashed"))
        #expect(lifecycle.mayHoldResources)
        #expect(try lifecycle.apply(.unload) == [.destroyInstance, .closeImage])
        _ = try lifecycle.apply(.unloaded)
        #expect(!lifecycle.mayHoldResources)
    }

    @Test("fail in failed replaces the cause")
    func failAgain() throws {
        var lifecycle = try LifecycleSituation.failedAfterResolution.lifecycle()
        #expect(try lifecycle.apply(.fail(cause: "second"))
            == [change(.failed(cause: "crashed"), .failed(cause: "second"), .fail(cause: "second"))])
        #expect(lifecycle.state == .failed(cause: "second"))
    }

    @Test("an extension that failed before resolution cannot be loaded, and the message says why")
    func loadAfterEarlyFailure() throws {
        var lifecycle = try LifecycleSituation.failedBeforeResolution.lifecycle()
        let error = #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.load) }
        #expect(error?.message == "org.test.sample: cannot apply 'load' in state failed (missing dependency); "
            + "allowed: unload, suspend, fail (it failed before it was resolved, so it can only be unloaded)")
        #expect(try lifecycle.apply(.unload) == [])
    }

    @Test("a failure is no way out of a suspension")
    func loadAfterFailureWhileSuspended() throws {
        var lifecycle = try LifecycleSituation.failedWhileSuspended.lifecycle()
        let error = #expect(throws: LifecycleTransitionError.self) { try lifecycle.apply(.load) }
        #expect(error?.code == .illegalTransition)
        #expect(error?.message.hasSuffix("(it failed while suspended, so it can only be unloaded)") == true)
        #expect(try lifecycle.apply(.unload) == [.destroyInstance, .closeImage])
    }

    @Test("refusal messages name the state, the event and what to do")
    func refusalMessages() throws {
        var resolved = try LifecycleSituation.resolved.lifecycle()
        let illegal = #expect(throws: LifecycleTransitionError.self) { try resolved.apply(.activate) }
        #expect(illegal?.description
            == "[lifecycle.illegal_transition] org.test.sample: cannot apply 'activate' in state resolved; allowed: load, unload, fail")

        var activating = try LifecycleSituation.activating.lifecycle()
        let busy = #expect(throws: LifecycleTransitionError.self) { try activating.apply(.suspend(reason: "x")) }
        #expect(busy?.message
            == "org.test.sample: cannot apply 'suspend' in state loaded while activating is in progress; apply 'activated' or 'fail' first")
        let wrongCompletion = #expect(throws: LifecycleTransitionError.self) { try activating.apply(.loaded) }
        #expect(wrongCompletion?.message
            == "org.test.sample: cannot apply 'loaded' in state loaded: activating is in progress; apply 'activated' or 'fail' instead")

        var loaded = try LifecycleSituation.loaded.lifecycle()
        let noTransition = #expect(throws: LifecycleTransitionError.self) { try loaded.apply(.activated) }
        #expect(noTransition?.message
            == "org.test.sample: cannot apply 'activated' in state loaded: no activating is in progress; apply 'activate' first")

        var unloaded = try LifecycleSituation.unloaded.lifecycle()
        let terminal = #expect(throws: LifecycleTransitionError.self) { try unloaded.apply(.fail(cause: "x")) }
        #expect(terminal?.message
            == "org.test.sample: cannot apply 'fail' in state unloaded: unloaded is terminal; register the extension again to reload it")
    }

    @Test("state and event names are stable")
    func names() {
        let states: [LifecycleState] = [
            .discovered, .verified, .resolved, .loaded, .active, .inactive, .unloaded,
            .suspended(reason: "r"), .failed(cause: "c"),
        ]
        #expect(states.map(\.name) == [
            "discovered", "verified", "resolved", "loaded", "active", "inactive", "unloaded", "suspended", "failed",
        ])
        #expect(LifecycleState.failed(cause: "bad signature").description == "failed (bad signature)")
        #expect(everyEvent.map(\.name) == [
            "verified", "resolved", "load", "loaded", "activate", "activated", "deactivate", "deactivated",
            "unload", "unloaded", "suspend", "resume", "fail",
            "reload", "reloaded", "reload_abandoned", "schedule_restart", "restart_due",
        ])
        #expect(LifecycleEvent.activated.completedTransition == .activating)
        #expect(LifecycleEvent.activate.completedTransition == nil)
    }
}
