extension ExtensionRegistry {
    /// Deactivates `id`. If active extensions depend on it, this is refused unless `cascade` is
    /// true, in which case they are deactivated first (dependents before dependencies). Returns
    /// the ids deactivated, in order.
    @discardableResult
    public func deactivate(_ id: String, cascade: Bool = false) async throws(ExtensionError) -> [String] {
        _ = try entry(id)
        let dependents = activeDependents(of: id)
        if !dependents.isEmpty && !cascade {
            throw ExtensionError(.dependedUpon, extensionID: id,
                                 "cannot deactivate: active extensions depend on it: \(dependents.joined(separator: ", ")); deactivate them first or cascade")
        }
        var done: [String] = []
        for dependent in dependents + [id] where try entry(dependent).lifecycle.state == .active {
            try await tearDown(dependent)
            done.append(dependent)
        }
        return done
    }

    /// Unloads `id` (deactivating it first) and forgets it. Refused while active extensions depend
    /// on it, unless `cascade` is true: then those are unregistered first. Returns the ids removed.
    ///
    /// Native C images are unmapped; Swift images stay mapped (see ``NativeImage``).
    @discardableResult
    public func unregister(_ id: String, cascade: Bool = false) async throws(ExtensionError) -> [String] {
        _ = try entry(id)
        let dependents = activeDependents(of: id)
        if !dependents.isEmpty && !cascade {
            throw ExtensionError(.dependedUpon, extensionID: id,
                                 "cannot unregister: active extensions depend on it: \(dependents.joined(separator: ", ")); unregister them first or cascade")
        }
        var removed: [String] = []
        for target in dependents + [id] {
            try await unload(target)
            removed.append(target)
        }
        return removed
    }

    /// Deactivates every active extension (dependents first), unloads everything, and commits
    /// every queued audit record. Errors are logged, never thrown: shutdown always completes.
    public func shutdown() async {
        defer { audit.flush() }
        let ids = registeredIDs
        let order = (try? resolution(roots: ids).deactivationOrder) ?? ids.reversed()
        for id in order where entries[id]?.lifecycle.state == .active {
            do { try await tearDown(id) } catch { logger.error("deactivation failed during shutdown: \(error)") }
        }
        for id in order where entries[id] != nil {
            do { try await unload(id) } catch { logger.error("unload failed during shutdown: \(error)") }
        }
    }

    /// active -> inactive: start the transition (other lifecycle commands are refused from here),
    /// stop admitting calls, drain, call deactivate, release asset types.
    func tearDown(_ id: String) async throws(ExtensionError) {
        let actions = try step(id, .deactivate)
        await stopServing(id)
        do throws(ExtensionError) {
            for action in actions where action == .callDeactivate {
                try entry(id).instance?.deactivate()
            }
        } catch {
            await fail(id, cause: error.description)
            throw error
        }
        try step(id, .deactivated)
    }

    /// Whatever state -> unloaded, then forgotten, its metric series destroyed.
    func unload(_ id: String) async throws(ExtensionError) {
        if try entry(id).lifecycle.state == .active {
            try await tearDown(id)
        }
        if case .suspended = try entry(id).lifecycle.state {
            // Unregistering is an operator's act, which is what a resume needs: the extension goes
            // back to inactive (never active) and is unloaded from there.
            try step(id, .resume)
        }
        let actions = try step(id, .unload)
        for action in actions {
            switch action {
            case .destroyInstance: releaseInstance(id)
            case .closeImage: releaseImage(id)
            default: break
            }
        }
        try step(id, .unloaded)
        // Its series leave the metrics backend with it (a scrape no longer shows them).
        try entry(id).series.destroyAll()
        entries[id] = nil
        resolverCache = nil
    }

    /// Registered extensions that are active and depend on `id`, directly or transitively,
    /// ordered so that each comes before what it depends on.
    func activeDependents(of id: String) -> [String] {
        var dependents: [String] = []
        var frontier = [id]
        var seen: Set<String> = [id]
        while let current = frontier.popLast() {
            for (otherID, other) in entries where !seen.contains(otherID) && other.manifest.dependencies.keys.contains(current) {
                seen.insert(otherID)
                frontier.append(otherID)
                if other.lifecycle.state == .active { dependents.append(otherID) }
            }
        }
        let order = (try? resolution(roots: dependents).deactivationOrder) ?? dependents.sorted()
        return order.filter(dependents.contains)
    }
}
