import HyperMeshManifest

/// A set of versions, one per needed package, that satisfies every constraint.
public struct ResolverSolution: Sendable, Equatable {
    /// The chosen version of every package the roots need, directly or transitively.
    public var versions: [String: SemanticVersion]
    /// Every id of ``versions``, dependencies first (load order); among packages that could come
    /// next, the smallest id comes first.
    public var order: [String]

    public init(versions: [String: SemanticVersion], order: [String]) {
        self.versions = versions
        self.order = order
    }
}
