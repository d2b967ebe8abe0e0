import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HyperMeshCLI
import HyperMeshManifest
import HyperMeshNodeClient
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing
@testable import HyperMeshNode

/// A node in process: a temporary search path and state dir, a host session on them, and the admin
/// API's router (``NodeServer/router(runtime:metrics:token:)``: the generated operations behind the
/// node's middleware), run by HummingbirdTesting. Unsigned packages are allowed (`--allow-unsigned`):
/// signing is tested elsewhere.
struct NodeTestApp {
    let root = ExtensionBuilder.temporaryDirectory()
    var extensions: URL { root.appendingPathComponent("extensions") }
    var state: URL { root.appendingPathComponent("state") }
    var policyFile: URL { PolicyFile.defaultLocation(stateDirectory: state) }
    /// The token the node asks for (as over TCP); nil asks none (as over the Unix socket).
    var token: String? = String(repeating: "ab", count: 32)

    /// The options `hypermesh serve --path <extensions> --state-dir <state> --allow-unsigned` parses.
    var options: HostOptions {
        get throws { try HostOptions.parse(["--path", extensions.path, "--state-dir", state.path, "--allow-unsigned"]) }
    }

    /// Stages the C fixture extension `id` (unsigned) declaring `capabilities`; with `allow`, the
    /// policy allows them, with `deny` it denies them, otherwise they are left pending.
    func stageFixture(id: String, capabilities: [String] = ["storage", "events"], allow: Bool = false, deny: Bool = false) throws {
        try FileManager.default.createDirectory(at: extensions, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let library = root.appendingPathComponent("build/\(id).so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildFixture(defines: ["FIXTURE_ID": ExtensionBuilder.cString(id)], output: library)
        let manifest: [String: Any] = [
            "id": id, "name": "Fixture", "version": "1.0.0", "kind": "native", "entry": "libfixture.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": capabilities,
        ]
        try PackageStager.stage(manifest: manifest, payload: library, entryName: "libfixture.so", into: extensions.appendingPathComponent(id))
        var policy = try PolicyFile.load(from: policyFile)
        let declared = Set(capabilities.compactMap(Capability.init(rawValue:)))
        if allow { policy.allow(declared, for: id) }
        if deny { policy.deny(declared, for: id) }
        try PolicyFile.save(policy, to: policyFile)
    }

    /// Opens the node's session, runs `body` against the live app (a free loopback port) with a
    /// generated client that sends the right token, then stops the node (deactivates, flushes the audit log).
    func run(_ body: @Sendable (_ client: HyperMeshNodeClient.Client, _ raw: any TestClientProtocol, _ runtime: NodeRuntime) async throws -> Void) async throws {
        try FileManager.default.createDirectory(at: extensions, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let metrics = NodeMetrics()
        let options = try self.options
        let session = try await HostSession.open(options, metricsFactory: metrics.factory)
        let runtime = NodeRuntime(session: session, options: options)
        let router = try NodeServer.router(runtime: runtime, metrics: metrics, token: token)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        do {
            try await app.test(.live) { raw in
                let port = try #require(raw.port)
                let client = try NodeAPIClient.make(endpoint: .tcp(host: "127.0.0.1", port: port), token: token, timeout: .seconds(60))
                try await body(client, raw, runtime)
            }
        } catch {
            await runtime.stop()
            throw error
        }
        await runtime.stop()
    }
}

extension TestResponse {
    /// The `error.code` of an error answer.
    var errorCode: String? {
        let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return (object?["error"] as? [String: Any])?["code"] as? String
    }

    var text: String { String(buffer: body) }
}
