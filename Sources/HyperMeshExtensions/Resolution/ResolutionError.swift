import HyperMeshManifest

/// Why a set of extensions cannot be resolved, with one root-cause message.
public struct ResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// A dependency names an extension of which no version is available.
        case missingDependency = "resolution.missing_dependency"
        /// Every range pointing at an extension is satisfiable alone, but no version satisfies all.
        case versionConflict = "resolution.version_conflict"
        /// A range pointing at an extension matches none of its available versions.
        case noMatchingVersion = "resolution.no_matching_version"
        /// The selected extensions depend on each other in a cycle (see ``ResolutionError/cycle``).
        case cycle = "resolution.cycle"
        /// The versions that would do do not support the host's ABI version.
        case abiIncompatible = "resolution.abi_incompatible"
        /// A root names an extension of which no version is available.
        case unknownExtension = "resolution.unknown_extension"
    }

    /// One dependent's demand on the extension the error is about.
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        public let dependent: String
        public let range: VersionRange

        public init(dependent: String, range: VersionRange) {
            self.dependent = dependent
            self.range = range
        }

        public var description: String { "\(dependent) requires \(range)" }
    }

    public let code: Code
    /// The extension that could not be resolved; for a cycle, its first member.
    public let extensionID: String
    public let message: String
    /// The cycle's members in dependency order, without repeating the first at the end
    /// (`[a, b, c]` means a → b → c → a; a self-dependency is `[a]`). Empty for other codes.
    public let cycle: [String]
    /// The ranges that pointed at ``extensionID`` from the selected dependents, sorted by dependent.
    public let requirements: [Requirement]
    /// Every available version of ``extensionID``, ascending, including ABI-incompatible ones.
    public let available: [SemanticVersion]

    public init(
        code: Code, extensionID: String, message: String, cycle: [String] = [],
        requirements: [Requirement] = [], available: [SemanticVersion] = []
    ) {
        self.code = code
        self.extensionID = extensionID
        self.message = message
        self.cycle = cycle
        self.requirements = requirements
        self.available = available
    }

    public var description: String { "[\(code.rawValue)] \(message)" }
}
