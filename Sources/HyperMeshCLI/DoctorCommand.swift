import ArgumentParser
import Foundation
import HyperMeshSandbox

/// `hypermesh doctor`: what isolation this machine gives an isolated extension, found by trying.
public struct DoctorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Probe what confines an isolated extension on this machine.",
        discussion: """
            Starts a probe worker exactly as an isolated extension's worker is started (new
            namespaces where the kernel allows them; resource limits, capabilities dropped,
            no_new_privs, Landlock and the seccomp filter) and has it try the routes out of a worker:
            reading and writing the host user's files, /proc of the host, signals and prlimit on the
            host, its memory, signal-driven I/O, TCP sockets, new namespaces. Prints each layer
            (engaged, or why not) and each route (refused, or open).

            Exit status: 0 when every route was refused, 1 when one is open or the probe could not
            run. A layer that this kernel lacks is reported, not hidden; the policy's
            isolatedWorkers.requiredLayers makes the host refuse to start extensions without it.

            The node runs the same probe once at start and logs its summary.
            """)

    @OptionGroup public var format: OutputOptions
    @Option(help: "The hypermesh-sandbox executable (default: $HYPERMESH_SANDBOX_EXECUTABLE, else the one next to hypermesh).")
    public var sandboxExecutable: String?

    public init() {}

    /// The JSON shape of the probe's report.
    package struct Output: Codable {
        struct Layer: Codable {
            var layer: String
            var engaged: Bool
            var detail: String
        }
        struct Route: Codable {
            var route: String
            var refused: Bool
            var detail: String
        }
        var layers: [Layer]
        var routes: [Route]
        var openRoutes: Int
        var steps: [String]
    }

    public func run() async throws {
        let result = await Self.probe(executablePath: sandboxExecutable)
        let report: SandboxProbe.Report
        switch result {
        case .success(let value): report = value
        case .failure(let failure):
            throw CommandFailure.report(NodeError(.probeFailed, "the isolation probe could not run", cause: failure.description), json: format.json)
        }
        let output = Self.output(report)
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else {
            Console.current.out(Self.text(output))
        }
        if output.openRoutes > 0 { throw ExitCode(1) }
    }

    /// Runs the probe on a dispatch queue: it blocks (spawn, wait), so not on a Swift concurrency thread.
    package static func probe(executablePath: String? = nil) async -> Result<SandboxProbe.Report, SandboxProbe.Failure> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(returning: Result { () throws(SandboxProbe.Failure) in try SandboxProbe.run(executablePath: executablePath) })
            }
        }
    }

    /// One line for the node's log: each layer engaged or not, and the routes left open.
    package static func summary(_ report: SandboxProbe.Report) -> String {
        let output = output(report)
        let layers = output.layers.map { "\($0.layer) \($0.engaged ? "engaged" : "not engaged")" }.joined(separator: ", ")
        let open = output.routes.filter { !$0.refused }.map(\.route)
        return "isolation probe: \(layers); \(open.isEmpty ? "every route refused" : "open: \(open.joined(separator: "; "))")"
    }

    package static func output(_ report: SandboxProbe.Report) -> Output {
        Output(layers: report.layers.map { Output.Layer(layer: $0.layer.rawValue, engaged: $0.engaged, detail: $0.detail) },
               routes: report.routes.map { Output.Route(route: $0.name, refused: $0.refused, detail: $0.detail) },
               openRoutes: report.routes.filter { !$0.refused }.count,
               steps: report.confinement.steps.map(\.description))
    }

    package static func text(_ output: Output) -> String {
        var lines = ["Layers of an isolated extension's confinement on this machine:"]
        for layer in output.layers {
            lines.append("  \(layer.layer.padding(toLength: 11, withPad: " ", startingAt: 0)) \(layer.engaged ? "engaged" : "NOT ENGAGED")  \(layer.detail)")
        }
        lines.append("Routes out of a worker, tried by a probe worker:")
        for route in output.routes {
            lines.append("  \(route.refused ? "refused" : "OPEN   ")  \(route.route) (\(route.detail))")
        }
        lines.append(output.openRoutes == 0 ? "Every route was refused." : "\(output.openRoutes) route(s) open: see docs/isolation.md for what each layer needs.")
        return lines.joined(separator: "\n")
    }
}
