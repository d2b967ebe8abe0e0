/// The outcome of resolving: one version per needed extension, and the orders to start and stop them.
public struct Resolution: Sendable {
    /// The chosen version of every needed extension, by id.
    public let selected: [String: DependencyNode]
    /// Dependency relations among the selected extensions.
    public let graph: DependencyGraph

    init(selected: [String: DependencyNode], graph: DependencyGraph) {
        self.selected = selected
        self.graph = graph
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
