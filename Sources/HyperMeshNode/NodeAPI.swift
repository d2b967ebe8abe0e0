package import Foundation
import HyperMeshAudit
import HyperMeshCLI
import HyperMeshErrors
import HyperMeshExtensions
package import OpenAPIRuntime

/// The admin API (docs/node-api.yaml), implemented against the protocol the generator derives from
/// the document: each operation answers one of the document's typed responses. Every error is the
/// document's error envelope, with the status of the error's category
/// (``HyperMeshErrorCategory/httpStatus``, docs/errors.md); see ``NodeErrorAnswer``.
///
/// The documents are the ones the CLI prints with `--json` (``ExtensionDocuments``), turned into
/// the generated types (``NodeDocument``): an answer the document does not describe is a 500
/// `node.document_mismatch`, not a different shape on the wire.
struct NodeAPI: APIProtocol {
    /// Most bytes a call body may have: 16 MiB.
    static let maximumCallBodyBytes = 16 << 20
    /// Most bytes the body of any other request may have (a grant's decision): 1 MiB.
    static let maximumOtherBodyBytes = 1 << 20
    /// The largest `limit` of `GET /v1/audit` (the document's `maximum`): 1 000 000 records.
    static let maximumAuditLimit = 1_000_000

    let node: NodeRuntime
    let metrics: NodeMetrics

