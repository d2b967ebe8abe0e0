import ArgumentParser
import Foundation
import HyperMeshFleet
import HyperMeshRollout

/// `hypermesh fleet status [ID]`
public struct FleetStatus: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the fleet's rollouts: phase, waves, and each live node's wave, progress and health.",
        discussion: """
            With an extension id, only its rollout. With --json, stdout holds {"rollouts":[…]}: per
            rollout id, extensionID, version, previousVersion, reference, digest, phase, paused,
            reason, waves, labels, createdAt, phaseSince, history, and nodes (id, wave (1-based),
            stage, healthy, calls, errors, violations, detail).
            """)
    @Argument(help: "Only the rollout of this extension.") public var id: String?
    @OptionGroup public var fleet: FleetOptions
    @OptionGroup public var format: OutputOptions
    public init() {}

    struct Output: Codable {
        var rollouts: [FleetRolloutSummary]
    }

    public func run() async throws {
        do {
            let output = try await fleet.withFleet { state in try await Self.summaries(state, extensionID: id) }
            if format.json {
                Console.current.out(JSONOutput.string(output))
            } else if output.rollouts.isEmpty {
                Console.current.out(id.map { "no rollout of \($0)" } ?? "no rollout recorded")
            } else {
                output.rollouts.forEach { $0.printText() }
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
    }

    static func summaries(_ state: FleetState, extensionID: String?) async throws -> Output {
        var stored = try await state.rollouts()
        if let extensionID {
            stored = stored.filter { $0.record.extensionID == extensionID }
            guard !stored.isEmpty else { throw FleetError(.rolloutUnknown, subject: extensionID, "no rollout of \(extensionID) is recorded in the fleet") }
        }
        let nodes = try await state.nodes()
        var rollouts: [FleetRolloutSummary] = []
        for item in stored.sorted(by: { $0.record.extensionID < $1.record.extensionID }) {
            rollouts.append(FleetRolloutSummary(item.record, observations: try await state.observations(rolloutID: item.record.id, nodes: nodes)))
        }
        return Output(rollouts: rollouts)
    }
}

/// `hypermesh fleet nodes`
public struct FleetNodes: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "nodes",
        abstract: "List the fleet's live nodes: id, labels, peer endpoint, and what runs on each.",
        discussion: "A node is live while its lease is (it renews it every third of its TTL). With --json, stdout holds {\"nodes\":[FleetNodeRecord…]}.")
    @OptionGroup public var fleet: FleetOptions
    @OptionGroup public var format: OutputOptions
    public init() {}

    struct Output: Codable {
        var nodes: [FleetNodeRecord]
    }

    public func run() async throws {
        do {
            let nodes = try await fleet.withFleet { state in try await state.nodes() }.sorted { $0.id < $1.id }
            if format.json {
                Console.current.out(JSONOutput.string(Output(nodes: nodes)))
                return
            }
            if nodes.isEmpty { Console.current.out("no live node") }
            for node in nodes {
                let labels = node.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                let running = node.extensions.map { "\($0.id) \($0.version) (\($0.state), \($0.health))" }.joined(separator: "; ")
                Console.current.out("\(node.id)  \(labels.isEmpty ? "-" : labels)  \(node.endpoint ?? "no peer endpoint")  \(running.isEmpty ? "nothing running" : running)")
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
    }
}
