import Foundation
import HyperMeshErrors
import HyperMeshRegistry
import HyperMeshRollout
import Logging
import Synchronization

/// Brings a package into the node's store from its peers first, the registry second.
///
/// For each attempt the ``PullPlanner`` decides, from what etcd says (who holds the package, who is
/// pulling it, how many registry slots are taken): a peer that holds it (same zone first, spread by
/// node id), a registry slot (at most ``FleetAgentConfiguration/registrySlots`` nodes pull one
/// package from the registry at once; the slot is a key under the node's lease, claimed in an etcd
/// transaction), waiting for a node that is pulling, or the registry regardless once the node has
/// waited ``FleetAgentConfiguration/peerWaitSeconds``. With etcd unreachable it goes to the
/// registry (the node keeps working without the fleet's coordination).
///
/// Every blob from a peer is checked by digest as it arrives and the package by its signature
/// (``PackageInstaller/fetch(_:from:expecting:progress:)``), exactly as from the registry. A peer
/// that serves other bytes (`oci.digest_mismatch`, `oci.size_mismatch`, an invalid artifact) is
/// avoided for the life of the node and the refusal is audited; a peer that is merely unreachable
/// or busy (429) is skipped for this pull only. While it pulls, the node advertises the digest as
/// `pulling`, and as `complete` once stored, so others wait for it rather than go to the registry.
///
/// Not guaranteed: a bound on the time a lying peer costs (each one costs at most one transfer);
/// resuming a transfer from another peer at the byte it stopped (blobs already stored are kept).
public final class PeerFirstPuller: Sendable {
    public struct Outcome: Sendable {
        public var fetched: PackageInstaller.Fetched
        /// `peer <node id>`, `registry`, or `store` (nothing transferred).
        public var source: String
    }

    let configuration: FleetAgentConfiguration
    let state: FleetState
    let installer: PackageInstaller
    let peers: PeerClients
    let registrySource: @Sendable (OCIReference) throws -> any ArtifactSource
    let host: any FleetNodeHost
    let logger: Logger
    private let avoidedPeers = Mutex<Set<String>>([])

    public init(configuration: FleetAgentConfiguration, state: FleetState, installer: PackageInstaller, peers: PeerClients,
                registrySource: @escaping @Sendable (OCIReference) throws -> any ArtifactSource, host: any FleetNodeHost, logger: Logger) {
        self.configuration = configuration
        self.state = state
        self.installer = installer
        self.peers = peers
        self.registrySource = registrySource
        self.host = host
        self.logger = logger
    }

    /// Peers this node will not ask again (they served bytes that did not match).
    public var avoided: Set<String> { avoidedPeers.withLock { $0 } }

    /// Errors that prove a peer served something other than it was asked for.
    static let lyingCodes: Set<String> = ["oci.digest_mismatch", "oci.size_mismatch", "oci.artifact_invalid", "oci.media_type_mismatch",
                                          "oci.package_mismatch", "oci.verification_refused"]

