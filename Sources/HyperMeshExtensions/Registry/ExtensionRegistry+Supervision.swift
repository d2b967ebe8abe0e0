import Foundation

extension ExtensionRegistry {
    /// What an isolated instance calls when its worker dies or is killed: the registry hears of
    /// it on its actor (``workerEnded(_:instance:cause:)``).
    func workerEndedHandler(_ id: String) -> WorkerEndedHandler {
        { [weak self] instance, cause in
            guard let self else { return }
            Task { await self.workerEnded(id, instance: instance, cause: cause) }
        }
    }

    /// A worker ended: if that worker was serving, the extension becomes `failed` with `cause`
    /// (audited), then the supervisor decides: restart after the backoff delay, or — the breaker
    /// opened — suspend the extension until an operator resumes it. The end of a worker that is not
    /// (or no longer) the serving one — a reload's candidate, a retired version — changes nothing
    /// (the reload reports its own failure).
    func workerEnded(_ id: String, instance: ObjectIdentifier, cause: String) async {
        guard let entry = entries[id], entry.lifecycle.state == .active || entry.lifecycle.state == .loaded,
              let serving = entry.instance?.runtime as? IsolatedInstance, ObjectIdentifier(serving) == instance else { return }
        audit.record(.lifecycle, id, "isolated worker ended: \(cause)", details: ["event": "worker_ended"])
        entry.metrics.recordWorkerFailure()
        logger.error("isolated worker ended: \(cause)", metadata: ["extension": "\(id)"])
        await fail(id, cause: cause)
        await superviseFailure(id, cause: cause)
    }

    /// Records a failure in the extension's breaker and acts on its verdict.
    func superviseFailure(_ id: String, cause: String) async {
        guard supervision.restarts, var record = entries[id]?.supervision else { return }
        var breaker = record.breaker ?? supervision.makeBreaker()
        let verdict = breaker.recordFailure(at: .now)
        record.breaker = breaker
        entries[id]?.supervision = record
        switch verdict {
        case .stop:
            let reason = "crash loop: \(breaker.recentFailures.count) worker failures within \(Self.seconds(breaker.window)); last: \(cause)"
            audit.record(.lifecycle, id, "restarts stopped by the crash-loop breaker", details: ["event": "crash_loop", "failures": "\(breaker.recentFailures.count)"])
            do {
                try await suspend(id, reason: reason)
            } catch {
                logger.error("could not suspend after a crash loop: \(error)", metadata: ["extension": "\(id)"])
                audit.record(.lifecycle, id, "could not suspend after a crash loop: \(error.message)", details: ["event": "crash_loop_suspend_failed", "code": error.code.rawValue])
            }
        case .restart(let delay):
            let generation: UInt64
            do throws(ExtensionError) {
                guard case .scheduleRestart(let scheduled)? = try step(id, .scheduleRestart).first else { return }
                generation = scheduled
            } catch {
                audit.record(.lifecycle, id, "no restart: \(error.message)", details: ["event": "restart_refused"])
                return
            }
            audit.note(.lifecycle, id, "restart in \(Self.seconds(delay)) (failure \(breaker.recentFailures.count) of \(breaker.maxFailures) within \(Self.seconds(breaker.window)))",
                       details: ["event": "restart_scheduled", "delay_ms": "\(Self.milliseconds(delay))"])
            Task { [weak self] in
                try? await Task.sleep(for: delay)
                await self?.restartAfterFailure(id, generation: generation)
            }
        }
    }

    /// Runs a scheduled restart, unless the lifecycle says something happened since (a newer
    /// failure, an operator's activate, unload or suspension cancel it: `restartDue` is refused).
    /// A restart that fails (the worker does not start) counts as one more failure.
    func restartAfterFailure(_ id: String, generation: UInt64) async {
        guard entries[id] != nil, let actions = try? step(id, .restartDue(generation: generation)), actions.contains(.restart) else { return }
        do throws(ExtensionError) {
            try await activate(id)
            entries[id]?.supervision.restarts += 1
            audit.record(.lifecycle, id, "restarted after a worker failure (restart \(entries[id]?.supervision.restarts ?? 0))",
                         details: ["event": "restarted"])
            logger.notice("restarted after a worker failure", metadata: ["extension": "\(id)"])
        } catch {
            audit.record(.lifecycle, id, "restart failed: \(error.message)", details: ["event": "restart_failed", "code": error.code.rawValue])
            await superviseFailure(id, cause: error.description)
        }
    }

    /// Forgets the failures of `id` (an operator resumed it): the breaker starts closed again.
    func resetSupervision(_ id: String) {
        entries[id]?.supervision.breaker?.reset()
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
    }

    private static func seconds(_ duration: Duration) -> String {
        let milliseconds = milliseconds(duration)
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000) s" : "\(milliseconds) ms"
    }
}
