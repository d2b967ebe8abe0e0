/// What a node knows of itself when it decides what to do in a rollout.
public struct NodeLocalState: Sendable, Hashable {
    /// The digest of the package the node runs for the rollout's extension; nil when none runs.
    public var activeDigest: String?
    /// Digests fully present and verified in the node's store.
    public var storedDigests: Set<String>
    /// Digests this node failed to fetch, verify or activate; it does not try them again (it has
    /// reported the failure, which rolls the rollout back). Default: empty.
    public var failedDigests: Set<String>

    public init(activeDigest: String?, storedDigests: Set<String>, failedDigests: Set<String> = []) {
        self.activeDigest = activeDigest
        self.storedDigests = storedDigests
        self.failedDigests = failedDigests
    }
}