    func ping(_ input: Operations.Ping.Input) async throws -> Operations.Ping.Output {
        // A fixed answer that touches no extension: the floor the extension path is compared with.
        .ok(.init(body: .plainText(HTTPBody("pong"))))
    }

    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        let list = await node.registry.list()
        return .ok(.init(body: .json(.init(
            status: node.isStopping ? .stopping : .ok, extensions: list.count,
            active: list.filter { $0.state == .active }.count,
            uptimeSeconds: Int(Date().timeIntervalSince(node.startedAt)), stopping: node.isStopping))))
    }

    func listExtensions(_ input: Operations.ListExtensions.Input) async throws -> Operations.ListExtensions.Output {
        await answer { .ok(.init(body: .json(try NodeDocument.convert(await ExtensionDocuments.list(node.session))))) }
    }

    func inspectExtension(_ input: Operations.InspectExtension.Input) async throws -> Operations.InspectExtension.Output {
        await answer {
            let id = try NodeExtensionID.valid(input.path.id)
            let document = try await ExtensionDocuments.inspect(node.session, id: id, activate: false, policyFile: node.options.resolvedPolicyFile())
            return .ok(.init(body: .json(try NodeDocument.convert(document))))
        }
    }

    func activateExtension(_ input: Operations.ActivateExtension.Input) async throws -> Operations.ActivateExtension.Output {
        await answer { .ok(.init(body: .json(try NodeDocument.convert(try await lifecycle(input.path.id, activate: true))))) }
    }

    func deactivateExtension(_ input: Operations.DeactivateExtension.Input) async throws -> Operations.DeactivateExtension.Output {
        await answer { .ok(.init(body: .json(try NodeDocument.convert(try await lifecycle(input.path.id, activate: false))))) }
    }

    func reloadExtension(_ input: Operations.ReloadExtension.Input) async throws -> Operations.ReloadExtension.Output {
        await answer {
            let result = try await NodeReload.reload(node, id: try NodeExtensionID.valid(input.path.id))
            return .ok(.init(body: .json(try NodeDocument.convert(result))))
        }
    }

    func resumeExtension(_ input: Operations.ResumeExtension.Input) async throws -> Operations.ResumeExtension.Output {
        await answer {
            let result = try await ExtensionDocuments.resume(node.session, id: try NodeExtensionID.valid(input.path.id))
            return .ok(.init(body: .json(try NodeDocument.convert(result))))
        }
    }

    func decideCapabilities(_ input: Operations.DecideCapabilities.Input) async throws -> Operations.DecideCapabilities.Output {
        await answer {
            let id = try await NodeExtensionID.registered(input.path.id, node: node)
            guard case .json(let decision) = input.body else { throw NodeError(.badRequest, extensionID: id, "the body must be JSON") }
            let allow = decision.allow, deny = decision.deny
            // The document: exactly one of the two, each with at least one capability (minItems 1).
            guard (allow == nil) != (deny == nil), let names = allow ?? deny, !names.isEmpty else {
                throw NodeError(.badRequest, extensionID: id, #"give exactly one of "allow" and "deny", with at least one capability"#)
            }
            let result = try await ExtensionDocuments.decide(node.options, id: id, names: names.map(\.rawValue), granting: allow != nil,
                                                             registry: node.registry)
            return .ok(.init(body: .json(try NodeDocument.convert(result))))
        }
    }

    func callExtension(_ input: Operations.CallExtension.Input) async throws -> Operations.CallExtension.Output {
        await answer {
            guard !node.isStopping else {
                throw NodeError(.shuttingDown, "the node is shutting down and takes no new calls")
            }
            let id = try NodeExtensionID.valid(input.path.id)
            let bytes: [UInt8]
            switch input.body {
            case .none: bytes = []
            case .some(.any(let body)):
                // The body-limit middleware refuses a declared length over the limit before this
                // runs; a body without a length (chunked) is cut here.
                do {
                    bytes = try await [UInt8](collecting: body, upTo: Self.maximumCallBodyBytes)
                } catch {
                    throw NodeError(.tooLarge, extensionID: id, "the call's input could not be read whole within \(Self.maximumCallBodyBytes) bytes",
                                    cause: "\(error)")
                }
            }
            let output = try await NodeCall.call(node, id: id, method: input.path.method, input: bytes)
            return .ok(.init(body: .binary(HTTPBody(output))))
        }
    }

    func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        await answer {
            let filter = try Self.auditFilter(input.query)
            // The node's own records (lifecycle changes, host call counts) are queued and committed in
            // batches: commit them first, so that an answer includes what the node did before it.
            node.registry.audit.flush()
            return .ok(.init(body: .json(try NodeDocument.convert(try ExtensionDocuments.auditRecords(node.options, filter)))))
        }
    }

    func verifyAudit(_ input: Operations.VerifyAudit.Input) async throws -> Operations.VerifyAudit.Output {
        await answer {
            node.registry.audit.flush()
            return .ok(.init(body: .json(try NodeDocument.convert(try ExtensionDocuments.auditVerification(node.options)))))
        }
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        .ok(.init(body: .textPlainVersion_0_0_4(HTTPBody(await metrics.exposition(node)))))
    }

    // MARK: - Steps

    func lifecycle(_ id: String, activate: Bool) async throws -> ExtensionDocuments.LifecycleResult {
        let id = try NodeExtensionID.valid(id)
        try await node.session.requireUsable(id)
        let changed = activate ? try await node.registry.activate(id) : try await node.registry.deactivate(id)
        return .init(id: id, action: activate ? "activated" : "deactivated", changed: changed, state: try await node.registry.state(of: id).name)
    }

    /// The query of `GET /v1/audit` as a filter. The generated layer has already refused what does
    /// not fit the document (an unknown kind, a `limit` that is not an integer); the rest is
    /// `node.bad_request`.
    static func auditFilter(_ query: Operations.ListAudit.Input.Query) throws -> ExtensionDocuments.AuditFilter {
        var filter = ExtensionDocuments.AuditFilter()
        filter.extensionID = query._extension
        if let since = query.since {
            guard let date = AuditSince.parse(since) else {
                throw NodeError(.badRequest, "since must be ISO 8601 (2026-12-02T10:00:00Z) or seconds ago (3600s), not '\(since)'; leave it out for no lower bound")
            }
            filter.since = date
        }
        if let kinds = query.kind, !kinds.isEmpty {
            filter.kinds = Set(try kinds.map { kind in
                guard let value = AuditKind(rawValue: kind.rawValue) else { throw NodeError(.badRequest, "unknown audit kind '\(kind.rawValue)'") }
                return value
            })
        }
        if let limit = query.limit {
            guard (1...maximumAuditLimit).contains(limit) else {
                throw NodeError(.badRequest, "limit must be an integer from 1 to \(maximumAuditLimit), not \(limit)")
            }
            filter.limit = limit
        }
        return filter
    }

    /// Runs `body`; an error becomes the operation's typed error answer.
    func answer<Output: NodeErrorAnswer>(_ body: () async throws -> Output) async -> Output {
        do {
            return try await body()
        } catch {
            node.logger.debug("admin API error", metadata: ["error": "\(ErrorRecord(error).text)"])
            return Output(error: error)
        }
    }
}
