import Foundation
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import HyperMeshTrust
import Testing

/// WebAssembly extensions through the CLI: the same extension as a native library and as wasm (in C
/// and in Embedded Swift) gives the same answers through `hypermesh ext call`, and `ext inspect`
/// shows the wasm limits and imports.
@Suite struct WasmCommandTests {
    /// Stages `payload` with the template of `Examples/<example>`, signed and granted its capabilities.
    @discardableResult
    static func stage(_ cli: CLIHarness, example: String, payload: URL) throws -> String {
        var manifest = try PackageStager.loadTemplate(ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/\(example)/extension.template.json"))
        manifest["files"] = nil
        let id = try #require(manifest["id"] as? String)
        let entry = try #require(manifest["entry"] as? String)
        let package = try PackageStager.stage(manifest: manifest, payload: payload, entryName: entry, into: cli.extensions.appendingPathComponent(id))
        let ca = try CLIHarness.developmentCA.get()
        try ca.sign(packageAt: package)
        try TrustStore.addRoot(ca.root, to: cli.trustStore)
        var policy = try PolicyFile.load(from: cli.policyFile)
        policy.allow(Set((manifest["capabilities"] as? [String] ?? []).compactMap(Capability.init(rawValue:))), for: id)
        try PolicyFile.save(policy, to: cli.policyFile)
        return id
    }

    @Test func nativeAndWasmGiveTheSameAnswersThroughExtCall() async throws {
        let cli = CLIHarness()
        let build = cli.root.appendingPathComponent("build")
        let native = try ExtensionBuilder.buildC(source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/hello-c/hello.c"),
                                                 output: build.appendingPathComponent("libhello.so"))
        let ids = [
            try Self.stage(cli, example: "hello-c", payload: native),
            try Self.stage(cli, example: "wasm-hello-c", payload: WasmGuestBuilder.buildExample(named: "wasm-hello-c", output: build.appendingPathComponent("hello.wasm"))),
            try Self.stage(cli, example: "wasm-hello-swift", payload: WasmGuestBuilder.buildExample(named: "wasm-hello-swift", output: build.appendingPathComponent("hello-swift.wasm"))),
        ]
        let calls: [(String, String)] = [
            ("greet", #"{"name":"Ada"}"#), ("greet", #"{"name":"tab\there \"quoted\""}"#), ("count", "{}"), ("count", "{}"),
        ]
        var answers: [String: [String]] = [:]
        for id in ids {
            for (method, input) in calls {
                let result = await cli.run(["ext", "call", id, method, input])
                #expect(result.exitCode == 0, "\(id) \(method): \(result.err)")
                answers[id, default: []].append(result.out)
            }
            let refused = await cli.run(["ext", "call", id, "greet", "not json"])
            #expect(refused.exitCode == 1)
            #expect(refused.err.contains("INVALID_ARGUMENT"), "\(id): \(refused.err)")
            answers[id, default: []].append("refused")
        }
        #expect(answers[ids[0]]?.count == calls.count + 1)
        #expect(answers[ids[0]]?[2].contains("\"count\" : 1") == true || answers[ids[0]]?[2].contains("\"count\": 1") == true, "\(answers[ids[0]] ?? [])")
        #expect(answers[ids[1]] == answers[ids[0]], "wasm (C) differs from native")
        #expect(answers[ids[2]] == answers[ids[0]], "wasm (Swift) differs from native")
    }

    @Test func inspectShowsTheWasmLimitsAndImports() async throws {
        let cli = CLIHarness()
        let module = try WasmGuestBuilder.buildExample(named: "wasm-hello-c", output: cli.root.appendingPathComponent("build/hello.wasm"))
        let id = try Self.stage(cli, example: "wasm-hello-c", payload: module)
        let text = await cli.run(["ext", "inspect", id])
        #expect(text.exitCode == 0, "\(text.err)")
        #expect(text.out.contains("wasm limits:"))
        #expect(text.out.contains("hypermesh.storage_get"))
        #expect(text.out.contains("memory-growth limiter"))

        let json = await cli.run(["ext", "inspect", id, "--activate", "--json"])
        #expect(json.exitCode == 0, "\(json.err)")
        let object = try json.out.jsonObject()
        let wasm = try #require(object["wasm"] as? [String: Any])
        #expect((wasm["fuelPerCall"] as? Int ?? 0) > 0)
        #expect(wasm["memoryLimitBytes"] as? Int == 64 << 20)
        #expect((wasm["imports"] as? [String])?.contains("hypermesh.output") == true)
    }

    @Test func aWasmExtensionThatLoopsForeverFailsTheCallWithItsCode() async throws {
        let cli = CLIHarness()
        let module = try WasmGuestBuilder.buildGuestFixture(output: cli.root.appendingPathComponent("build/guests.wasm"))
        let manifest: [String: Any] = [
            "id": "org.tests.wasm-cli", "name": "Guests", "version": "1.0.0", "kind": "wasm", "entry": "guests.wasm",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage"],
            "quotas": ["cpuMillisecondsPerCall": 10],
        ]
        let package = try PackageStager.stage(manifest: manifest, payload: module, entryName: "guests.wasm", into: cli.extensions.appendingPathComponent("guests"))
        let ca = try CLIHarness.developmentCA.get()
        try ca.sign(packageAt: package)
        try TrustStore.addRoot(ca.root, to: cli.trustStore)
        #expect(await cli.run(["ext", "grant", "org.tests.wasm-cli", "storage"]).exitCode == 0)
        let result = await cli.run(["ext", "call", "org.tests.wasm-cli", "spin", ""])
        #expect(result.exitCode == 1)
        #expect(result.err.contains("wasm.out_of_fuel"), "\(result.err)")
        let audit = await cli.run(["audit", "list", "--extension", "org.tests.wasm-cli", "--kind", "violation", "--json"])
        #expect(audit.out.contains("wasm.out_of_fuel"), "\(audit.out)")
    }
}
