extension ExtensionRegistry {
    /// Suspends an extension (an operator's act, or the security layer's after too many
    /// violations; suspending a suspended extension does nothing): calls stop being admitted
    /// (in-flight calls finish), an active
    /// extension's `deactivate` entry runs, its asset types are released, and it stays
    /// `suspended(reason)` until ``resume(_:)``. Activation refuses a suspended extension.
    ///
    /// Dependents are not suspended with it; their calls that reach it fail with `call.not_active`.
    public func suspend(_ id: String, reason: String) async throws(ExtensionError) {
        let current = try entry(id)
        if case .suspended = current.lifecycle.state { return }
        if current.instance?.context.security.markSuspended() ?? true {
            audit.record(.suspension, id, "suspended: \(reason)", details: ["reason": reason])
        }
        do {
            try stateStore.suspensions.suspend(id, reason: reason)
        } catch {
            logger.error("the suspension of \(id) is not persisted: \(error)")
        }
        let actions = try step(id, .suspend(reason: reason))
        await stopServing(id)
        for action in actions where action == .callDeactivate {
            do {
                try entry(id).instance?.deactivate()
            } catch {
                logger.warning("deactivate failed while suspending: \(error)", metadata: ["extension": "\(id)"])
            }
        }
    }

    /// Lifts a suspension (an operator's act): the extension becomes `inactive` (or `failed` again,
    /// when it was suspended while failed, as by the crash-loop breaker, whose count starts over);
    /// activate it to serve calls again.
    public func resume(_ id: String) throws(ExtensionError) {
        let current = try entry(id)
        let persisted = (try? stateStore.suspensions.suspension(of: id)) ?? nil
        guard case .suspended = current.lifecycle.state else {
            guard persisted != nil else {
                throw ExtensionError(.illegalTransition, extensionID: id, "the extension is \(current.lifecycle.state), not suspended")
            }
            try liftPersistedSuspension(id)
            return
        }
        try step(id, .resume)
        current.instance?.context.security.resume()
        resetSupervision(id)
        try liftPersistedSuspension(id)
    }

    private func liftPersistedSuspension(_ id: String) throws(ExtensionError) {
        do {
            try stateStore.suspensions.resume(id)
        } catch {
            throw ExtensionError(.illegalTransition, extensionID: id, "cannot lift the suspension", cause: error.description)
        }
        audit.record(.resume, id, "resumed by the operator")
    }

    /// Refuses activation of an extension suspended in an earlier run of the host.
    func requireNotSuspended(_ id: String) throws(ExtensionError) {
        if let suspension = (try? stateStore.suspensions.suspension(of: id)) ?? nil {
            throw ExtensionError(.suspended, extensionID: id,
                                 "the extension is suspended since \(suspension.since) (\(suspension.reason)); an operator must resume it: hypermesh ext resume \(id)")
        }
    }
}
