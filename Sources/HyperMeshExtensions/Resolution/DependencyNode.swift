import HyperMeshManifest

/// One available version of an extension, as the resolver sees it.
public struct DependencyNode: Sendable, Hashable {
    public var id: String
    public var version: SemanticVersion
    /// Host ABI versions this version supports.
    public var abi: ABIRange
    /// Extension id → acceptable versions.
    public var dependencies: [String: VersionRange]

    public init(id: String, version: SemanticVersion, abi: ABIRange, dependencies: [String: VersionRange] = [:]) {
        self.id = id
        self.version = version
        self.abi = abi
        self.dependencies = dependencies
    }

    public init(manifest: Manifest) {
        self.init(id: manifest.id, version: manifest.version, abi: manifest.abi, dependencies: manifest.dependencies)
    }
}
