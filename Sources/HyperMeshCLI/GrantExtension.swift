import ArgumentParser
import Foundation
import HyperMeshNodeClient
import HyperMeshAudit
import HyperMeshManifest
import HyperMeshSecurity

/// `hypermesh ext grant ID CAP…` and `hypermesh ext deny ID CAP…`: the operator's decision on an
/// extension's capabilities, written to the policy file and the audit log.
public struct GrantExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Grant capabilities to an extension (written to the policy file and the audit log).",
        discussion: """
            Nothing is granted by default: an extension gets the capabilities it declares in its
            manifest AND the policy allows. An extension that declares a capability the policy
            neither grants nor refuses is not activated until the operator decides; an update that
            declares a new capability waits here too, while the version already running keeps its
            grant. Capabilities: \(Capability.allCases.map(\.rawValue).joined(separator: ", ")).

            Example: hypermesh ext grant org.hypermesh.catalog storage events assetManagement
            """)

    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id (it need not be installed yet).") public var id: String
    @Argument(help: "The capabilities to grant.") public var capabilities: [String]
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        do {
            let result = try await PolicyEdit.decide(host: host, id: id, names: capabilities, granting: true)
            PolicyEdit.print(result, json: format.json)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
    }
}

/// `hypermesh ext deny ID CAP…`
public struct DenyExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "deny",
        abstract: "Refuse capabilities to an extension (written to the policy file and the audit log).",
        discussion: "A refused capability no longer blocks activation; every use of it is denied and counted as a violation.")

    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id.") public var id: String
    @Argument(help: "The capabilities to refuse.") public var capabilities: [String]
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        do {
            let result = try await PolicyEdit.decide(host: host, id: id, names: capabilities, granting: false)
            PolicyEdit.print(result, json: format.json)
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
    }
}

/// The shared step of `grant` and `deny`.
package enum PolicyEdit {
    /// Through the running node when there is one (it applies the decision to its extensions at
    /// once), else on the policy file directly.
    package static func decide(host: HostOptions, id: String, names: [String], granting: Bool) async throws -> Result {
        guard let node = try await NodeConnection.client(for: host) else {
            return try apply(host: host, id: id, names: names, granting: granting)
        }
        let capabilities = try names.map { name in
            guard let capability = Components.Schemas.Capability(rawValue: name) else {
                throw NodeError(.invalidArgument, extensionID: id,
                                "unknown capability '\(name)'; known: \(Components.Schemas.Capability.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return capability
        }
        let decision = Components.Schemas.Decision(allow: granting ? capabilities : nil, deny: granting ? nil : capabilities)
        return try await node.perform("POST /v1/extensions/\(id)/grant") { client in
            switch try await client.decideCapabilities(path: .init(id: id), body: .json(decision)) {
            case .ok(let answer): return try NodeDocument.convert(try answer.body.json)
            case let other: throw NodeConnection.unexpected("POST /v1/extensions/\(id)/grant", other)
            }
        }
    }

    package struct Result: Codable {
        var id: String
        var allowed: [String]
        var denied: [String]
        var policyFile: String
    }

    package static func apply(host: HostOptions, id: String, names: [String], granting: Bool) throws -> Result {
        guard !names.isEmpty else { throw ValidationError("name at least one capability") }
        var capabilities: Set<Capability> = []
        for name in names {
            guard let capability = Capability(rawValue: name) else {
                throw ValidationError("unknown capability '\(name)'; known: \(Capability.validNamesDescription)")
            }
            capabilities.insert(capability)
        }
        let file = host.resolvedPolicyFile()
        var policy = try host.loadPolicy()
        if granting { policy.allow(capabilities, for: id) } else { policy.deny(capabilities, for: id) }
        try PolicyFile.save(policy, to: file)
        let audit = try host.openAudit()
        defer { audit.close() }
        let list = capabilities.map(\.rawValue).sorted().joined(separator: ", ")
        try audit.append(AuditEntry(kind: .grant, extensionID: id, message: "\(granting ? "granted" : "refused") \(list)",
                                    details: ["capabilities": list, "decision": granting ? "allow" : "deny", "policy": file.path]))
        let rule = policy.extensions[id] ?? PolicyRule()
        return Result(id: id, allowed: rule.allow.map(\.rawValue).sorted(), denied: rule.deny.map(\.rawValue).sorted(), policyFile: file.path)
    }

    package static func print(_ result: Result, json: Bool) {
        if json {
            Console.current.out(JSONOutput.string(result))
        } else {
            Console.current.out("""
                \(result.id): allowed \(result.allowed.isEmpty ? "nothing" : result.allowed.joined(separator: ", ")); \
                denied \(result.denied.isEmpty ? "nothing" : result.denied.joined(separator: ", ")) (\(result.policyFile))
                """)
        }
    }
}
