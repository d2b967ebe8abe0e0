extension ExtensionRegistry {
    /// Suspends an extension: calls stop being admitted (in-flight calls finish), an active
    /// extension's `deactivate` entry runs, its asset types are released, and it stays
    /// `suspended(reason)` until ``resume(_:)``. Activation refuses a suspended extension.
    ///
    /// Dependents are not suspended with it; their calls that reach it fail with `call.not_active`.
    public func suspend(_ id: String, reason: String) throws(ExtensionError) {
        _ = try entry(id)
        stopServing(id)
        let actions = try step(id, .suspend(reason: reason))
        for action in actions where action == .callDeactivate {
            do {
                try entry(id).instance?.deactivate()
            } catch {
                logger.warning("deactivate failed while suspending: \(error)", metadata: ["extension": "\(id)"])
            }
        }
    }

    /// Lifts a suspension (an operator's act): the extension becomes `inactive`; activate it to
    /// serve calls again.
    public func resume(_ id: String) throws(ExtensionError) {
        _ = try entry(id)
        try step(id, .resume)
    }
}
