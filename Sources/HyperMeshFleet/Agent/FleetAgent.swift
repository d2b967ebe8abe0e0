import Foundation
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshRollout
import Logging
import Synchronization

/// A node's part in its fleet, running beside the node's server until cancelled.
///
/// - **Membership**: the node's record (`nodes/<id>`: labels, endpoint, what runs) lives under a
///   lease kept alive by an ``EtcdLeaseKeeper``; when the lease is lost (etcd was away longer than its
///   TTL) a new one is granted and every key is written again.
/// - **Desired state**: the node watches `rollouts/` (and reconciles every
///   ``FleetAgentConfiguration/reconcileInterval`` regardless). For each rollout whose selector
///   matches its labels it does what ``RolloutStateMachine/action(nodeID:labels:record:nodes:local:)``
///   says: prefetch (``PeerFirstPuller``: peers first), activate (the store commits the version to
///   `installed/<id>` and the node reloads it with its canary), or roll back to the pinned previous
///   version from the store, without the network. It reports its progress and the extension's
///   health under `progress/<rollout>/<node>`.
/// - **No coordinator**: after reporting, the node evaluates
///   ``RolloutStateMachine/advance(_:nodes:now:)`` and, when the rollout should move (the next
///   wave, complete, rolled back), writes it with a compare-and-swap on its revision: whichever node
///   gets there first moves it; the others see the new phase.
/// - **etcd unreachable**: the node keeps running what it has (nothing is deactivated), logs and
///   audits the outage once, and catches up when etcd answers again.
///
/// Every step that changes the node (a prefetch, an activation, a rollback, a refused peer, a
/// rollout it moved) is a `fleet` record in the node's audit log.
///
/// Not guaranteed: that a node acts within one reconcile interval of a change (a long pull delays
/// the next reconcile); health is what the node measured since it activated the version, over at
/// least the gate's window, not a fleet-wide aggregate.
public final class FleetAgent: Sendable {
    public let configuration: FleetAgentConfiguration
    let state: FleetState
    let installer: PackageInstaller
    let host: any FleetNodeHost
    let puller: PeerFirstPuller
    let logger: Logger
    let startedAt = Date()
    private let lease = Mutex<Int64?>(nil)
    private let memory = Mutex<[String: RolloutMemory]>([:])
    private let etcdWasReachable = Mutex<Bool?>(nil)
    private let advertised = Mutex<Set<String>>([])

    /// What the node remembers of one rollout between reconciles.
    struct RolloutMemory: Sendable {
        var progress: NodeRolloutProgress
        var baseline: FleetExtensionHealth?
        /// The stage last written to etcd (nil: nothing written since the node started).
        var writtenStage: NodeRolloutStage? = nil
        /// This node failed to prefetch, activate or roll back this rollout's version: it does not
        /// try again (the rollout rolls back; a new rollout is a new chance).
        var failed = false
    }

    public init(configuration: FleetAgentConfiguration, state: FleetState, installer: PackageInstaller, peers: PeerClients,
                registrySource: @escaping @Sendable (OCIReference) throws -> any ArtifactSource, host: any FleetNodeHost, logger: Logger) {
        self.configuration = configuration
        self.state = state
        self.installer = installer
        self.host = host
        self.logger = logger
        self.puller = PeerFirstPuller(configuration: configuration, state: state, installer: installer, peers: peers,
                                      registrySource: registrySource, host: host, logger: logger)
    }

    /// The node's current lease (nil while it has none).
    public var currentLease: Int64? { lease.withLock { $0 } }

