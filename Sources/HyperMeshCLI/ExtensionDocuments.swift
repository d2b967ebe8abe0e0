import ArgumentParser
import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest

/// The JSON documents commands print with `--json`, built from a host session. The CLI builds them
/// offline (a session per command) and the node (`hypermesh serve`) builds the same ones from its
/// long-lived session and returns them over its admin API, so the CLI prints the same output either
/// way.
package enum ExtensionDocuments {
    package static func list(_ session: HostSession) async -> ListExtensions.Output {
        ListExtensions.Output(
            extensions: await session.registry.list().map { info in
                ListExtensions.Output.Entry(
                    id: info.id, name: info.manifest.name, version: info.manifest.version.description,
                    kind: info.manifest.kind.rawValue, category: info.manifest.category, state: info.state.name,
                    directory: info.directory, capabilities: info.manifest.capabilities.map(\.rawValue).sorted(),
                    dependencies: info.manifest.dependencies.mapValues(\.description),
                    verification: VerificationOutput(info.verification).outcome,
                    signer: info.verification.signer?.subject,
                    pendingCapabilities: info.grant.pending.map(\.rawValue).sorted(),
                    suspension: info.suspension)
            },
            problems: session.problems(now: await session.registry.registeredIDs).map { ListExtensions.Output.Problem(directory: $0.directory.path, error: ErrorRecord($0.error)) },
            searchPaths: session.host.searchedPaths.map(\.path))
    }

    package static func inspect(_ session: HostSession, id: String, activate: Bool, policyFile: URL) async throws -> InspectExtension.Output {
        try await session.requireUsable(id)
        if activate { try await session.registry.activate(id) }
        var output = InspectExtension.output(for: try await session.registry.info(id))
        output.grantSource = "declared in the manifest ∩ the operator's policy (\(policyFile.path))"
        return output
    }

    /// Writes the operator's decision to the policy file and the audit log; a node also applies it
    /// to its running registry.
    package static func decide(_ host: HostOptions, id: String, names: [String], granting: Bool, registry: ExtensionRegistry?) async throws -> PolicyEdit.Result {
        let result = try PolicyEdit.apply(host: host, id: id, names: names, granting: granting)
        if let registry { await registry.setPolicy(try host.loadPolicy()) }
        return result
    }

    package struct Resumed: Codable, Equatable {
        var id: String
        var state: String
    }

    package static func resume(_ session: HostSession, id: String) async throws -> Resumed {
        try await session.requireUsable(id)
        try await session.registry.resume(id)
        return Resumed(id: id, state: "resumed")
    }

    package struct AuditFilter: Sendable {
        package var extensionID: String?
        package var since: Date?
        package var kinds: Set<AuditKind>?
        package var limit: Int?

        package init(extensionID: String? = nil, since: Date? = nil, kinds: Set<AuditKind>? = nil, limit: Int? = nil) {
            self.extensionID = extensionID
            self.since = since
            self.kinds = kinds
            self.limit = limit
        }
    }

    package static func auditRecords(_ host: HostOptions, _ filter: AuditFilter) throws -> [AuditRecord] {
        let log = try host.openAudit()
        defer { log.close() }
        return try log.records(extensionID: filter.extensionID, since: filter.since, kinds: filter.kinds, limit: filter.limit)
    }

    package static func auditVerification(_ host: HostOptions) throws -> AuditVerify.Output {
        let log = try host.openAudit()
        defer { log.close() }
        let verification = try log.verify()
        return AuditVerify.Output(intact: verification.isIntact, records: verification.recordCount, headSequence: verification.headSequence,
                                  headHash: verification.headHash, problems: verification.problems.map(\.description))
    }

    /// What `activate`, `deactivate` and `reload` on a node answer.
    package struct LifecycleResult: Codable, Equatable {
        package var id: String
        /// activated, deactivated, reloaded
        package var action: String
        /// The ids that changed state, in order.
        package var changed: [String]
        package var state: String

        package init(id: String, action: String, changed: [String], state: String) {
            self.id = id
            self.action = action
            self.changed = changed
            self.state = state
        }
    }
}
