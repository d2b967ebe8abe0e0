import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import Hummingbird

/// The admin API (docs/node-api.yaml): every route answers JSON, the same documents the CLI prints
/// with `--json`, and every error is `{"error": {"code", "extension", "message", "cause"}}`.
enum NodeRoutes {
    /// Most bytes a call body may have: 16 MiB.
    static let maximumBodyBytes = 16 << 20
    /// Most bytes the body of any other request may have (a grant's decision): 1 MiB.
    static let maximumOtherBodyBytes = 1 << 20

    static func register(on router: Router<BasicRequestContext>, node: NodeRuntime, metrics: NodeMetrics) {
        // A fixed answer that touches no extension: the floor the extension path is compared with.
        router.get("/v1/ping") { _, _ in
            NodeResponses.bytes(Array("pong".utf8), contentType: "text/plain")
        }
        router.get("/v1/health") { _, _ in
            await answer { try await health(node) }
        }
        router.get("/v1/extensions") { _, _ in
            await answer { await ExtensionDocuments.list(node.session) }
        }
        router.get("/v1/extensions/:id") { _, context in
            await answer { try await ExtensionDocuments.inspect(node.session, id: try NodeExtensionID.valid(context), activate: false,
                                                                policyFile: node.options.resolvedPolicyFile()) }
        }
        router.post("/v1/extensions/:id/activate") { _, context in
            await answer { try await lifecycle(node, try NodeExtensionID.valid(context), action: "activate") }
        }
        router.post("/v1/extensions/:id/deactivate") { _, context in
            await answer { try await lifecycle(node, try NodeExtensionID.valid(context), action: "deactivate") }
        }
        router.post("/v1/extensions/:id/reload") { _, context in
            await answer { try await NodeReload.reload(node, id: try NodeExtensionID.valid(context)) }
        }
        router.post("/v1/extensions/:id/resume") { _, context in
            await answer { try await ExtensionDocuments.resume(node.session, id: try NodeExtensionID.valid(context)) }
        }
        router.post("/v1/extensions/:id/grant") { request, context in
            await answer { try await decide(node, request, try await NodeExtensionID.registered(context, node: node)) }
        }
        router.post("/v1/extensions/:id/call/:method") { request, context in
            await call(node, request, context, metrics: metrics)
        }
        // The node's own records (lifecycle changes, host call counts) are queued and committed in
        // batches: commit them first, so that an answer includes what the node did before it.
        router.get("/v1/audit") { request, _ in
            await answer {
                node.registry.audit.flush()
                return try ExtensionDocuments.auditRecords(node.options, try auditFilter(request.uri.queryParameters))
            }
        }
        router.get("/v1/audit/verify") { _, _ in
            await answer {
                node.registry.audit.flush()
                return try ExtensionDocuments.auditVerification(node.options)
            }
        }
        router.get("/metrics") { _, _ in
            NodeResponses.bytes(Array(await metrics.exposition(node).utf8), contentType: "text/plain; version=0.0.4")
        }
    }

    /// Runs `body` and answers its document as JSON, or its error.
    static func answer(_ body: () async throws -> some Encodable) async -> Response {
        do {
            return NodeResponses.json(try await body())
        } catch {
            return NodeResponses.error(error)
        }
    }

    struct Health: Codable, Equatable {
        var status: String
        var extensions: Int
        var active: Int
        var uptimeSeconds: Int
        var stopping: Bool
    }

    static func health(_ node: NodeRuntime) async throws -> Health {
        let list = await node.registry.list()
        return Health(status: node.isStopping ? "stopping" : "ok", extensions: list.count,
                      active: list.filter { $0.state == .active }.count,
                      uptimeSeconds: Int(Date().timeIntervalSince(node.startedAt)), stopping: node.isStopping)
    }

