import HyperMeshNodeClient
import ArgumentParser

/// `hypermesh ext activate|deactivate|reload ID`: act on a running node (activation lasts only as
/// long as a host runs, so these need one).
package enum NodeLifecycleCommand {
    package static func run(_ host: HostOptions, id: String, action: String, json: Bool) async throws {
        do {
            guard let node = try await NodeConnection.client(for: host) else {
                throw NodeError(.unreachable, extensionID: id, "`ext \(action)` acts on a running node, and none answers",
                                cause: "start one with `hypermesh serve` (offline, every command loads and unloads its extensions itself)")
            }
            let operation = "POST /v1/extensions/\(id)/\(action)"
            let result: ExtensionDocuments.LifecycleResult = try await node.perform(operation) { client in
                let answer: Components.Schemas.LifecycleResult
                switch action {
                case "activate":
                    guard case .ok(let ok) = try await client.activateExtension(path: .init(id: id)) else { throw NodeConnection.unexpected(operation, action) }
                    answer = try ok.body.json
                case "deactivate":
                    guard case .ok(let ok) = try await client.deactivateExtension(path: .init(id: id)) else { throw NodeConnection.unexpected(operation, action) }
                    answer = try ok.body.json
                default:
                    guard case .ok(let ok) = try await client.reloadExtension(path: .init(id: id)) else { throw NodeConnection.unexpected(operation, action) }
                    answer = try ok.body.json
                }
                return try NodeDocument.convert(answer)
            }
            if json {
                Console.current.out(JSONOutput.string(result))
            } else {
                Console.current.out("\(result.id): \(result.action) (\(result.changed.isEmpty ? "nothing changed" : "changed: " + result.changed.joined(separator: ", "))); now \(result.state)")
            }
        } catch {
            throw CommandFailure.report(error, json: json)
        }
    }
}

public struct ActivateExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "activate", abstract: "Activate an extension and its dependencies on the running node.")
    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id.") public var id: String
    @OptionGroup public var format: OutputOptions
    public init() {}
    public func run() async throws { try await NodeLifecycleCommand.run(host, id: id, action: "activate", json: format.json) }
}

public struct DeactivateExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deactivate", abstract: "Deactivate an extension on the running node (refused while active extensions depend on it).")
    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id.") public var id: String
    @OptionGroup public var format: OutputOptions
    public init() {}
    public func run() async throws { try await NodeLifecycleCommand.run(host, id: id, action: "deactivate", json: format.json) }
}

public struct ReloadExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Verify the extension's package again and replace the running version with it, on the running node.",
        discussion: "The new version starts beside the running one (a shadow copy for a native library, a new instance for wasm), must pass a canary health check, then takes the calls; the old one drains and stops. No call fails. A package that fails verification, declares capabilities the policy has not decided, or fails its canary leaves the running version in place (lifecycle.reload_failed, with why).")
    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id.") public var id: String
    @OptionGroup public var format: OutputOptions
    public init() {}
    public func run() async throws { try await NodeLifecycleCommand.run(host, id: id, action: "reload", json: format.json) }
}
