/// Where one node stands in one rollout, as it reports it. Codable as its name (`"prefetched"`).
public enum NodeRolloutStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fetching the package into the node's store.
    case prefetching
    /// The package is in the store, verified; the previous version still runs.
    case prefetched
    /// The package could not be fetched or verified; `detail` says why.
    case prefetchFailed
    /// The new version runs.
    case active
    /// The new version could not be activated; `detail` says why.
    case activationFailed
    /// The node went back to the previous version.
    case rolledBack
}
