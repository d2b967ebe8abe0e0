/// Where the solver learns which versions of a package exist: a local set of packages, a signed
/// index, a test fixture.
///
/// The solver asks once per package it meets, from the thread that calls
/// ``PubGrubSolver/solve(_:)``; answers must not change during a solve. Versions of equal
/// precedence (differing only in build metadata) count once: the first one listed is kept.
public protocol ResolverUniverse: Sendable {
    /// Every known version of `id`, in any order, including excluded ones; empty means the
    /// package is unknown.
    func candidates(of id: String) -> [ResolverCandidate]
}

/// A universe held in a dictionary: id → versions. Useful for tests and small local sets.
public struct DictionaryUniverse: ResolverUniverse {
    public var packages: [String: [ResolverCandidate]]

    public init(_ packages: [String: [ResolverCandidate]]) {
        self.packages = packages
    }

    public func candidates(of id: String) -> [ResolverCandidate] { packages[id] ?? [] }
}
