/// The outcome of resolving: one version per needed extension, and the orders to start and stop them.
public struct Resolution: Sendable {
    /// The chosen version of every needed extension, sorted by id.
    public let selectedNodes: [DependencyNode]
    /// Dependency relations among the selected extensions.
    public let graph: DependencyGraph

    init(selectedNodes: [DependencyNode], graph: DependencyGraph) {
        self.selectedNodes = selectedNodes
        self.graph = graph
    }

    /// The chosen version of every needed extension, by id. Built on each access (O(n)): most
    /// callers need only the orders, and building it up front was a measurable part of resolving.
    public var selected: [String: DependencyNode] {
        Dictionary(uniqueKeysWithValues: selectedNodes.map { ($0.id, $0) })
    }

    /// Dependencies before dependents; ties broken by id (see ``DependencyGraph``).
    public var activationOrder: [String] { graph.activationOrder }

    /// Dependents before dependencies: the reverse of ``activationOrder``.
    public var deactivationOrder: [String] { graph.deactivationOrder }

    /// Selected extensions that depend on `id`, directly or transitively, in deactivation order.
    public func dependents(of id: String) -> [String] { graph.dependents(of: id) }

    /// Selected extensions that `id` depends on, directly or transitively, in activation order.
    public func dependencies(of id: String) -> [String] { graph.dependencies(of: id) }
}
