import Foundation
import HyperMeshCLI
import HyperMeshNode
import Testing

@Suite struct ListCommandTests {
    @Test func listsExtensionsAndBrokenPackagesAsJSON() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.alpha")
        let broken = try cli.stageFixture(id: "org.tests.broken")
        try Data("{ not json".utf8).write(to: broken.appendingPathComponent("extension.json"))
        let result = await cli.run(["ext", "list", "--json"])
        #expect(result.exitCode == 0)
        let json = try result.out.jsonObject()
        let extensions = try #require(json["extensions"] as? [[String: Any]])
        #expect(extensions.map { $0["id"] as? String } == ["org.tests.alpha"])
        #expect(extensions.first?["state"] as? String == "verified")
        let problems = try #require(json["problems"] as? [[String: Any]])
        #expect(problems.count == 1)
        let error = try #require(problems.first?["error"] as? [String: Any])
        #expect(error["code"] as? String == "manifest.invalid")
    }

    @Test func plainListIsATable() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.alpha")
        let result = await cli.run(["ext", "list"])
        #expect(result.exitCode == 0)
        #expect(result.out.contains("ID"))
        #expect(result.out.contains("org.tests.alpha  1.0.0"))
    }

    @Test func emptySearchPathSaysWhereItLooked() async {
        let cli = CLIHarness()
        let result = await cli.run(["ext", "list"])
        #expect(result.exitCode == 0)
        #expect(result.out.contains("No extensions found"))
        #expect(result.out.contains(cli.extensions.path))
    }
}

@Suite struct CallCommandTests {
    @Test func callPrintsTheResponse() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.echo")
        let result = await cli.run(["ext", "call", "org.tests.echo", "echo", #"{"b":2,"a":1}"#])
        #expect(result.exitCode == 0, "\(result.err)")
        #expect(try result.out.jsonObject() as NSDictionary == ["a": 1, "b": 2] as NSDictionary)
    }

    @Test func stateSurvivesBetweenRuns() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.store")
        #expect(await cli.run(["ext", "call", "org.tests.store", "put", #"{"key":"k","value":"kept"}"#]).exitCode == 0)
        let result = await cli.run(["ext", "call", "org.tests.store", "get", #"{"key":"k"}"#])
        #expect(result.out.trimmingCharacters(in: .whitespacesAndNewlines) == "kept")
    }

    @Test func methodErrorIsTypedAndExitsNonZero() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.fail")
        let result = await cli.run(["ext", "call", "org.tests.fail", "fail"])
        #expect(result.exitCode == 1)
        #expect(result.err.contains("[call.method_failed] org.tests.fail"))
        #expect(result.err.contains("fixture failure"))
    }

    @Test func methodErrorAsJSON() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.fail")
        let result = await cli.run(["ext", "call", "org.tests.fail", "fail", "--json"])
        #expect(result.exitCode == 1)
        let error = try #require(try result.out.jsonObject()["error"] as? [String: Any])
        #expect(error["code"] as? String == "call.method_failed")
        #expect(error["extension"] as? String == "org.tests.fail")
        #expect(error["cause"] as? String == "fixture failure")
    }

    @Test func unknownExtension() async {
        let cli = CLIHarness()
        let result = await cli.run(["ext", "call", "org.tests.nobody", "echo"])
        #expect(result.exitCode == 1)
        #expect(result.err.contains("registry.unknown_extension"))
    }

    @Test func brokenPackageReportsItsOwnReason() async throws {
        let cli = CLIHarness()
        let directory = try cli.stageFixture(id: "org.tests.tampered")
        let library = directory.appendingPathComponent("libfixture.so")
        var bytes = try Data(contentsOf: library)
        bytes[100] ^= 0x01
        try bytes.write(to: library)
        let result = await cli.run(["ext", "call", "org.tests.tampered", "echo"])
        #expect(result.exitCode == 1)
        #expect(result.err.contains("package.invalid"))
        #expect(result.err.contains("SHA-256"))
    }

    @Test func inputFromAFile() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.echo")
        let input = cli.root.appendingPathComponent("input.json")
        try Data(#"{"from":"file"}"#.utf8).write(to: input)
        let result = await cli.run(["ext", "call", "org.tests.echo", "echo", "--input-file", input.path])
        #expect(try result.out.jsonObject()["from"] as? String == "file")
    }

