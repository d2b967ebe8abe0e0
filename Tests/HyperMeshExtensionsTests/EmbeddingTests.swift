import Foundation
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSandbox
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// Embedding as docs/embedding.md and the README show it: three lines over a fresh state
/// directory, and `Examples/embedding-host` built with the package and run against the hello
/// extensions in their three modes.
@Suite("Embedding the host")
struct EmbeddingTests {
    static let helloID = "org.hypermesh.examples.hello"
    static let isolatedID = "org.hypermesh.examples.hello.isolated"
    static let wasmID = "org.hypermesh.examples.hello.wasm"

    /// Stages the hello extensions under `root/extensions`: native C, the same as an isolated copy,
    /// and the WebAssembly one.
    static func stageHellos(in root: URL) throws -> URL {
        let extensions = root.appendingPathComponent("extensions")
        let build = root.appendingPathComponent("build")
        try FileManager.default.createDirectory(at: build, withIntermediateDirectories: true)
        let template = try JSONSerialization.jsonObject(with: Data(contentsOf: ExtensionBuilder.repositoryRoot
            .appendingPathComponent("Examples/hello-c/extension.template.json"))) as! [String: Any]
        let source = ExtensionBuilder.repositoryRoot.appendingPathComponent("Examples/hello-c/hello.c")
        for id in [helloID, isolatedID] {
            let library = try ExtensionBuilder.buildC(source: source, defines: ["HELLO_ID": "\"\(id)\""],
                                                      output: build.appendingPathComponent("lib\(id).so"), warningsAsErrors: false)
            var manifest = template
            manifest["id"] = id
            manifest["capabilities"] = ["storage", "app:notify"]
            try PackageStager.stage(manifest: manifest, payload: library, entryName: "libhello.so", into: extensions.appendingPathComponent(id))
        }
        let wasmTemplate = try JSONSerialization.jsonObject(with: Data(contentsOf: WasmGuestBuilder.exampleDirectory(named: "wasm-hello-c")
            .appendingPathComponent("extension.template.json"))) as! [String: Any]
        let module = try WasmGuestBuilder.buildExample(named: "wasm-hello-c", output: build.appendingPathComponent("hello.wasm"))
        try PackageStager.stage(manifest: wasmTemplate, payload: module, entryName: "hello.wasm", into: extensions.appendingPathComponent(wasmID))
        return extensions
    }

    @Test("three lines embed the host over a fresh state directory")
    func threeLines() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        let extensions = try Self.stageHellos(in: root)
        let stateFolder = root.appendingPathComponent("fresh/state")
        let policy = SecurityPolicy(defaults: PolicyRule(allow: [.storage, Capability.app("notify")!]))

        let host = try await HyperMeshHost(configuration: .init(stateDirectory: stateFolder, searchPaths: [extensions], trust: .allowUnsigned(), policy: .value(policy)))
        try await host.activate("org.hypermesh.examples.hello")
        let reply = try await host.call("org.hypermesh.examples.hello", method: "greet", input: Array(#"{"name":"Ada"}"#.utf8))

        #expect(String(decoding: reply, as: UTF8.self).contains("Ada"))
        #expect(host.problems.isEmpty, "\(host.problems)")
        #expect(FileManager.default.fileExists(atPath: stateFolder.appendingPathComponent(HyperMeshHost.Configuration.auditFileName).path))
        #expect(try await host.inspect(Self.helloID).state == .active)
        await host.shutdown()
    }

    @Test("without a grant the host refuses activation, naming the extension and the capability")
    func defaultDeny() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        let extensions = try Self.stageHellos(in: root)
        let host = try await HyperMeshHost(configuration: .init(stateDirectory: root.appendingPathComponent("state"), searchPaths: [extensions], trust: .allowUnsigned()))
        let error = try #require(await #expect(throws: ExtensionError.self) { try await host.activate(Self.helloID) })
        #expect(error.extensionID == Self.helloID && error.message.contains("storage"))
        await host.shutdown()
    }

