import HyperMeshErrors
import HyperMeshManifest

/// Why a set of extensions cannot be resolved. For a conflict, ``message`` is the solver's
/// explanation (several lines, see `ResolverFailure`); ``code``, ``extensionID``,
/// ``requirements`` and ``available`` summarise it for programs.
public struct ResolutionError: HyperMeshError, Equatable {
    /// The stable codes of ``ResolutionError``, each with its category (declared below). Raw values never
    /// change once released; new codes may be added.
    public typealias Code = HyperMeshErrorCode<ResolutionError>

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
    /// The ranges pointing at ``extensionID`` that the explanation names, sorted by dependent.
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

    /// None: the message says everything.
    public var underlyingError: (any Error & Sendable)? { nil }
}

extension HyperMeshErrorCode where Domain == ResolutionError {
    /// A dependency names an extension of which no version is available.
    public static var missingDependency: Self { Self("resolution.missing_dependency", .notFound) }
    /// No combination of versions satisfies every range (the message explains why).
    public static var versionConflict: Self { Self("resolution.version_conflict", .conflict) }
    /// A range pointing at an extension matches none of its available versions.
    public static var noMatchingVersion: Self { Self("resolution.no_matching_version", .conflict) }
    /// The selected extensions depend on each other in a cycle (see ``ResolutionError/cycle``).
    public static var cycle: Self { Self("resolution.cycle", .invalidInput) }
    /// The explanation rests on versions that do not support the host's ABI version.
    public static var abiIncompatible: Self { Self("resolution.abi_incompatible", .conflict) }
    /// A root names an extension of which no version is available.
    public static var unknownExtension: Self { Self("resolution.unknown_extension", .notFound) }
}

extension ResolutionError {
    public static var knownCodes: [HyperMeshErrorCode<ResolutionError>] {
        [.missingDependency, .versionConflict, .noMatchingVersion, .cycle, .abiIncompatible, .unknownExtension]
    }
}