    /// Pulls the package `reference` pins (by digest) into the store. `lease` is the node's current
    /// lease (nil while etcd is unreachable: no advertisement, no registry slot).
    public func pull(_ reference: OCIReference, expecting: PackageInstaller.Expectation, lease: @escaping @Sendable () -> Int64?) async throws -> Outcome {
        guard let pinned = reference.digest else {
            throw FleetError(.configurationInvalid, subject: reference.description, "a rollout's reference must be pinned by digest")
        }
        let subject = "\(expecting.id) \(expecting.version)"
        if let kept = try await installer.stored(digest: pinned, expecting: expecting, subject: subject) {
            return Outcome(fetched: kept, source: "store")
        }
        let digest = pinned.description
        await advertise(digest, .pulling, lease: lease())
        let started = ContinuousClock.now
        var skippedThisPull: Set<String> = []
        var busyThisPull: Set<String> = []
        let planner = PullPlanner(registrySlots: configuration.registrySlots, maxPeerWaitSeconds: configuration.peerWaitSeconds)
        var lastFailure: (any Error)?
        while ContinuousClock.now - started < configuration.pullTimeLimit {
            try Task.checkCancellation()
            let waited = Self.seconds(ContinuousClock.now - started)
            var advertisers: [PeerAdvert] = []
            var slotsTaken = 0
            var etcdReachable = true
            do {
                advertisers = try await state.advertisers(digest: digest).filter { $0.nodeID != configuration.nodeID }
                slotsTaken = try await state.registrySlotsTaken(digest: digest)
            } catch {
                etcdReachable = false
            }
            let decision: PullDecision = etcdReachable && lease() != nil
                ? planner.decide(myNodeID: configuration.nodeID, myZone: configuration.zone, digest: digest, advertisers: advertisers,
                                 avoided: avoided.union(skippedThisPull), busy: busyThisPull, registrySlotsTaken: slotsTaken, waitedSeconds: waited)
                : .registry
            do {
                switch decision {
                case .peer(nodeID: let peerID, endpoint: let endpoint):
                    guard let authority = PeerClients.authority(of: endpoint) else {
                        skippedThisPull.insert(peerID)
                        continue
                    }
                    let peerReference = OCIReference(registry: authority, repository: reference.repository, digest: pinned)
                    do {
                        let fetched = try await installer.fetch(peerReference, from: RegistryEndpoint(client: peers.client(for: authority), registry: authority),
                                                                expecting: expecting)
                        await advertise(digest, .complete, lease: lease())
                        return Outcome(fetched: fetched, source: "peer \(peerID)")
                    } catch {
                        lastFailure = error
                        if Self.lyingCodes.contains(error.fleetCode) {
                            avoidedPeers.withLock { _ = $0.insert(peerID) }
                            let refusal = FleetError(.peerRefused, subject: "peer \(peerID)",
                                                     "it served bytes that do not match \(subject) (\(digest)); avoided from now on", cause: error)
                            lastFailure = refusal
                            logger.warning("fleet: \(refusal)")
                            try? await host.audit("peer \(peerID) refused: it served bytes that do not match \(subject) (\(digest)); avoided from now on",
                                            extensionID: expecting.id,
                                            details: ["peer": peerID, "digest": digest, "code": refusal.codeRawValue, "cause": error.fleetCode,
                                                      "outcome": "refused"])
                        } else if error.fleetCode == "oci.rate_limited" {
                            busyThisPull.insert(peerID)
                            logger.notice("fleet: peer \(peerID) is busy; trying elsewhere")
                        } else {
                            skippedThisPull.insert(peerID)
                            logger.notice("fleet: peer \(peerID) could not serve \(digest) (\(error.fleetCode)); trying elsewhere")
                        }
                    }
                case .claimRegistrySlot:
                    guard let lease = lease(),
                          let slot = try await state.claimRegistrySlot(digest: digest, nodeID: configuration.nodeID, slots: configuration.registrySlots, lease: lease) else {
                        try await Task.sleep(for: .milliseconds(200))
                        continue
                    }
                    defer { Task { try? await self.state.releaseRegistrySlot(digest: digest, slot: slot) } }
                    let fetched = try await fromRegistry(reference, expecting: expecting)
                    await advertise(digest, .complete, lease: lease)
                    return Outcome(fetched: fetched, source: "registry")
                case .waitForPeers(let seconds):
                    busyThisPull.removeAll()
                    try await Task.sleep(for: .milliseconds(Int(min(max(seconds, 0.05), 1) * 1000)))
                case .registry:
                    let fetched = try await fromRegistry(reference, expecting: expecting)
                    await advertise(digest, .complete, lease: lease())
                    return Outcome(fetched: fetched, source: "registry")
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // The registry (or etcd) failed: wait a little and decide again; a peer may have it by then.
                lastFailure = error
                logger.notice("fleet: pulling \(subject) failed for now: \(error)")
                try await Task.sleep(for: .seconds(1))
            }
        }
        try? await state.withdraw(digest: digest, nodeID: configuration.nodeID)
        throw FleetError(.pullFailed, subject: subject, "no peer nor the registry delivered \(digest) within \(configuration.pullTimeLimit)",
                         cause: lastFailure)
    }

    private func fromRegistry(_ reference: OCIReference, expecting: PackageInstaller.Expectation) async throws -> PackageInstaller.Fetched {
        try await installer.fetch(reference, from: try registrySource(reference), expecting: expecting)
    }

    private func advertise(_ digest: String, _ state: PeerAdvert.State, lease: Int64?) async {
        guard let lease, let endpoint = configuration.endpoint else { return }
        try? await self.state.advertise(digest: digest, PeerAdvert(nodeID: configuration.nodeID, endpoint: endpoint, state: state,
                                                                           zone: configuration.zone), lease: lease)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

extension Error {
    /// The stable code of a typed error, or `internal.untyped_error`.
    var fleetCode: String { (self as? any HyperMeshError)?.codeRawValue ?? "internal.untyped_error" }
}
