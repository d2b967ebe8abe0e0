import HyperMeshErrors
import HyperMeshManifest

/// Why a request cannot be solved: no set of versions satisfies it, a package it needs is not in
/// the universe, or the versions chosen depend on each other in a cycle.
///
/// ``explanation`` is the whole story, one derivation per line, the way pub tells it:
///
/// ```
/// Because every version of c depends on b ^2.0.0 and a >=2.0.0 depends on b ^3.0.0, every version of c is incompatible with a >=2.0.0.
/// So, because the root depends on a ^2.0.0 and c ^1.0.0, version solving failed.
/// ```
///
/// A derivation used more than once gets a line number, `(1)`, and is referred to by it.
/// ``message`` is the explanation. Not guaranteed: that the explanation names the smallest set
/// of facts that rules every solution out (it names the ones the solver met).
public struct ResolverFailure: HyperMeshError, Equatable {
    /// The stable codes of ``ResolverFailure``, each with its category (declared below).
    public typealias Code = HyperMeshErrorCode<ResolverFailure>

    /// One fact about the packages that the explanation rests on.
    public enum Fact: Sendable, Hashable {
        /// `versions` of `dependent` (nil: the root, with no versions) depend on `range` of `target`.
        case dependency(dependent: String?, versions: [SemanticVersion], target: String, range: VersionRange)
        /// As ``dependency(dependent:versions:target:range:)``, but `target` is not in the universe.
        case unknownPackage(dependent: String?, versions: [SemanticVersion], target: String, range: VersionRange)
        /// As ``dependency(dependent:versions:target:range:)``, but `range` matches no version of `target`.
        case noMatchingVersion(dependent: String?, versions: [SemanticVersion], target: String, range: VersionRange)
        /// `version` of `id` cannot be chosen on this host, for `reason` (``ResolverCandidate/exclusion``).
        case excluded(id: String, version: SemanticVersion, reason: String)
    }

    public let code: Code
    /// The explanation, several lines for most failures.
    public let explanation: String
    /// Every package the explanation names, sorted (not the root).
    public let packages: [String]
    /// The facts the explanation rests on, in the order it states them. Empty for a cycle.
    public let facts: [Fact]
    /// For ``Code/dependencyCycle``: the ids of the cycle in dependency order, starting at the
    /// smallest, without repeating it (`[a, b]` means a → b → a; a self-dependency is `[a]`).
    public let cycle: [String]

    public init(code: Code, explanation: String, packages: [String], facts: [Fact] = [], cycle: [String] = []) {
        self.code = code
        self.explanation = explanation
        self.packages = packages
        self.facts = facts
        self.cycle = cycle
    }

    public var message: String { explanation }

    /// The first member of a cycle; nil otherwise (a conflict is about several packages).
    public var subject: String? { cycle.first }

    /// None: the explanation says everything.
    public var underlyingError: (any Error & Sendable)? { nil }
}

extension HyperMeshErrorCode where Domain == ResolverFailure {
    /// No set of versions satisfies the request (see the explanation).
    public static var noSolution: Self { Self("resolve.no_solution", .conflict) }
    /// The explanation rests on a package that is not in the universe (index or local set).
    public static var unknownPackage: Self { Self("resolve.unknown_package", .notFound) }
    /// The chosen versions depend on each other in a cycle (see ``ResolverFailure/cycle``).
    public static var dependencyCycle: Self { Self("resolve.dependency_cycle", .invalidInput) }
}

extension ResolverFailure {
    public static var knownCodes: [HyperMeshErrorCode<ResolverFailure>] { [.noSolution, .unknownPackage, .dependencyCycle] }
}
