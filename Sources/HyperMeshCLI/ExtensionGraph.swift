import ArgumentParser
import HyperMeshExtensions

/// `hypermesh ext graph`: the order extensions would be activated in, with their dependencies.
public struct ExtensionGraph: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Show the dependency order: what is activated first, and what depends on what.",
        discussion: "Fails with the root cause (a cycle printed as a -> b -> a, a missing dependency, a version conflict) if the set cannot be resolved.")

    @OptionGroup public var host: HostOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    struct Output: Codable {
        struct Edge: Codable {
            var from, to, range: String
        }
        var order: [String]
        var versions: [String: String]
        var edges: [Edge]
    }

    public func run() async throws {
        let output: Output
        do {
            let session = try await HostSession.open(host)
            let resolution = try await session.registry.resolutionOfAll()
            let infos = await session.registry.list()
            output = Output(
                order: resolution.activationOrder,
                versions: Dictionary(uniqueKeysWithValues: infos.map { ($0.id, $0.manifest.version.description) }),
                edges: infos.flatMap { info in
                    info.manifest.dependencies.sorted { $0.key < $1.key }.map { Output.Edge(from: info.id, to: $0.key, range: $0.value.description) }
                })
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        let console = Console.current
        if format.json {
            console.out(JSONOutput.string(output))
            return
        }
        if output.order.isEmpty { console.out("No extensions found.") }
        for (index, id) in output.order.enumerated() {
            let dependencies = output.edges.filter { $0.from == id }.map { "\($0.to) \($0.range)" }
            let suffix = dependencies.isEmpty ? "" : "  <- needs \(dependencies.joined(separator: ", "))"
            console.out("\(index + 1). \(id) \(output.versions[id] ?? "")\(suffix)")
        }
    }
}