    @Test("unsigned packages are refused unless the configuration allows them")
    func unsignedRefused() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        let extensions = try Self.stageHellos(in: root)
        let host = try await HyperMeshHost(configuration: .init(stateDirectory: root.appendingPathComponent("state"), searchPaths: [extensions]))
        #expect(await host.list().isEmpty)
        #expect(host.problems.count == 3)
        #expect(host.problems.allSatisfy { $0.error.code == .untrustedPackage })
        await host.shutdown()
    }

    @Test("a damaged policy file stops the host from opening, with the policy's own error")
    func damagedPolicyRefused() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        let extensions = try Self.stageHellos(in: root)
        let policyFile = root.appendingPathComponent("policy.json")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(#"{"defaults": {"allow": ["storage"]}, "defaults": {"allow": []}}"#.utf8).write(to: policyFile)
        let error = try #require(await #expect(throws: PolicyError.self) {
            _ = try await HyperMeshHost(configuration: .init(stateDirectory: root.appendingPathComponent("state"), searchPaths: [extensions],
                                                              trust: .allowUnsigned(), policy: .file(policyFile)))
        })
        #expect(error.code == .duplicateKey, "\(error)")
    }

    @Test("reloading from a folder that now holds another extension is refused, naming both ids")
    func reloadOfAChangedIDRefused() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        let extensions = try Self.stageHellos(in: root)
        let host = try await HyperMeshHost(configuration: .init(
            stateDirectory: root.appendingPathComponent("state"), searchPaths: [extensions], trust: .allowUnsigned(),
            policy: .value(SecurityPolicy(defaults: PolicyRule(allow: [.storage, Capability.app("notify")!])))))
        try await host.activate(Self.helloID)
        // The hello folder now holds the isolated copy's package (another id).
        let folder = extensions.appendingPathComponent(Self.helloID)
        try FileManager.default.removeItem(at: folder)
        try FileManager.default.copyItem(at: extensions.appendingPathComponent(Self.isolatedID), to: folder)
        let error = try #require(await #expect(throws: ExtensionError.self) { try await host.reload(Self.helloID) })
        #expect(error.code == .invalidPackage && error.extensionID == Self.helloID)
        #expect(error.message.contains(Self.isolatedID), "\(error)")
        #expect(try await host.inspect(Self.helloID).state == .active, "the running version keeps serving")
        await host.shutdown()
    }

    @Test("the embedding example runs the hello extensions native, isolated and wasm")
    func exampleProgramRuns() async throws {
        let root = ExtensionBuilder.temporaryDirectory()
        let extensions = try Self.stageHellos(in: root)
        let binaries = URL(fileURLWithPath: try WorkerProcess.locateExecutable()).deletingLastPathComponent()
        let program = binaries.appendingPathComponent("embedding-host")
        try #require(FileManager.default.isExecutableFile(atPath: program.path), "build the package first: \(program.path)")
        // A child process is waited for: on a thread of its own, not the cooperative pool.
        let runner = CallExecutor(threadCount: 1, name: "test-example")
        let (status, output) = try await runner.run {
            let process = Process()
            process.executableURL = program
            process.arguments = [root.appendingPathComponent("state").path, extensions.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(Self.helloID) [in-process]:"), "\(output)")
        #expect(output.contains("\(Self.isolatedID) [process]:"), "\(output)")
        #expect(output.contains("\(Self.wasmID) [in-process]:") || output.contains("\(Self.wasmID) ["), "\(output)")
        #expect(output.components(separatedBy: "embedder").count - 1 == 3, "\(output)")
        // The app function, called from the in-process and the isolated extension.
        #expect(output.contains("\(Self.helloID) notified the app: {\"delivered\":true}"), "\(output)")
        #expect(output.contains("\(Self.isolatedID) notified the app: {\"delivered\":true}"), "\(output)")
        #expect(output.contains("app received: \(Self.isolatedID): {\"text\":\"hello from \(Self.isolatedID)\"}"), "\(output)")
    }
}
