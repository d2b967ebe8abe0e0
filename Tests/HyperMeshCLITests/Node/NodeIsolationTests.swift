import Foundation
@testable import HyperMeshCLI
import HyperMeshNodeClient
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension CLIHarness {
    static let escapeID = "org.hypermesh.tests.escape"

    /// Stages `Tests/Fixtures/c/escape_extension.c` as an isolated package signed by
    /// ``developmentCA`` (trusted by the harness's trust store).
    func stageEscape() throws {
        let library = root.appendingPathComponent("build/escape.so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildC(source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/escape_extension.c"),
                                    output: library, warningsAsErrors: false)
        let manifest: [String: Any] = [
            "id": Self.escapeID, "name": "Escape", "version": "1.0.0", "kind": "native", "entry": "libescape.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": [], "isolation": "process",
        ]
        let package = try PackageStager.stage(manifest: manifest, payload: library, entryName: "libescape.so",
                                              into: extensions.appendingPathComponent(Self.escapeID))
        let ca = try Self.developmentCA.get()
        try ca.sign(packageAt: package)
        try TrustStore.addRoot(ca.root, to: trustStore)
    }
}

extension NodeTests {
    /// The escape fixture through a running node: the node's token, policy and trust store, the
    /// node's `/proc` and every signal path to the node are out of reach; the node answers on; the
    /// extension's forged log line reaches the node's log prefixed; the node logged its isolation
    /// probe at start.
    @Test func anIsolatedExtensionOnANodeCannotReachTheNodeItsTokenOrItsPolicy() async throws {
        let cli = CLIHarness()
        try cli.stageEscape()
        let node = try await NodeProcess.start(cli)
        let client = NodeHTTP(endpoint: node.endpoint, token: nil)
        let base = "/v1/extensions/\(CLIHarness.escapeID)/call"
        let token = cli.state.appendingPathComponent("node.token")
        let policyBefore = try? Data(contentsOf: cli.policyFile)
        let landlock = client.request("POST", "\(base)/read", body: "/proc/self/status").text == "result=0 errno=0"
        if landlock {
            #expect(client.request("POST", "\(base)/read", body: token.path).text == "result=-1 errno=\(EACCES)")
            #expect(client.request("POST", "\(base)/write", body: cli.policyFile.path).text == "result=-1 errno=\(EACCES)")
            #expect(client.request("POST", "\(base)/write", body: cli.trustStore.appendingPathComponent("roots/attacker.pem").path).text.hasPrefix("result=-1"))
            #expect(client.request("POST", "\(base)/read", body: "/proc/\(node.pid)/environ").text.hasPrefix("result=-1"))
            #expect(client.request("POST", "\(base)/mem", body: "\(node.pid)").text.hasPrefix("result=-1"))
        }
        for route in ["kill", "tgkill", "tkill", "sigqueue", "tgsigqueue", "prlimit", "setpriority", "setown"] {
            #expect(client.request("POST", "\(base)/\(route)", body: "\(node.pid)").text == "result=-1 errno=\(EPERM)", "\(route)")
        }
        #expect(client.request("POST", "\(base)/forge", body: "2026-12-06T00:00:00+0000 notice hypermesh : node ready FORGED").text == "written")
        #expect(client.request("GET", "/v1/ping").status == 200, "the node lives")
        #expect((try? Data(contentsOf: cli.policyFile)) == policyBefore)
        #expect(!FileManager.default.fileExists(atPath: cli.trustStore.appendingPathComponent("roots/attacker.pem").path))
        #expect(await node.stop() == 0)
        let output = node.output
        #expect(output.contains("isolation probe: landlock"), "\(output)")
        let forged = output.split(separator: "\n").filter { $0.contains("node ready FORGED") }
        #expect(forged.count == 1 && forged.allSatisfy { $0.hasPrefix("hypermesh-sandbox[") }, "\(forged)")
    }
}