    /// Runs until the task is cancelled: the lease, the watch and the reconcile loop.
    public func run() async {
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let keeper = EtcdLeaseKeeper(client: state.etcd, ttlSeconds: configuration.leaseTTLSeconds, logger: logger) { [self] newLease in
            let previous = lease.withLock { lease in
                defer { lease = newLease }
                return lease
            }
            advertised.withLock { $0.removeAll() }
            // Keys under a lost lease are gone: every report is written again under the new one.
            memory.withLock { memory in for id in memory.keys { memory[id]?.writtenStage = nil } }
            wake.yield()
            let labels = configuration.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            let message = previous == nil
                ? "joined the fleet as \(configuration.nodeID) (labels \(labels.isEmpty ? "none" : labels); \(configuration.endpoint.map { "serving peers at \($0)" } ?? "not serving peers"))"
                : "the node's lease was lost (etcd away longer than its TTL); joined again with a new lease"
            try? await host.audit(message, extensionID: nil, details: ["action": "join", "node": configuration.nodeID, "lease": String(newLease)])
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await keeper.run() }
            group.addTask { [self] in await watchRollouts(wake: wake) }
            group.addTask { [configuration] in
                while !Task.isCancelled {
                    wake.yield()
                    try? await Task.sleep(for: configuration.reconcileInterval)
                }
            }
            group.addTask { [self] in
                for await _ in wakeups {
                    if Task.isCancelled { break }
                    await reconcile()
                }
            }
            await group.next()
            group.cancelAll()
        }
        wake.finish()
        if let lease = currentLease { try? await state.etcd.revokeLease(lease) }
    }

    /// Wakes the reconcile loop on every change under `rollouts/`; re-watches after a failure.
    private func watchRollouts(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do {
                for try await _ in state.etcd.watch(prefix: state.keys.rollouts, fromRevision: nil) { wake.yield() }
            } catch {
                // etcd away or the revision compacted: the periodic reconcile keeps the node going.
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// One pass: write the node's record, then act on every rollout that concerns this node.
    func reconcile() async {
        guard let lease = currentLease else { return }
        do {
            let running = await host.runningExtensions()
            try await state.putNode(FleetNodeRecord(id: configuration.nodeID, labels: configuration.labels, endpoint: configuration.endpoint,
                                                    extensions: running, startedAt: startedAt, updatedAt: Date()), lease: lease)
            let nodes = try await state.nodes()
            let logger = self.logger
            let rollouts = try await state.rollouts { key, error in logger.error("fleet: \(key) is not a rollout this node can read: \(error)") }
            for stored in rollouts where stored.record.isEligible(labels: configuration.labels) {
                do {
                    try await reconcile(stored, nodes: nodes, lease: lease)
                } catch let error as EtcdError {
                    throw error
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    // One rollout this node cannot follow (a version that does not parse, a store
                    // that cannot be read) does not stop the others, nor reads as an etcd outage.
                    logger.error("fleet: rollout \(stored.record.id) cannot be followed here: \(error)")
                }
            }
            await noteEtcd(reachable: true, error: nil)
        } catch is CancellationError {
            return
        } catch let error as EtcdError {
            await noteEtcd(reachable: false, error: error)
        } catch {
            logger.error("fleet: reconcile failed: \(error)")
        }
    }

    private func reconcile(_ stored: FleetState.StoredRollout, nodes: [FleetNodeRecord], lease: Int64) async throws {
        let record = stored.record
        var local = try await localState(for: record)
        let remembered = memory.withLock { $0[record.id] }
        if remembered?.failed == true { local.failedDigests.insert(record.digest) }
        if local.storedDigests.contains(record.digest) { await advertiseComplete(record.digest, lease: lease) }
        var observations = try await state.observations(rolloutID: record.id, nodes: nodes)
        let action = RolloutStateMachine.action(nodeID: configuration.nodeID, labels: configuration.labels, record: record,
                                                nodes: observations, local: local)
        var progress: NodeRolloutProgress
        if let remembered {
            progress = remembered.progress
        } else {
            // First pass for this rollout since the node started: what the store says. A version
            // already active counts from now (the window starts again), measured from here on.
            let stage = Self.stage(for: record, local: local)
            progress = NodeRolloutProgress(rolloutID: record.id, nodeID: configuration.nodeID, stage: stage, healthy: true, detail: nil,
                                           calls: 0, errors: 0, violations: 0, activeSince: stage == .active ? Date() : nil, updatedAt: Date())
            if stage == .active {
                let baseline = await host.health(of: record.extensionID)
                memory.withLock { $0[record.id] = RolloutMemory(progress: progress, baseline: baseline) }
            }
        }
        switch action {
        case .prefetch:
            progress = try await prefetch(record, progress: progress, lease: lease)
        case .activate:
            progress = await activate(record, progress: progress)
        case .rollBack:
            progress = await rollBack(record, progress: progress)
        case .none:
            break
        }
        if progress.stage == .active {
            progress = await measured(progress, record: record)
        }
        progress.updatedAt = Date()
        let failed = [.prefetchFailed, .activationFailed].contains(progress.stage) || (action == .rollBack && progress.stage != .rolledBack)
        memory.withLock {
            $0[record.id, default: RolloutMemory(progress: progress, baseline: nil)].progress = progress
            if failed { $0[record.id]?.failed = true }
        }
        // While the rollout runs, the report is refreshed every pass (the gate reads its health);
        // once it is final, only a change of stage is written.
        if !record.phase.isFinal || remembered?.writtenStage != progress.stage {
            try await state.putProgress(progress, lease: lease)
            memory.withLock { $0[record.id]?.writtenStage = progress.stage }
        }
        guard !record.phase.isFinal else { return }
        observations = observations.map { $0.nodeID == configuration.nodeID ? NodeObservation(nodeID: $0.nodeID, labels: $0.labels, progress: progress) : $0 }
        if !observations.contains(where: { $0.nodeID == configuration.nodeID }) {
            observations.append(NodeObservation(nodeID: configuration.nodeID, labels: configuration.labels, progress: progress))
        }
        if let transition = RolloutStateMachine.advance(record, nodes: observations, now: Date()),
           try await state.replaceRollout(transition.record, expectedModRevision: stored.modRevision) {
            let phase = transition.record.phase.describe(waveCount: record.waves.percentages.count)
            logger.notice("fleet: rollout \(record.id) moved to \(phase)\(transition.record.reason.map { ": \($0)" } ?? "")")
            await audit("rollout \(record.id) of \(record.extensionID) \(record.version) moved to \(phase)\(transition.record.reason.map { ": \($0)" } ?? "")",
                  record: record, details: ["phase": phase, "action": "advance"])
        }
    }

    /// The stage a node reports for a rollout it has not acted on yet (after a restart).
    static func stage(for record: RolloutRecord, local: NodeLocalState) -> NodeRolloutStage {
        if local.activeDigest == record.digest { return .active }
        return local.storedDigests.contains(record.digest) ? .prefetched : .prefetching
    }

    /// What the store says about the rollout's extension. The store knows versions; a package of
    /// the rollout's id and version counts as its digest (packages are signed: the same id and
    /// version from the same publisher is the same package).
    func localState(for record: RolloutRecord) async throws -> NodeLocalState {
        let store = installer.store
        let id = record.extensionID
        let version = try SemanticVersion(parsing: record.version)
        return try await BlockingIO.run { () throws(RegistryError) in
            let active = try store.active(id: id)
            let stored = try store.package(id: id, version: version) != nil
            let activeDigest = active.map { $0.version == version ? record.digest : $0.digest.description }
            return NodeLocalState(activeDigest: activeDigest, storedDigests: stored ? [record.digest] : [])
        }
    }

    private func prefetch(_ record: RolloutRecord, progress: NodeRolloutProgress, lease: Int64) async throws -> NodeRolloutProgress {
        var progress = progress
        progress.stage = .prefetching
        try? await state.putProgress(progress, lease: lease)
        do {
            let reference = try OCIReference(parsing: record.reference)
            let expecting = PackageInstaller.Expectation(id: record.extensionID, version: try SemanticVersion(parsing: record.version))
            let outcome = try await puller.pull(reference, expecting: expecting) { [self] in currentLease }
            progress.stage = .prefetched
            progress.detail = "from \(outcome.source)"
            logger.notice("fleet: prefetched \(record.extensionID) \(record.version) from \(outcome.source) (\(outcome.fetched.bytes) bytes)")
            await audit("prefetched \(record.extensionID) \(record.version) from \(outcome.source) for rollout \(record.id)", record: record,
                  details: ["source": outcome.source, "bytes": String(outcome.fetched.bytes), "action": "prefetch", "outcome": "ok"])
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            progress.stage = .prefetchFailed
            progress.detail = "\(error)"
            logger.error("fleet: prefetch of \(record.extensionID) \(record.version) failed: \(error)")
            await audit("prefetch of \(record.extensionID) \(record.version) for rollout \(record.id) failed: \(error)", record: record,
                  details: ["action": "prefetch", "outcome": "failed", "code": error.fleetCode])
        }
        return progress
    }

    private func activate(_ record: RolloutRecord, progress: NodeRolloutProgress) async -> NodeRolloutProgress {
        var progress = progress
        let id = record.extensionID
        do {
            let version = try SemanticVersion(parsing: record.version)
            let store = installer.store
            guard let package = try await BlockingIO.run({ () throws(RegistryError) in try store.package(id: id, version: version) }) else {
                throw FleetError(.activationFailed, subject: "\(id) \(record.version)", "the store does not keep the version to activate")
            }
            try await installer.activate(package)
            do {
                try await host.applyInstalled(extensionID: id)
            } catch {
                // The node kept what it ran: put the store back to match it.
                _ = try? await installer.rollback(id: id)
                throw FleetError(.activationFailed, subject: "\(id) \(record.version)", "the node did not take the new version; it keeps the one it ran",
                                 cause: error)
            }
            let baseline = await host.health(of: id)
            memory.withLock { $0[record.id, default: RolloutMemory(progress: progress, baseline: nil)].baseline = baseline }
            progress.stage = .active
            progress.activeSince = Date()
            progress.healthy = true
            progress.detail = nil
            progress.calls = 0
            progress.errors = 0
            progress.violations = 0
            logger.notice("fleet: activated \(id) \(record.version) (rollout \(record.id))")
            await audit("activated \(id) \(record.version) for rollout \(record.id)", record: record, details: ["action": "activate", "outcome": "ok"])
        } catch {
            progress.stage = .activationFailed
            progress.healthy = false
            progress.detail = "\(error)"
            logger.error("fleet: activating \(id) \(record.version) failed: \(error)")
            await audit("activating \(id) \(record.version) for rollout \(record.id) failed: \(error)", record: record,
                  details: ["action": "activate", "outcome": "failed", "code": error.fleetCode])
        }
        return progress
    }

    private func rollBack(_ record: RolloutRecord, progress: NodeRolloutProgress) async -> NodeRolloutProgress {
        var progress = progress
        let id = record.extensionID
        do {
            let store = installer.store
            let hasPrevious = try await BlockingIO.run { () throws(RegistryError) in
                try store.packages().contains { $0.id == id && $0.pin == .previous }
            }
            guard hasPrevious else {
                // A first install: there is nothing to go back to, so the extension goes away.
                try await host.remove(extensionID: id)
                _ = try await BlockingIO.run { () throws(RegistryError) in try store.uninstall(id: id) }
                progress.stage = .rolledBack
                progress.detail = "\(record.version) removed (no previous version)"
                logger.notice("fleet: removed \(id) \(record.version): the rollout \(record.id) was rolled back and no previous version exists")
                await audit("removed \(id) \(record.version) (no previous version to roll back to; rollout \(record.id): \(record.reason ?? "rolled back"))",
                            record: record, details: ["action": "rollback", "outcome": "ok", "from": record.version, "to": "none"])
                return progress
            }
            let (from, to) = try await installer.rollback(id: id)
            try await host.applyInstalled(extensionID: id)
            progress.stage = .rolledBack
            progress.detail = "\(from.version) -> \(to.version)"
            logger.notice("fleet: rolled \(id) back from \(from.version) to \(to.version) (rollout \(record.id): \(record.reason ?? "rolled back"))")
            await audit("rolled \(id) back from \(from.version) to \(to.version) from the store (rollout \(record.id): \(record.reason ?? "rolled back"))",
                  record: record, details: ["action": "rollback", "outcome": "ok", "from": from.version.description, "to": to.version.description])
        } catch {
            progress.detail = "rollback failed: \(error)"
            logger.error("fleet: rolling \(id) back failed: \(error)")
            await audit("rolling \(id) back for rollout \(record.id) failed: \(error)", record: record,
                  details: ["action": "rollback", "outcome": "failed", "code": error.fleetCode])
        }
        return progress
    }

    /// The health the gate judges: the node's view of the extension, counted since activation.
    private func measured(_ progress: NodeRolloutProgress, record: RolloutRecord) async -> NodeRolloutProgress {
        var progress = progress
        guard let health = await host.health(of: record.extensionID) else {
            progress.healthy = false
            progress.detail = "\(record.extensionID) is not registered on this node"
            return progress
        }
        let baseline = memory.withLock { $0[record.id]?.baseline }
        progress.healthy = health.healthy
        progress.detail = health.detail
        progress.calls = max(0, health.calls - (baseline?.calls ?? 0))
        progress.errors = max(0, health.errors - (baseline?.errors ?? 0))
        progress.violations = max(0, health.violations - (baseline?.violations ?? 0))
        if health.version != record.version {
            progress.healthy = false
            progress.detail = "the node runs \(health.version), not \(record.version)"
        }
        return progress
    }

    private func advertiseComplete(_ digest: String, lease: Int64) async {
        guard let endpoint = configuration.endpoint, !advertised.withLock({ $0.contains(digest) }) else { return }
        do {
            try await state.advertise(digest: digest, PeerAdvert(nodeID: configuration.nodeID, endpoint: endpoint, state: .complete,
                                                                         zone: configuration.zone), lease: lease)
            advertised.withLock { _ = $0.insert(digest) }
        } catch {
            return
        }
    }

    /// Logs and audits the moment etcd stops or starts answering (once per change).
    private func noteEtcd(reachable: Bool, error: (any Error)?) async {
        let previous = etcdWasReachable.withLock { state in
            defer { state = reachable }
            return state
        }
        guard previous != reachable else { return }
        if reachable {
            if previous == false {
                logger.notice("fleet: etcd answers again; catching up")
                try? await host.audit("etcd reachable again; the node catches up with the fleet's desired state", extensionID: nil, details: ["action": "etcd"])
            }
        } else {
            logger.warning("fleet: etcd unreachable; the node keeps running what it has: \(error.map { "\($0)" } ?? "")")
            try? await host.audit("etcd unreachable; the node keeps running what it has: \(error.map { "\($0)" } ?? "")", extensionID: nil,
                            details: ["action": "etcd", "code": error?.fleetCode ?? ""])
        }
    }

    private func audit(_ message: String, record: RolloutRecord, details: [String: String]) async {
        var details = details
        details["rollout"] = record.id
        details["version"] = record.version
        do {
            try await host.audit(message, extensionID: record.extensionID, details: details)
        } catch {
            logger.error("fleet: an audit record could not be written: \(error)")
        }
    }
}
