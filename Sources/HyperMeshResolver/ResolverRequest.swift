import HyperMeshManifest

/// What to solve: the packages wanted, with the versions acceptable for each.
public struct ResolverRequest: Sendable {
    /// Package id → acceptable versions. These are the dependencies of "the root" in explanations.
    public var roots: [String: VersionRange]
    /// Versions tried first when they are allowed and eligible (the lock file's or the installed
    /// ones). A preferred version that the constraints rule out is ignored, not an error.
    public var preferred: [String: SemanticVersion]

    public init(roots: [String: VersionRange], preferred: [String: SemanticVersion] = [:]) {
        self.roots = roots
        self.preferred = preferred
    }
}
