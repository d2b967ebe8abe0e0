package import Foundation
import HyperMeshCLI
import HyperMeshExtensions
import Logging
import Synchronization

/// The state of a running node: one long-lived host session (registry, discovery, audit), the
/// options it was started with (read only after start), and whether it is shutting down.
final class NodeRuntime: @unchecked Sendable {
    let session: HostSession
    let options: HostOptions
    let startedAt = Date()
    private let stopping = Atomic<Bool>(false)

    init(session: HostSession, options: HostOptions) {
        self.session = session
        self.options = options
    }

    var registry: ExtensionRegistry { session.registry }
    var logger: Logger { session.logger }

    var isStopping: Bool { stopping.load(ordering: .acquiring) }
    func markStopping() { stopping.store(true, ordering: .releasing) }

    /// Activates every registered extension the policy settles, in dependency order; one that cannot
    /// be activated is logged (and stays failed or waiting) without stopping the others. Returns the
    /// ids that are active afterwards. `progress` gets one line per extension activated, as it goes.
    @discardableResult
    func activateAll(progress: (String) -> Void = { _ in }) async -> [String] {
        let ids = await registry.registeredIDs
        for (index, id) in ids.enumerated() {
            do {
                let start = ContinuousClock.now
                try await registry.activate(id)
                let took = (ContinuousClock.now - start).components
                progress("activated \(id) (\(index + 1)/\(ids.count), \(took.seconds * 1000 + took.attoseconds / 1_000_000_000_000_000) ms)")
            } catch {
                logger.warning("not activated: \(error.description)", metadata: ["extension": "\(id)"])
            }
        }
        var active: [String] = []
        for id in ids where (try? await registry.state(of: id)) == .active { active.append(id) }
        return active
    }

    /// Deactivates (reverse dependency order), unloads, and flushes and closes the audit log.
    func stop() async {
        markStopping()
        await session.host.shutdown()
    }
}
