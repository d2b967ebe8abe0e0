import HyperMeshManifest
import HyperMeshResolver

/// A signed index as the resolver's universe, seen from this host: every version of the index
/// is a candidate, and the ones this host cannot use carry the reason, so that the resolver
/// explains a failure with it ("a 2.0.0 supports host ABI 2...3; this host has 1"):
/// - a yanked version (unless the lock file pins it: a locked install stays reproducible);
/// - a version whose host ABI range excludes this host's ABI;
/// - a version without an artifact for this host's platform.
///
/// Installed extensions the index does not list (installed from a folder or a layout) are
/// candidates at their installed version only. Compatibility is decided here, before any
/// download; the installer checks it again from the package's own signed manifest.
public struct IndexUniverse: ResolverUniverse {
    public let document: ExtensionIndexDocument
    public let hostABI: UInt32
    public let platform: OCIPlatform
    /// Versions the lock file pins (allowed even when yanked).
    public let locked: [String: SemanticVersion]
    /// Installed extensions outside the index: id → (version, dependencies).
    public let installedOutsideIndex: [String: ResolverCandidate]

    public init(document: ExtensionIndexDocument, hostABI: UInt32, platform: OCIPlatform,
                locked: [String: SemanticVersion] = [:], installedOutsideIndex: [String: ResolverCandidate] = [:]) {
        self.document = document
        self.hostABI = hostABI
        self.platform = platform
        self.locked = locked
        self.installedOutsideIndex = installedOutsideIndex
    }

    public func candidates(of id: String) -> [ResolverCandidate] {
        guard let entry = document.extensions[id] else {
            return installedOutsideIndex[id].map { [$0] } ?? []
        }
        return entry.versions.compactMap { text, version in
            guard let semantic = try? SemanticVersion(parsing: text) else { return nil }
            var dependencies: [String: VersionRange] = [:]
            for (dependency, range) in version.dependencies {
                guard let parsed = try? VersionRange(parsing: range) else { return nil }
                dependencies[dependency] = parsed
            }
            return ResolverCandidate(version: semantic, dependencies: dependencies, exclusion: exclusion(of: version, id: id, version: semantic))
        }
    }

    /// Why this host cannot use `version`, or nil.
    public func exclusion(of version: IndexedVersion, id: String, version semantic: SemanticVersion) -> String? {
        if version.yanked, !(locked[id].map { $0.hasSamePrecedence(as: semantic) } ?? false) {
            return "is yanked by its publisher"
        }
        if !version.abi.contains(hostABI) {
            return "supports host ABI \(version.abi); this host has \(hostABI)"
        }
        if version.artifact(for: platform) == nil {
            return "has no build for \(platform) (only \(version.artifacts.keys.sorted().joined(separator: ", ")))"
        }
        return nil
    }
}
