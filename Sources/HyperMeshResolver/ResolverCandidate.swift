import HyperMeshManifest

/// One known version of a package, as the resolver sees it.
public struct ResolverCandidate: Sendable, Hashable {
    public var version: SemanticVersion
    /// Package id → the versions of it this version accepts.
    public var dependencies: [String: VersionRange]
    /// Why this version cannot be chosen on this host, written to follow "`id` `version` " in an
    /// explanation: `supports host ABI 2...3; this host has 1`, `is yanked`,
    /// `has no build for linux/arm64`. nil (the default) means the version is eligible.
    public var exclusion: String?

    public init(version: SemanticVersion, dependencies: [String: VersionRange] = [:], exclusion: String? = nil) {
        self.version = version
        self.dependencies = dependencies
        self.exclusion = exclusion
    }
}