    @Test func inputTwiceIsAUsageError() async throws {
        let cli = CLIHarness()
        let result = await cli.run(["ext", "call", "org.tests.echo", "echo", "{}", "--input-file", "x.json"])
        #expect(result.exitCode != 0)
        #expect(result.err.contains("either as an argument or with --input-file"))
    }
}

@Suite struct InspectAndGraphCommandTests {
    @Test func inspectShowsQuotaEnforcementHonestly() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.inspected", manifest: ["quotas": ["memoryBytes": 1_048_576, "concurrency": 2]])
        let result = await cli.run(["ext", "inspect", "org.tests.inspected", "--json"])
        #expect(result.exitCode == 0, "\(result.err)")
        let json = try result.out.jsonObject()
        let quotas = try #require(json["quotas"] as? [[String: Any]])
        let memory = try #require(quotas.first { $0["quota"] as? String == "memoryBytes" })
        #expect(memory["level"] as? String == "not enforced")
        #expect(memory["declared"] as? Int == 1_048_576)
        let concurrency = try #require(quotas.first { $0["quota"] as? String == "concurrency" })
        #expect(concurrency["level"] as? String == "enforced")
        #expect(json["state"] as? String == "verified")
    }

    @Test func inspectWithActivateShowsRuntimeInformation() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.live")
        let result = await cli.run(["ext", "inspect", "org.tests.live", "--activate"])
        #expect(result.exitCode == 0, "\(result.err)")
        #expect(result.out.contains("state:        active"))
        #expect(result.out.contains("health:"))
        #expect(result.out.contains("C image: unmapped on unload"))
        #expect(result.out.contains("not enforceable in-process"))
    }

    @Test func inspectShowsAnIsolatedExtensionsWorkerConfinementAndSupervision() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.isolated", manifest: ["isolation": "process"])
        let result = await cli.run(["ext", "inspect", "org.tests.isolated", "--activate"])
        #expect(result.exitCode == 0, "\(result.err)")
        #expect(result.out.contains("isolation:    process (a hypermesh-sandbox worker)"), "\(result.out)")
        #expect(result.out.contains("confinement:  namespaces"), "\(result.out)")
        #expect(result.out.contains("layers:       landlock: "), "\(result.out)")
        #expect(result.out.contains("seccomp: engaged"), "\(result.out)")
        #expect(result.out.contains("seccomp"))
        #expect(result.out.contains("supervision:  0 restart(s); 0 worker failure(s) in the crash-loop window"), "\(result.out)")
        let json = try await cli.run(["ext", "inspect", "org.tests.isolated", "--activate", "--json"]).out.jsonObject()
        #expect(json["workerRestarts"] as? Int == 0)
        #expect((json["confinement"] as? [String])?.contains { $0.hasPrefix("seccomp") } == true)
        #expect((json["confinementLayers"] as? [String])?.count == 5)
    }

    /// `hypermesh doctor` starts a probe worker that tries the routes out of a worker: on this
    /// machine (seccomp at least) each is refused; every layer is reported, engaged or with why not.
    @Test func doctorProbesEachLayerAndEachRouteInTextAndJSON() async throws {
        let cli = CLIHarness()
        let result = await cli.run(["doctor", "--json"], hostOptions: false)
        let json = try result.out.jsonObject()
        let layers = try #require(json["layers"] as? [[String: Any]], "\(result.out) \(result.err)")
        #expect(layers.map { $0["layer"] as? String } == ["landlock", "seccomp", "namespaces", "rlimits", "cgroup"])
        #expect(layers.first { $0["layer"] as? String == "seccomp" }?["engaged"] as? Bool == true)
        let routes = try #require(json["routes"] as? [[String: Any]])
        #expect(routes.count >= 12)
        let open = routes.filter { $0["refused"] as? Bool == false }.compactMap { $0["route"] as? String }
        let landlockEngaged = layers.first { $0["layer"] as? String == "landlock" }?["engaged"] as? Bool == true
        if landlockEngaged {
            #expect(open.isEmpty, "\(open)")
            #expect(result.exitCode == 0)
        } else {
            #expect(result.exitCode == (open.isEmpty ? 0 : 1))
        }
        #expect(!open.contains("kill the host (signal 0)"))
        #expect(!open.contains("open a TCP socket"))
        let text = await cli.run(["doctor"], hostOptions: false)
        #expect(text.out.contains("Layers of an isolated extension's confinement on this machine:"), "\(text.out)")
        #expect(text.out.contains("refused  prlimit of the host"), "\(text.out)")
    }

    @Test func graphPrintsDependencyOrder() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.app", manifest: ["dependencies": ["org.tests.lib": "^1.0.0"]])
        try cli.stageFixture(id: "org.tests.lib")
        let result = await cli.run(["ext", "graph", "--json"])
        #expect(result.exitCode == 0, "\(result.err)")
        let json = try result.out.jsonObject()
        #expect(json["order"] as? [String] == ["org.tests.lib", "org.tests.app"])
        let plain = await cli.run(["ext", "graph"])
        #expect(plain.out.contains("2. org.tests.app 1.0.0  <- needs org.tests.lib ^1.0.0"))
    }

    @Test func graphReportsACycle() async throws {
        let cli = CLIHarness()
        try cli.stageFixture(id: "org.tests.a", manifest: ["dependencies": ["org.tests.b": "*"]])
        try cli.stageFixture(id: "org.tests.b", manifest: ["dependencies": ["org.tests.a": "*"]])
        let result = await cli.run(["ext", "graph"])
        #expect(result.exitCode == 1)
        #expect(result.err.contains("org.tests.a 1.0.0 -> org.tests.b 1.0.0 -> org.tests.a 1.0.0"))
    }
}

