import HyperMeshManifest
import HyperMeshResolver

/// What an install or update will do, decided from the index before anything is downloaded:
/// each extension of the solution in load order (dependencies first), with the artifact to fetch
/// and the capabilities the version requests.
public struct InstallPlan: Sendable, Codable {
    public enum Action: String, Sendable, Codable {
        /// Not installed yet.
        case install
        /// Installed at another version.
        case change
        /// Installed at this version already: nothing to do.
        case keep
    }

    public struct Item: Sendable, Codable {
        public var id: String
        public var version: String
        public var action: Action
        /// The version installed now, for `change`.
        public var installedVersion: String?
        /// `registry/repository` of its artifacts.
        public var repository: String
        /// The image manifest for this host's platform.
        public var digest: OCIDigest
        public var platform: String
        public var capabilities: [String]

        public init(id: String, version: String, action: Action, installedVersion: String?, repository: String,
                    digest: OCIDigest, platform: String, capabilities: [String]) {
            self.id = id
            self.version = version
            self.action = action
            self.installedVersion = installedVersion
            self.repository = repository
            self.digest = digest
            self.platform = platform
            self.capabilities = capabilities
        }
    }

    /// `name@version` of the index used.
    public var index: String
    public var items: [Item]

    public init(index: String, items: [Item]) {
        self.index = index
        self.items = items
    }

    /// The items that need a download or a switch.
    public var changes: [Item] { items.filter { $0.action != .keep } }
}

/// Chooses versions from a signed index with the PubGrub resolver and turns the solution into an
/// ``InstallPlan``.
///
/// Constraints: the requested ranges; every installed extension stays installed (its dependents
/// need it), preferably at its installed version (or the locked one), moving only when a request
/// requires it or it is named in `upgrade`; the host ABI, the platform and yanked versions through
/// ``IndexUniverse``. A failure is the resolver's explanation (`resolve.no_solution`, …).
public enum InstallPlanner {
    public static func plan(requests: [String: VersionRange], upgrade: Set<String> = [], document: ExtensionIndexDocument,
                            hostABI: UInt32, platform: OCIPlatform, installed: [String: Manifest],
                            locked: [String: SemanticVersion] = [:]) throws(ResolverFailure) -> InstallPlan {
        var outside: [String: ResolverCandidate] = [:]
        for (id, manifest) in installed where document.extensions[id] == nil {
            outside[id] = ResolverCandidate(version: manifest.version, dependencies: manifest.dependencies)
        }
        let universe = IndexUniverse(document: document, hostABI: hostABI, platform: platform, locked: locked, installedOutsideIndex: outside)
        var roots = requests
        for id in installed.keys where roots[id] == nil { roots[id] = try! VersionRange(parsing: "*") }
        var preferred = locked
        for (id, manifest) in installed { preferred[id] = manifest.version }
        for id in upgrade { preferred[id] = nil }
        for id in requests.keys where upgrade.contains(id) || installed[id] == nil { preferred[id] = locked[id] }
        let solution = try PubGrubSolver(universe: universe).solve(ResolverRequest(roots: roots, preferred: preferred))
        var items: [InstallPlan.Item] = []
        for id in solution.order {
            guard let version = solution.versions[id] else { continue }
            let current = installed[id]
            let action: InstallPlan.Action = current == nil ? .install : (current!.version.hasSamePrecedence(as: version) ? .keep : .change)
            guard let entry = document.extensions[id],
                  let indexed = entry.versions.first(where: { (try? SemanticVersion(parsing: $0.key))?.hasSamePrecedence(as: version) ?? false })?.value,
                  let digest = indexed.artifact(for: platform) else {
                // An installed extension outside the index: it stays as it is.
                continue
            }
            items.append(InstallPlan.Item(
                id: id, version: version.description, action: action, installedVersion: action == .change ? current?.version.description : nil,
                repository: entry.repository, digest: digest,
                platform: indexed.artifacts[platform.description] != nil ? platform.description : IndexedVersion.anyPlatform,
                capabilities: indexed.capabilities.sorted()))
        }
        return InstallPlan(index: "\(document.name)@\(document.version)", items: items)
    }
}
