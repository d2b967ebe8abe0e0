import Foundation
@testable import HyperMeshCLI
import HyperMeshNodeClient
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `hypermesh serve` as a child process, driven over its admin API. Serialized: each test runs a
/// node (and some put it under load) on a small machine.
@Suite(.serialized) struct NodeTests {}

extension NodeTests {
    static let asset = #"{"type":"document","name":"readme","version":"1.0.0","content":"hello node"}"#
    static let getAsset = #"{"type":"document","name":"readme"}"#

    @Test func theAdminAPIServesEveryEndpointOverTheSocket() async throws {
        let cli = CLIHarness()
        try cli.stageCatalog(grant: false)
        let node = try await NodeProcess.start(cli)
        let client = NodeHTTP(endpoint: node.endpoint, token: nil)
        let id = CLIHarness.catalogID
        let base = "/v1/extensions/\(id)"

        let ping = client.request("GET", "/v1/ping")
        #expect(ping.status == 200)
        #expect(ping.text == "pong")
        let health = client.request("GET", "/v1/health")
        #expect(health.status == 200)
        #expect(health.json()["status"] as? String == "ok", "\(health.text)")
        #expect(health.json()["extensions"] as? Int == 1)
        #expect(health.json()["stopping"] as? Bool == false)

        // Staged without a grant: registered, waiting for the operator.
        let list = client.request("GET", "/v1/extensions")
        #expect(list.status == 200)
        let entries = list.json()["extensions"] as? [[String: Any]] ?? []
        #expect(entries.map { $0["id"] as? String } == [id], "\(list.text)")
        #expect((entries.first?["pendingCapabilities"] as? [String])?.count == 5, "\(list.text)")
        let pending = client.request("POST", "\(base)/activate")
        #expect(pending.status == 409, "\(pending.text)")
        #expect(pending.errorCode == "security.grant_pending", "\(pending.text)")
        let refusedCall = client.request("POST", "\(base)/call/get", body: Self.getAsset)
        #expect(refusedCall.status == 409, "\(refusedCall.text)")

        // Grant, then call.
        let grant = client.request("POST", "\(base)/grant",
                                   body: #"{"allow":["assetManagement","consensusAccess","events","storage","vmExecution"]}"#)
        #expect(grant.status == 200, "\(grant.text)")
        #expect(grant.json()["allowed"] as? [String] == ["assetManagement", "consensusAccess", "events", "storage", "vmExecution"], "\(grant.text)")
        let activatedAfterGrant = client.request("POST", "\(base)/activate")
        #expect(activatedAfterGrant.status == 200, "\(activatedAfterGrant.text)")
        #expect(activatedAfterGrant.json()["state"] as? String == "active", "\(activatedAfterGrant.text)")
        let added = client.request("POST", "\(base)/call/add", body: Self.asset)
        #expect(added.status == 200, "\(added.text)")
        #expect(added.headers["content-type"] == "application/octet-stream")
        let got = client.request("POST", "\(base)/call/get", body: Self.getAsset)
        #expect(got.status == 200, "\(got.text)")
        #expect(got.json()["content"] as? String == "hello node", "\(got.text)")
        let inspect = client.request("GET", base)
        #expect(inspect.status == 200)
        #expect(inspect.json()["state"] as? String == "active", "\(inspect.text)")
        #expect((inspect.json()["grantedCapabilities"] as? [String])?.count == 5, "\(inspect.text)")

        // Deactivate, activate.
        let deactivated = client.request("POST", "\(base)/deactivate")
        #expect(deactivated.status == 200, "\(deactivated.text)")
        #expect(deactivated.json()["action"] as? String == "deactivated")
        #expect(deactivated.json()["state"] as? String == "inactive", "\(deactivated.text)")
        #expect(client.request("GET", base).json()["state"] as? String == "inactive")
        let activated = client.request("POST", "\(base)/activate")
        #expect(activated.status == 200, "\(activated.text)")
        #expect(activated.json()["action"] as? String == "activated")
        #expect(activated.json()["state"] as? String == "active", "\(activated.text)")

        // Reload: verified again and active again, with its data.
        let reloaded = client.request("POST", "\(base)/reload")
        #expect(reloaded.status == 200, "\(reloaded.text)")
        #expect(reloaded.json()["action"] as? String == "reloaded")
        #expect(reloaded.json()["state"] as? String == "active", "\(reloaded.text)")
        #expect(client.request("POST", "\(base)/call/get", body: Self.getAsset).json()["content"] as? String == "hello node")

        // Resume of an extension that is not suspended is refused (the suspended case is below).
        let resume = client.request("POST", "\(base)/resume")
        #expect(resume.status == 409, "\(resume.text)")
        #expect(resume.errorCode == "lifecycle.illegal_transition" || resume.errorCode?.hasSuffix("illegal_transition") == true, "\(resume.text)")

        // The audit log: list with filters, and verify.
        let grants = client.request("GET", "/v1/audit?extension=\(id)&kind=grant")
        #expect(grants.status == 200, "\(grants.text)")
        let grantRecords = (try? JSONSerialization.jsonObject(with: Data(grants.body))) as? [[String: Any]] ?? []
        #expect(grantRecords.count == 1, "\(grants.text)")
        #expect(grantRecords.first?["kind"] as? String == "grant")
        let lifecycle = client.request("GET", "/v1/audit?extension=\(id)&kind=lifecycle&limit=2")
        let lifecycleRecords = (try? JSONSerialization.jsonObject(with: Data(lifecycle.body))) as? [[String: Any]] ?? []
        #expect(lifecycleRecords.count == 2, "\(lifecycle.text)")
        #expect(lifecycleRecords.allSatisfy { $0["kind"] as? String == "lifecycle" && $0["extensionID"] as? String == id }, "\(lifecycle.text)")
        let since = client.request("GET", "/v1/audit?since=2999-01-01T00:00:00Z")
        #expect(since.status == 200, "\(since.text)")
        #expect(since.text.trimmingCharacters(in: .whitespaces) == "[]")
        let badKind = client.request("GET", "/v1/audit?kind=gossip")
        #expect(badKind.status == 400)
        #expect(badKind.errorCode == "node.bad_request")
        let verify = client.request("GET", "/v1/audit/verify")
        #expect(verify.status == 200, "\(verify.text)")
        #expect(verify.json()["intact"] as? Bool == true, "\(verify.text)")
        #expect((verify.json()["records"] as? Int ?? 0) > 0)

        // Metrics, after the calls above.
        let metrics = client.request("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        #expect(metrics.text.contains("hypermesh_extension_calls_total"), "\(metrics.text)")
        #expect(metrics.text.contains(id))
        #expect(metrics.text.contains("hypermesh_extensions_active 1"), "\(metrics.text)")
        #expect(metrics.text.contains("hypermesh_extensions_registered 1"))
        #expect(metrics.text.contains("# HELP hypermesh_extension_calls_total "), "\(metrics.text)")
        #expect(metrics.text.contains("# HELP hypermesh_audit_backlog_records "), "\(metrics.text)")


        // An unknown route is a JSON 404 too.
        let nowhere = client.request("GET", "/v1/nowhere")
        #expect(nowhere.status == 404)
        #expect(nowhere.errorCode == "node.not_found", "\(nowhere.text)")
        // A body over the route's limit (1 MiB for a grant) is a JSON 413.
        let oversized = client.request("POST", "\(base)/grant", body: String(repeating: " ", count: (1 << 20) + 1))
        #expect(oversized.status == 413, "\(oversized.text)")
        #expect(oversized.errorCode == "node.too_large", "\(oversized.text)")

        #expect(await node.stop() == 0, "\(node.output)")
    }

    @Test func overTCPEveryRequestNeedsTheTokenAndTheSocketIsPrivate() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.tcp")
        let port = try RawHTTP.freePort()
        let node = try await NodeProcess.start(cli, listen: "127.0.0.1:\(port)")
        // The start printed a line for the extension it activated (stderr), before the ready line.
        var started = node.output
        for _ in 0..<50 where !started.contains("hypermesh node on ") {
            try await Task.sleep(for: .milliseconds(100))
            started = node.output
        }
        let activationLine = try #require(started.range(of: "activated org.tests.tcp (1/1, "), "\(started)")
        let readyLine = try #require(started.range(of: "hypermesh node on "), "\(started)")
        #expect(activationLine.lowerBound < readyLine.lowerBound, "\(started)")
        let token = try #require(NodeToken.read(stateDirectory: cli.state))
        var info = stat()
        #expect(stat(NodeToken.file(stateDirectory: cli.state).path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)

        for path in ["/v1/ping", "/v1/health", "/v1/extensions", "/metrics"] {
            let anonymous = NodeHTTP(endpoint: node.endpoint, token: nil).request("GET", path)
            #expect(anonymous.status == 401, "\(path): \(anonymous.text)")
            #expect(anonymous.errorCode == "node.unauthorized", "\(path): \(anonymous.text)")
        }
        let wrong = NodeHTTP(endpoint: node.endpoint, token: String(repeating: "0", count: token.count)).request("GET", "/v1/extensions")
        #expect(wrong.status == 401)
        #expect(wrong.errorCode == "node.unauthorized")
        let short = NodeHTTP(endpoint: node.endpoint, token: "x").request("POST", "/v1/extensions/org.tests.tcp/call/echo", body: "hi")
        #expect(short.status == 401)
        let right = NodeHTTP(endpoint: node.endpoint, token: token)
        #expect(right.request("GET", "/v1/extensions").status == 200)
        let echo = right.request("POST", "/v1/extensions/org.tests.tcp/call/echo", body: "hi")
        #expect(echo.status == 200, "\(echo.text)")
        #expect(echo.text == "hi")
        // No socket file when the node listens on TCP.
        #expect(!FileManager.default.fileExists(atPath: cli.state.appendingPathComponent("node.sock").path))
        #expect(await node.stop() == 0, "\(node.output)")

        // On its Unix socket: no token, and the file is the owner's only.
        let local = try await NodeProcess.start(cli)
        let socket = cli.state.appendingPathComponent("node.sock").path
        #expect(stat(socket, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")
        #expect(NodeHTTP(endpoint: local.endpoint, token: nil).request("GET", "/v1/extensions").status == 200)
        #expect(await local.stop() == 0, "\(local.output)")
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket file outlives the node")
    }

    @Test func errorsAreJSONWithStableCodesAndStatuses() async throws {
        let cli = CLIHarness()
        try cli.stageHostile(id: "org.tests.flooder", capabilities: ["storage"], granted: [.storage],
                             policyRule: PolicyRule(quotas: Quotas(operationsPerSecond: 20)))
        let node = try await NodeProcess.start(cli)
        let client = NodeHTTP(endpoint: node.endpoint, token: nil)
        let base = "/v1/extensions/org.tests.flooder"

        for body in ["{oops", "", #"{"allow":"storage"}"#, #"{"allow":["storage"],"deny":["events"]}"#] {
            let malformed = client.request("POST", "\(base)/grant", body: body)
            #expect(malformed.status == 400, "\(body): \(malformed.text)")
            #expect(malformed.errorCode == "node.bad_request", "\(body): \(malformed.text)")
            #expect(malformed.headers["content-type"]?.hasPrefix("application/json") == true)
        }
        let unknownGrant = client.request("POST", "\(base)/grant", body: #"{"allow":["telepathy"]}"#)
        #expect(unknownGrant.status == 400, "\(unknownGrant.text)")

        for (method, path) in [("GET", "/v1/extensions/org.tests.nobody"), ("POST", "/v1/extensions/org.tests.nobody/call/echo"),
                               ("POST", "/v1/extensions/org.tests.nobody/activate"), ("POST", "/v1/extensions/org.tests.nobody/reload")] {
            let unknown = client.request(method, path)
            #expect(unknown.status == 404, "\(path): \(unknown.text)")
            #expect(unknown.errorCode == "registry.unknown_extension", "\(path): \(unknown.text)")
            let error = unknown.json()["error"] as? [String: Any] ?? [:]
            #expect(error["extension"] as? String == "org.tests.nobody")
            #expect((error["message"] as? String)?.isEmpty == false)
        }

        // Flooding past its rate suspends it (the security layer), and then calls are refused.
        let flood = client.request("POST", "\(base)/call/flood", body: "3000")
        #expect(flood.status == 200, "\(flood.text)")
        let refused = client.request("POST", "\(base)/call/echo", body: "x")
        #expect(refused.status == 403, "\(refused.text)")
        #expect(refused.errorCode == "security.suspended", "\(refused.text)")
        #expect(client.request("GET", base).json()["suspension"] as? String != nil)

        let resumed = client.request("POST", "\(base)/resume")
        #expect(resumed.status == 200, "\(resumed.text)")
        #expect(resumed.json()["state"] as? String == "resumed")
        let reactivated = client.request("POST", "\(base)/activate")
        #expect(reactivated.status == 200, "\(reactivated.text)")
        let echo = client.request("POST", "\(base)/call/echo", body: "x")
        #expect(echo.status == 200, "\(echo.text)")
        #expect(echo.text == "x")
        let trail = client.request("GET", "/v1/audit?extension=org.tests.flooder&kind=suspension&kind=resume")
        let kinds = ((try? JSONSerialization.jsonObject(with: Data(trail.body))) as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["suspension", "resume"], "\(trail.text)")
        #expect(await node.stop() == 0, "\(node.output)")
    }
}
