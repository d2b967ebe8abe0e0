/// Where the fleet's state lives in etcd, under one prefix (default `/hypermesh/fleet/`).
/// docs/fleet.md lists every key with its value and who writes it.
///
/// | key | value | written by | lease |
/// | --- | --- | --- | --- |
/// | `nodes/<node>` | ``FleetNodeRecord`` | the node | the node's |
/// | `rollouts/<extension>` | `RolloutRecord` (the desired state of that extension) | `fleet rollout`, any node advancing it, `fleet pause/resume/abort` | none |
/// | `progress/<rollout>/<node>` | `NodeRolloutProgress` | the node | the node's |
/// | `peers/<digest>/<node>` | `PeerAdvert` | the node | the node's |
/// | `registry-slots/<digest>/<n>` | the node id | the node pulling from the registry | the node's |
///
/// Keys under a node's lease disappear when the node stops renewing it (a crash, a partition
/// longer than the lease's TTL): the fleet forgets a node it cannot hear.
public struct FleetKeys: Sendable, Hashable {
    public let prefix: String

    public static let defaultPrefix = "/hypermesh/fleet/"

    /// `prefix` gets a trailing `/` if it has none.
    public init(prefix: String = FleetKeys.defaultPrefix) {
        self.prefix = prefix.hasSuffix("/") ? prefix : prefix + "/"
    }

    public var nodes: String { prefix + "nodes/" }
    public func node(_ id: String) -> String { nodes + id }

    public var rollouts: String { prefix + "rollouts/" }
    public func rollout(extensionID: String) -> String { rollouts + extensionID }

    public func progress(rolloutID: String) -> String { prefix + "progress/\(rolloutID)/" }
    public func progress(rolloutID: String, nodeID: String) -> String { progress(rolloutID: rolloutID) + nodeID }

    public func peers(digest: String) -> String { prefix + "peers/\(digest)/" }
    public func peer(digest: String, nodeID: String) -> String { peers(digest: digest) + nodeID }

    public func registrySlots(digest: String) -> String { prefix + "registry-slots/\(digest)/" }
    public func registrySlot(digest: String, slot: Int) -> String { registrySlots(digest: digest) + String(slot) }

    /// Whether `id` may name a node or an extension in a key: 1–128 characters of `A–Z a–z 0–9 . _ -`
    /// (no `/`, so that a name cannot reach into another key's space).
    public static func isValidName(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 128, id != ".", id != ".." else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }
}