    static func lifecycle(_ node: NodeRuntime, _ id: String, action: String) async throws -> ExtensionDocuments.LifecycleResult {
        try await node.session.requireUsable(id)
        let changed = action == "activate" ? try await node.registry.activate(id) : try await node.registry.deactivate(id)
        return .init(id: id, action: action + "d", changed: changed, state: try await node.registry.state(of: id).name)
    }

    struct Decision: Decodable {
        var allow: [String]?
        var deny: [String]?
    }

    static func decide(_ node: NodeRuntime, _ request: Request, _ id: String) async throws -> PolicyEdit.Result {
        let body = try await request.body.collect(upTo: maximumOtherBodyBytes)
        let decision: Decision
        do {
            decision = try JSONDecoder().decode(Decision.self, from: Data(buffer: body))
        } catch {
            throw NodeError(.badRequest, extensionID: id, #"the body must be JSON: {"allow": [capabilities]} or {"deny": [...]}"#, cause: "\(error)")
        }
        let allow = decision.allow ?? [], deny = decision.deny ?? []
        guard allow.isEmpty != deny.isEmpty else {
            throw NodeError(.badRequest, extensionID: id, #"give exactly one of "allow" and "deny", with at least one capability"#)
        }
        return try await ExtensionDocuments.decide(node.options, id: id, names: allow.isEmpty ? deny : allow, granting: !allow.isEmpty, registry: node.registry)
    }

    static func call(_ node: NodeRuntime, _ request: Request, _ context: BasicRequestContext, metrics: NodeMetrics) async -> Response {
        do {
            guard !node.isStopping else {
                throw NodeError(.shuttingDown, "the node is shutting down and takes no new calls")
            }
            let id = try NodeExtensionID.valid(context)
            let method = try context.parameters.require("method")
            let input = Array(buffer: try await request.body.collect(upTo: maximumBodyBytes))
            let output: [UInt8]
            do {
                output = try await node.registry.call(id, method: method, input: input)
            } catch {
                // A node does not activate on demand: an operator's `deactivate` stops the traffic.
                // Say why the extension does not serve: unknown, a broken package, suspended, or
                // not active.
                guard error.code == .notActive || error.code == .unknownExtension else { throw error }
                try await node.session.requireUsable(id)
                if case .suspended(let reason) = try await node.registry.state(of: id) {
                    throw ExtensionError(.suspended, extensionID: id, "the extension is suspended (\(reason)); an operator must resume it: hypermesh ext resume \(id)")
                }
                let pending = try await node.registry.info(id).grant.pending.map(\.rawValue).sorted()
                if !pending.isEmpty {
                    throw ExtensionError(.grantPending, extensionID: id,
                                         "the extension waits for the operator's decision on \(pending.joined(separator: ", ")): hypermesh ext grant \(id) \(pending.joined(separator: " ")), then hypermesh ext activate \(id)")
                }
                throw ExtensionError(.notActive, extensionID: id, "the extension is not active on this node (\(try await node.registry.state(of: id).name)); activate it with `hypermesh ext activate \(id)`")
            }
            return NodeResponses.bytes(output, contentType: "application/octet-stream")
        } catch {
            return NodeResponses.error(error)
        }
    }

    static func auditFilter(_ query: Parameters) throws -> ExtensionDocuments.AuditFilter {
        var filter = ExtensionDocuments.AuditFilter()
        filter.extensionID = query.get("extension")
        if let since = query.get("since") { filter.since = try AuditList.parseTime(since) }
        let kinds = try query.getAll("kind").map { name throws -> AuditKind in
            guard let kind = AuditKind(rawValue: name) else {
                throw NodeError(.badRequest, "unknown audit kind '\(name)'")
            }
            return kind
        }
        filter.kinds = kinds.isEmpty ? nil : Set(kinds)
        if let limit = query.get("limit") {
            guard let value = Int(limit), value > 0 else {
                throw NodeError(.badRequest, "limit must be a positive integer")
            }
            filter.limit = value
        }
        return filter
    }
}
