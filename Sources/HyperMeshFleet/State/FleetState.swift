import Foundation
import HyperMeshRollout

/// The fleet's state in etcd, typed: rollouts, nodes, their progress, peer advertisements and
/// registry slots (``FleetKeys`` has the layout). Every call is one etcd request (or one
/// transaction); etcd's errors (`etcd.*`) pass through unchanged, a value that does not decode is
/// `fleet.configuration_invalid` naming its key.
public struct FleetState: Sendable {
    public let etcd: EtcdClient
    public let keys: FleetKeys

    public init(etcd: EtcdClient, keys: FleetKeys = FleetKeys()) {
        self.etcd = etcd
        self.keys = keys
    }

    // MARK: Rollouts

    /// A rollout as read, with the revision a compare-and-swap must name.
    public struct StoredRollout: Sendable {
        public var record: RolloutRecord
        public var modRevision: Int64
    }

    public func rollouts() async throws -> [StoredRollout] {
        try await etcd.list(prefix: keys.rollouts).items.map { item in
            StoredRollout(record: try Self.decodeRollout(item.value, key: item.key), modRevision: item.modRevision)
        }
    }

    /// The rollouts whose records decode; each one that does not (a hand edit, a writer of another
    /// version) is handed to `invalid` with its key and error, and left out.
    public func rollouts(invalid: (String, any Error) -> Void) async throws -> [StoredRollout] {
        try await etcd.list(prefix: keys.rollouts).items.compactMap { item in
            do {
                return StoredRollout(record: try Self.decodeRollout(item.value, key: item.key), modRevision: item.modRevision)
            } catch {
                invalid(item.key, error)
                return nil
            }
        }
    }

    public func rollout(extensionID: String) async throws -> StoredRollout? {
        let key = keys.rollout(extensionID: extensionID)
        guard let item = try await etcd.get(key) else { return nil }
        return StoredRollout(record: try Self.decodeRollout(item.value, key: key), modRevision: item.modRevision)
    }

    /// Writes a new rollout in one transaction: it succeeds only if the extension has no rollout,
    /// or its rollout is the final one read as `replacing` (unchanged since). Anything else is
    /// `fleet.rollout_conflict`.
    public func createRollout(_ record: RolloutRecord, replacing: StoredRollout?) async throws {
        let key = keys.rollout(extensionID: record.extensionID)
        let comparison: EtcdComparison = replacing.map { .modRevision(key, equals: $0.modRevision) } ?? .createRevision(key, equals: 0)
        let result = try await etcd.transaction(EtcdTransaction(compare: [comparison], success: [.put(key, record.encoded(), lease: nil)], failure: []))
        guard result.succeeded else {
            throw FleetError(.rolloutConflict, subject: "rollout of \(record.extensionID)",
                             "another rollout of \(record.extensionID) was written meanwhile; run `fleet status` and try again")
        }
    }

    /// Replaces a rollout if nobody changed it since it was read (compare-and-swap on its
    /// revision). Returns false when another writer got there first: the caller reads it again.
    public func replaceRollout(_ record: RolloutRecord, expectedModRevision: Int64) async throws -> Bool {
        try await etcd.compareAndSwap(keys.rollout(extensionID: record.extensionID), expectedModRevision: expectedModRevision, value: record.encoded())
    }

    static func decodeRollout(_ data: Data, key: String) throws -> RolloutRecord {
        do {
            return try RolloutRecord.decode(data)
        } catch {
            throw FleetError(.configurationInvalid, subject: key, "the rollout record in etcd cannot be read", cause: error)
        }
    }

    // MARK: Nodes and progress

    public func putNode(_ record: FleetNodeRecord, lease: Int64) async throws {
        _ = try await etcd.put(keys.node(record.id), value: FleetJSON.encode(record), lease: lease)
    }

    /// The live nodes (a node whose lease expired is gone). A value that does not decode is skipped
    /// (a node of another version of this software may write more).
    public func nodes() async throws -> [FleetNodeRecord] {
        try await etcd.list(prefix: keys.nodes).items.compactMap { try? FleetJSON.decode(FleetNodeRecord.self, $0.value, key: $0.key) }
    }

    public func putProgress(_ progress: NodeRolloutProgress, lease: Int64) async throws {
        _ = try await etcd.put(keys.progress(rolloutID: progress.rolloutID, nodeID: progress.nodeID), value: FleetJSON.encode(progress), lease: lease)
    }

    public func progress(rolloutID: String) async throws -> [NodeRolloutProgress] {
        try await etcd.list(prefix: keys.progress(rolloutID: rolloutID)).items.compactMap {
            try? FleetJSON.decode(NodeRolloutProgress.self, $0.value, key: $0.key)
        }
    }

    /// One observation per live node, with its progress in `rolloutID` if it reported any.
    public func observations(rolloutID: String, nodes: [FleetNodeRecord]) async throws -> [NodeObservation] {
        let reports = Dictionary(try await progress(rolloutID: rolloutID).map { ($0.nodeID, $0) }, uniquingKeysWith: { $1 })
        return nodes.map { NodeObservation(nodeID: $0.id, labels: $0.labels, progress: reports[$0.id]) }
    }

    // MARK: Peers and registry slots

    public func advertise(digest: String, _ advertisement: PeerAdvert, lease: Int64) async throws {
        _ = try await etcd.put(keys.peer(digest: digest, nodeID: advertisement.nodeID), value: FleetJSON.encode(advertisement), lease: lease)
    }

    public func withdraw(digest: String, nodeID: String) async throws {
        _ = try await etcd.delete(keys.peer(digest: digest, nodeID: nodeID))
    }

    public func advertisers(digest: String) async throws -> [PeerAdvert] {
        try await etcd.list(prefix: keys.peers(digest: digest)).items.compactMap { try? FleetJSON.decode(PeerAdvert.self, $0.value, key: $0.key) }
    }

    public func registrySlotsTaken(digest: String) async throws -> Int {
        try await etcd.list(prefix: keys.registrySlots(digest: digest)).items.count
    }

    /// Claims one of `slots` registry slots for `digest` (a key under the node's lease, created in
    /// a transaction only if absent): the slot number, or nil when all are taken.
    public func claimRegistrySlot(digest: String, nodeID: String, slots: Int, lease: Int64) async throws -> Int? {
        for slot in 0..<max(1, slots) {
            if try await etcd.createIfAbsent(keys.registrySlot(digest: digest, slot: slot), value: Data(nodeID.utf8), lease: lease) {
                return slot
            }
        }
        return nil
    }

    public func releaseRegistrySlot(digest: String, slot: Int) async throws {
        _ = try await etcd.delete(keys.registrySlot(digest: digest, slot: slot))
    }
}