@Suite struct StageCommandTests {
    @Test func stageMakesAPackageTheHostAccepts() async throws {
        let cli = CLIHarness()
        let library = cli.root.appendingPathComponent("libbuilt.so")
        try FileManager.default.createDirectory(at: cli.root, withIntermediateDirectories: true)
        try FixtureLibrary.build(id: "org.tests.staged", into: library)
        let template = cli.root.appendingPathComponent("template.json")
        try Data(#"""
            {"id":"org.tests.staged","name":"Staged","version":"1.0.0","kind":"native","entry":"lib/staged.so",
             "abi":{"min":1,"max":1},"category":"testing"}
            """#.utf8).write(to: template)
        let out = cli.extensions.appendingPathComponent("staged")
        let staged = await cli.run(["ext", "stage", "--manifest", template.path, "--payload", library.path, "--out", out.path], hostOptions: false)
        #expect(staged.exitCode == 0, "\(staged.err)")
        // Staged packages are unsigned: refused by default, loadable for development.
        let refused = await cli.run(["ext", "call", "org.tests.staged", "echo", "hi"])
        #expect(refused.exitCode == 1)
        #expect(refused.err.contains("trust.signature_missing"), "\(refused.err)")
        let call = await cli.run(["ext", "call", "org.tests.staged", "echo", "hi", "--allow-unsigned"])
        #expect(call.out.trimmingCharacters(in: .whitespacesAndNewlines) == "hi", "\(call.err)")
    }

    @Test func stageRefusesAnInvalidTemplate() async throws {
        let cli = CLIHarness()
        try FileManager.default.createDirectory(at: cli.root, withIntermediateDirectories: true)
        let template = cli.root.appendingPathComponent("template.json")
        try Data(#"{"id":"Not-An-Id"}"#.utf8).write(to: template)
        let result = await cli.run(["ext", "stage", "--manifest", template.path, "--payload", template.path, "--out", cli.root.appendingPathComponent("x").path], hostOptions: false)
        #expect(result.exitCode == 1)
        #expect(result.err.contains("manifest."))
    }
}

@Suite struct HelpTests {
    @Test func everyCommandExplainsItsOptions() {
        #expect(CallExtension.helpMessage().contains("--input-file"))
        #expect(CallExtension.helpMessage().contains("--state-dir"))
        #expect(ListExtensions.helpMessage().contains("--json"))
        #expect(InspectExtension.helpMessage().contains("--activate"))
        #expect(ExtensionGraph.helpMessage().contains("a -> b -> a"))
        #expect(StageExtension.helpMessage().contains("--payload"))
        #expect(HyperMeshCommand.helpMessage().contains("HYPERMESH_EXTENSION_PATH"))
    }
}
