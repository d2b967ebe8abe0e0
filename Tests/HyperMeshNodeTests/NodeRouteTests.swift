import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HyperMeshCLI
import HyperMeshNodeClient
import OpenAPIRuntime
import Testing
@testable import HyperMeshNode

/// Every route of the admin API in process (HummingbirdTesting, live on a loopback port), through
/// the client generated from docs/node-api.yaml where it can express the request, and raw where
/// the point is what the generated client would not send (no token, a wrong method, a body over
/// the limit, a query the document refuses).
@Suite(.serialized, .timeLimit(.minutes(10))) struct NodeRouteTests {
    static let id = "org.tests.node"

    @Test("ping, health, the list, metrics and audit verification answer their documents")
    func nodeRoutes() async throws {
        let app = NodeTestApp()
        try app.stageFixture(id: Self.id)
        try await app.run { client, _, _ in
            guard case .ok(let ping) = try await client.ping() else { Issue.record("ping"); return }
            #expect(try await String(collecting: try ping.body.plainText, upTo: 100) == "pong")
            guard case .ok(let health) = try await client.health() else { Issue.record("health"); return }
            let state = try health.body.json
            #expect(state.status == .ok)
            #expect(state.extensions == 1)
            #expect(state.stopping == false)
            guard case .ok(let list) = try await client.listExtensions() else { Issue.record("list"); return }
            let extensions = try list.body.json.extensions
            #expect(extensions.map(\.id) == [Self.id])
            #expect(extensions.first?.pendingCapabilities == ["events", "storage"])
            guard case .ok(let metrics) = try await client.metrics() else { Issue.record("metrics"); return }
            #expect(try await String(collecting: try metrics.body.textPlainVersion_0_0_4, upTo: 1 << 20).contains("hypermesh_extensions_registered"))
            guard case .ok(let verify) = try await client.verifyAudit() else { Issue.record("verify"); return }
            #expect(try verify.body.json.intact)
        }
    }

    @Test("grant, activate, call, inspect, deactivate, resume and the audit trail, through the generated client")
    func lifecycleAndCall() async throws {
        let app = NodeTestApp()
        try app.stageFixture(id: Self.id)
        try await app.run { client, _, _ in
            // Pending: activation is a conflict, not a server fault.
            guard case .conflict(let pending) = try await client.activateExtension(path: .init(id: Self.id)) else {
                Issue.record("activation of a pending extension is not 409"); return
            }
            #expect(try pending.body.json.error.code == "security.grant_pending")
            guard case .ok(let grant) = try await client.decideCapabilities(path: .init(id: Self.id), body: .json(.init(allow: [.storage, .events]))) else {
                Issue.record("grant"); return
            }
            #expect(try grant.body.json.allowed == ["events", "storage"])
            guard case .ok(let activated) = try await client.activateExtension(path: .init(id: Self.id)) else { Issue.record("activate"); return }
            #expect(try activated.body.json.state == .active)
            guard case .ok(let echoed) = try await client.callExtension(path: .init(id: Self.id, method: "echo"), body: .any(HTTPBody("hello"))) else {
                Issue.record("call"); return
            }
            #expect(try await String(collecting: try echoed.body.binary, upTo: 1 << 20) == "hello")
            guard case .ok(let inspected) = try await client.inspectExtension(path: .init(id: Self.id)) else { Issue.record("inspect"); return }
            #expect(try inspected.body.json.grantedCapabilities == ["events", "storage"])
            guard case .ok(let deactivated) = try await client.deactivateExtension(path: .init(id: Self.id)) else { Issue.record("deactivate"); return }
            #expect(try deactivated.body.json.state == .inactive)
            guard case .conflict(let notActive) = try await client.callExtension(path: .init(id: Self.id, method: "echo"), body: .any(HTTPBody("x"))) else {
                Issue.record("a call into an inactive extension is not 409"); return
            }
            #expect(try notActive.body.json.error.code == "call.not_active")
            guard case .ok(let records) = try await client.listAudit(query: .init(_extension: Self.id, kind: [.grant])) else { Issue.record("audit"); return }
            #expect(try records.body.json.count == 1)
        }
    }

    @Test("an unknown extension is 404 and a malformed id 400 on every extension route")
    func unknownAndMalformedIDs() async throws {
        try await NodeTestApp().run { client, _, _ in
            guard case .notFound(let inspect) = try await client.inspectExtension(path: .init(id: "org.tests.absent")) else { Issue.record("inspect"); return }
            #expect(try inspect.body.json.error.code == "registry.unknown_extension")
            guard case .notFound = try await client.activateExtension(path: .init(id: "org.tests.absent")) else { Issue.record("activate"); return }
            guard case .notFound = try await client.decideCapabilities(path: .init(id: "org.tests.absent"), body: .json(.init(allow: [.storage]))) else {
                Issue.record("grant"); return
            }
            guard case .notFound = try await client.callExtension(path: .init(id: "org.tests.absent", method: "echo")) else { Issue.record("call"); return }
            guard case .badRequest(let malformed) = try await client.activateExtension(path: .init(id: "Not An ID")) else { Issue.record("bad id"); return }
            #expect(try malformed.body.json.error.code == "node.bad_request")
        }
    }

    @Test("a grant with an empty list, both lists or neither is refused with 400")
    func grantValidation() async throws {
        let app = NodeTestApp()
        try app.stageFixture(id: Self.id)
        try await app.run { client, raw, _ in
            for decision in [HyperMeshNodeClient.Components.Schemas.Decision(deny: []), .init(allow: [.storage], deny: [.events]), .init()] {
                guard case .badRequest(let refused) = try await client.decideCapabilities(path: .init(id: Self.id), body: .json(decision)) else {
                    Issue.record("\(decision) was not refused"); continue
                }
                #expect(try refused.body.json.error.code == "node.bad_request")
            }
            // What the generated decoder alone would take: an unknown capability is refused by it; an
            // explicit null and a duplicate key by the strict reading before it.
            for body in [#"{"allow":["teleportation"]}"#, #"{"allow":["storage","events"],"deny":null}"#,
                         #"{"allow":["storage"],"allow":["events"]}"#, #"{"allow":["storage"],"note":"x"}"#, "not json"] {
                let refused = try await raw.execute(uri: "/v1/extensions/\(Self.id)/grant", method: .post, headers: app.headers(json: true),
                                                    body: ByteBuffer(string: body))
                #expect(refused.status == .badRequest, "\(body): \(refused.text)")
                #expect(refused.errorCode == "node.bad_request", "\(body): \(refused.text)")
            }
            // Nothing was written.
            guard case .ok(let list) = try await client.listExtensions() else { Issue.record("list"); return }
            #expect(try list.body.json.extensions.first?.pendingCapabilities == ["events", "storage"])
        }
    }

    @Test("an activation the policy refuses is answered by the error's category, never 500")
    func policyRefusal() async throws {
        let app = NodeTestApp()
        try app.stageFixture(id: Self.id, capabilities: ["storage", "networkAccess"], deny: true)
        try await app.run { client, _, _ in
            let answer = try await client.activateExtension(path: .init(id: Self.id))
            switch answer {
            case .internalServerError(let failure):
                let error = try failure.body.json.error
                Issue.record("500: \(error)")
            case .default(let status, let failure):
                let error = try failure.body.json.error
                #expect(status < 500, "\(error)")
            default: break
            }
        }
    }

    @Test("the audit query: a bad or empty since, an unknown kind and a bad limit are 400 node.bad_request")
    func auditQuery() async throws {
        let app = NodeTestApp()
        try await app.run { client, raw, _ in
            for query in ["since=", "since=yesterday", "since=nans", "kind=nonsense", "limit=0", "limit=abc", "limit=-3", "limit=1000001",
                          "limit=7442783440616163377152"] {
                let answer = try await raw.execute(uri: "/v1/audit?\(query)", method: .get, headers: app.headers(), body: nil)
                #expect(answer.status == .badRequest, "\(query): \(answer.text)")
                #expect(answer.errorCode == "node.bad_request", "\(query): \(answer.text)")
            }
            guard case .ok = try await client.listAudit(query: .init(since: "3600s", limit: 5)) else { Issue.record("a good query"); return }
            guard case .ok = try await client.listAudit(query: .init(since: "2026-01-01T00:00:00Z")) else { Issue.record("an ISO 8601 since"); return }
            // Further back than the log's milliseconds reach: every record, not a crash.
            guard case .ok = try await client.listAudit(query: .init(since: "99999999999999999999s")) else { Issue.record("a far since"); return }
        }
    }

    @Test("no token or a wrong one is 401 on every route, /v1/health and /metrics included")
    func authentication() async throws {
        let app = NodeTestApp()
        try await app.run { _, raw, _ in
            for path in ["/v1/ping", "/v1/health", "/v1/extensions", "/v1/audit", "/metrics"] {
                let missing = try await raw.execute(uri: path, method: .get, headers: [:], body: nil)
                #expect(missing.status == .unauthorized, "\(path)")
                #expect(missing.errorCode == "node.unauthorized")
                var wrong = HTTPFields()
                wrong[.authorization] = "Bearer " + String(repeating: "0", count: 64)
                let refused = try await raw.execute(uri: path, method: .get, headers: wrong, body: nil)
                #expect(refused.status == .unauthorized, "\(path)")
            }
            let right = try await raw.execute(uri: "/v1/ping", method: .get, headers: app.headers(), body: nil)
            #expect(right.status == .ok)
        }
    }

    @Test("a method a route does not have is 405 with Allow; an unknown path is 404")
    func methodNotAllowed() async throws {
        let app = NodeTestApp()
        try await app.run { _, raw, _ in
            let wrong = try await raw.execute(uri: "/v1/extensions/\(Self.id)/activate", method: .get, headers: app.headers(), body: nil)
            #expect(wrong.status == .methodNotAllowed, "\(wrong.text)")
            #expect(wrong.headers[.allow] == "POST")
            #expect(wrong.errorCode == "node.method_not_allowed")
            let delete = try await raw.execute(uri: "/v1/audit", method: .delete, headers: app.headers(), body: nil)
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET")
            let unknown = try await raw.execute(uri: "/v1/nothing-here", method: .get, headers: app.headers(), body: nil)
            #expect(unknown.status == .notFound)
            #expect(unknown.errorCode == "node.not_found")
        }
    }

    @Test("a call's body reaches the extension unchanged even when it says application/json and is not JSON, repeats a key or holds null")
    func aCallBodyIsPassedThroughWhateverItsContentType() async throws {
        let app = NodeTestApp()
        try app.stageFixture(id: Self.id)
        try await app.run { client, raw, _ in
            guard case .ok = try await client.decideCapabilities(path: .init(id: Self.id), body: .json(.init(allow: [.storage, .events]))) else {
                Issue.record("grant"); return
            }
            guard case .ok = try await client.activateExtension(path: .init(id: Self.id)) else { Issue.record("activate"); return }
            // Larger than the admin routes' body limit, which a JSON reading would have applied.
            let large = "[" + String(repeating: "1,", count: NodeAPI.maximumOtherBodyBytes / 2) + "1]"
            for body in ["not json", #"{"a":1,"a":2}"#, #"{"a":null}"#, large] {
                let answer = try await raw.execute(uri: "/v1/extensions/\(Self.id)/call/echo", method: .post, headers: app.headers(json: true),
                                                   body: ByteBuffer(string: body))
                #expect(answer.status == .ok, "\(body.prefix(40)): \(answer.text.prefix(300))")
                #expect(answer.text == body, "\(body.prefix(40)) came back as \(answer.text.prefix(80))")
            }
        }
    }

    @Test("a body over its route's limit is 413 node.too_large, before the token is checked")
    func bodyLimit() async throws {
        let app = NodeTestApp()
        try await app.run { _, raw, _ in
            let large = ByteBuffer(repeating: UInt8(ascii: "x"), count: NodeAPI.maximumOtherBodyBytes + 1)
            let grant = try await raw.execute(uri: "/v1/extensions/\(Self.id)/grant", method: .post, headers: [:], body: large)
            #expect(grant.status == .contentTooLarge)
            #expect(grant.errorCode == "node.too_large")
        }
    }
}

extension NodeTestApp {
    /// The token header, and a JSON content type when `json`.
    func headers(json: Bool = false) -> HTTPFields {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json { fields[.contentType] = "application/json" }
        return fields
    }
}
