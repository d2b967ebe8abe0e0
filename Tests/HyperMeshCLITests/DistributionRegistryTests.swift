import Foundation
import HyperMeshAudit
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
@testable import HyperMeshCLI

/// The distribution commands against a real registry (Debian's docker-registry 2.8.2 on loopback,
/// started and stopped by each test) and skopeo, a tool nobody here wrote.
@Suite("ext push, index and install against docker-registry, with skopeo copies", .timeLimit(.minutes(5)))
struct DistributionRegistryTests {
    let harness = CLIHarness()
    let ca: DevelopmentCA
    let publisher: URL

    init() throws {
        publisher = harness.root.appendingPathComponent("publisher")
        ca = try DevelopmentCA.create(in: publisher)
        try TrustStore.addRoot(ca.root, to: harness.trustStore)
    }

    var signing: [String] {
        ["--key", publisher.appendingPathComponent(DevelopmentCA.signingKeyName).path,
         "--cert", publisher.appendingPathComponent(DevelopmentCA.signingCertificateName).path]
    }

    func package(_ id: String, _ version: String, payload: String? = nil, dependencies: [String: String] = [:]) throws -> URL {
        let folder = harness.root.appendingPathComponent("packages/\(id)-\(version)-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bytes = Data((payload ?? "\(id) \(version)").utf8)
        try bytes.write(to: folder.appendingPathComponent("module.wasm"))
        let manifest: [String: Any] = [
            "id": id, "name": id, "version": version, "kind": "wasm", "entry": "module.wasm", "abi": ["min": 1, "max": 1],
            "category": "testing", "capabilities": ["storage"], "dependencies": dependencies,
            "files": ["module.wasm": FileDigest.sha256Hex(of: bytes)],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: folder.appendingPathComponent("extension.json"))
        try ca.sign(packageAt: folder)
        return folder
    }

    /// Runs skopeo (a short-lived child process; its output goes to files in the harness folder).
    func skopeo(_ arguments: [String]) throws -> String {
        let output = harness.root.appendingPathComponent("skopeo-\(UUID().uuidString.prefix(6)).out").path
        let errors = output + ".err"
        let status = try ChildProcess.run(["/usr/bin/skopeo"] + arguments, outputPath: output, errorPath: errors)
        #expect(status == 0, "skopeo \(arguments.joined(separator: " ")): \((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")")
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    func installedPayload(_ id: String, state: URL? = nil) throws -> String {
        try String(contentsOf: (state ?? harness.state).appendingPathComponent("installed/\(id)/module.wasm"), encoding: .utf8)
    }

    @Test("Push, index and install by id through a registry; skopeo reads the artifact; the lock's digest wins over a moved tag; the registry down, --locked and the cached index still work")
    func registryRoundTrip() async throws {
        let registry = try await RegistryServer.start()
        defer { registry.stop() }
        let index = "\(registry.registry)/hypermesh/index"
        #expect(await harness.run(["index", "publish", index, "--name", "main"] + signing).exitCode == 0)
        for (id, version, dependencies) in [("org.example.base", "1.0.0", [String: String]()), ("org.example.app", "1.0.0", ["org.example.base": "^1.0.0"])] {
            let repository = "\(registry.registry)/ext/\(id.split(separator: ".").last!)"
            let push = await harness.run(["ext", "push", try package(id, version, dependencies: dependencies).path, repository])
            #expect(push.exitCode == 0, "\(push.err)")
            let add = await harness.run(["index", "add", index, "\(repository):\(version)"] + signing)
            #expect(add.exitCode == 0, "\(add.err)")
        }
        let raw = try skopeo(["inspect", "--tls-verify=false", "--raw", "docker://\(registry.registry)/ext/app:1.0.0"])
        #expect(raw.contains(OCIMediaType.extensionArtifact))
        let install = await harness.run(["ext", "install", "org.example.app", "--index", index, "--json"])
        #expect(install.exitCode == 0, "\(install.err)")
        #expect(try installedPayload("org.example.app") == "org.example.app 1.0.0")
        // Someone moves the tag to other content; the lock pins the digest that was installed.
        let moved = await harness.run(["ext", "push", try package("org.example.app", "1.0.0", payload: "moved").path, "\(registry.registry)/ext/app"])
        #expect(moved.exitCode == 0, "\(moved.err)")
        #expect(await harness.run(["ext", "uninstall", "org.example.app"]).exitCode == 0)
        let lock = try #require(try LockFile.read(from: harness.state.appendingPathComponent("hypermesh.lock")))
        var relocked = lock
        let store = try PackageStore(stateDirectory: harness.state)
        let app = try #require(try store.packages().first { $0.id == "org.example.app" })
        relocked.set(.init(id: "org.example.app", version: "1.0.0", repository: "\(registry.registry)/ext/app", digest: app.digest, platform: "any"))
        try relocked.write(to: harness.state.appendingPathComponent("hypermesh.lock"))
        _ = try store.collectGarbage()  // the app's blobs are gone: --locked must fetch by digest
        let locked = await harness.run(["ext", "install", "--locked"])
        #expect(locked.exitCode == 0, "\(locked.err)")
        #expect(try installedPayload("org.example.app") == "org.example.app 1.0.0")
        // The registry goes away: installs from the store and the cached index still work.
        registry.stop()
        #expect(await harness.run(["ext", "uninstall", "org.example.app"]).exitCode == 0)
        let offline = await harness.run(["ext", "install", "--locked"])
        #expect(offline.exitCode == 0, "\(offline.err)")
        let show = await harness.run(["index", "show", index, "--json"])
        #expect(show.exitCode == 0, "\(show.err)")
        #expect(try show.out.jsonObject()["offline"] as? Bool == true)
        let fresh = await harness.run(["ext", "pull", "\(registry.registry)/ext/app:1.0.0", "--json"])
        #expect(fresh.exitCode != 0)
        #expect(fresh.out.contains("oci.unavailable"), "\(fresh.out)")
    }

    @Test("What we push, skopeo copies to an OCI layout and to another registry, and we install from both; an OCI layout we write, skopeo copies into a registry and we install it")
    func skopeoInteroperability() async throws {
        let registry = try await RegistryServer.start()
        defer { registry.stop() }
        let folder = try package("org.example.tool", "2.1.0")
        #expect(await harness.run(["ext", "push", folder.path, "\(registry.registry)/ext/tool"]).exitCode == 0)
        let copyLayout = harness.root.appendingPathComponent("skopeo-layout")
        _ = try skopeo(["copy", "--src-tls-verify=false", "docker://\(registry.registry)/ext/tool:2.1.0", "oci:\(copyLayout.path):2.1.0"])
        _ = try skopeo(["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "docker://\(registry.registry)/ext/tool:2.1.0", "docker://\(registry.registry)/mirror/tool:2.1.0"])
        let ourLayout = harness.root.appendingPathComponent("our-layout")
        #expect(await harness.run(["ext", "pack", folder.path, "--oci-layout", ourLayout.path], hostOptions: false).exitCode == 0)
        _ = try skopeo(["copy", "--dest-tls-verify=false", "oci:\(ourLayout.path):2.1.0", "docker://\(registry.registry)/fromlayout/tool:2.1.0"])
        for location in ["oci:\(copyLayout.path):2.1.0", "\(registry.registry)/mirror/tool:2.1.0", "\(registry.registry)/fromlayout/tool:2.1.0"] {
            let state = harness.root.appendingPathComponent("state-\(UUID().uuidString.prefix(6))")
            try TrustStore.addRoot(ca.root, to: state.appendingPathComponent("trust"))
            let install = await harness.run(["ext", "install", location, "--state-dir", state.path, "--json"], hostOptions: false)
            #expect(install.exitCode == 0, "\(location): \(install.err)")
            #expect(try installedPayload("org.example.tool", state: state) == "org.example.tool 2.1.0")
        }
    }

    @Test("A hostile registry: a flipped byte is refused naming package, registry and cause with nothing installed and the refusal audited; a dropped connection resumes; 429 waits; a wrongly signed artifact is refused")
    func hostileRegistry() async throws {
        let registry = try await RegistryServer.start()
        defer { registry.stop() }
        let proxy = try await RegistryFaultProxy(upstream: registry)
        let index = "\(proxy.registry)/hypermesh/index"
        #expect(await harness.run(["index", "publish", index, "--name", "main"] + signing).exitCode == 0)
        let folder = try package("org.example.hostile", "1.0.0", payload: String(repeating: "x", count: 200_000))
        #expect(await harness.run(["ext", "push", folder.path, "\(proxy.registry)/ext/hostile"]).exitCode == 0)
        #expect(await harness.run(["index", "add", index, "\(proxy.registry)/ext/hostile:1.0.0"] + signing).exitCode == 0)
        let payloadDigest = FileDigest.sha256Hex(of: Data(String(repeating: "x", count: 200_000).utf8))

        proxy.inject(.flipByte(at: 1000), method: "GET", pathContains: payloadDigest, times: 1)
        let flipped = await harness.run(["ext", "install", "org.example.hostile", "--index", index, "--json"])
        #expect(flipped.exitCode != 0)
        let error = try #require(try flipped.out.jsonObject()["error"] as? [String: Any])
        #expect(error["code"] as? String == "oci.digest_mismatch", "\(flipped.out)")
        #expect("\(error)".contains("org.example.hostile 1.0.0") && "\(error)".contains(proxy.registry), "\(error)")
        #expect(!FileManager.default.fileExists(atPath: harness.state.appendingPathComponent("installed/org.example.hostile").path))
        let log = try AuditLocation.open(stateDirectory: harness.state)
        let refusals = try log.records(kinds: [.distribution]).filter { $0.message.contains("refused") && $0.message.contains("org.example.hostile") }
        log.close()
        #expect(!refusals.isEmpty)

        proxy.inject(.dropConnection(afterBytes: 50_000), method: "GET", pathContains: payloadDigest, times: 1)
        proxy.inject(.status(429, retryAfterSeconds: 1), method: "GET", pathContains: "/manifests/", times: 1)
        let resumed = await harness.run(["ext", "install", "org.example.hostile", "--index", index])
        #expect(resumed.exitCode == 0, "\(resumed.err)")
        #expect(!proxy.rangeRequests.isEmpty)
        #expect(try installedPayload("org.example.hostile").count == 200_000)

        let strangerFolder = harness.root.appendingPathComponent("stranger")
        let stranger = try DevelopmentCA.create(in: strangerFolder)
        let forged = try package("org.example.forged", "1.0.0")
        try stranger.sign(packageAt: forged)
        #expect(await harness.run(["ext", "push", forged.path, "\(registry.registry)/ext/forged"]).exitCode == 0)
        let refused = await harness.run(["ext", "install", "\(registry.registry)/ext/forged:1.0.0", "--json"])
        #expect(refused.out.contains("oci.verification_refused") && refused.out.contains("trust.untrusted_chain"), "\(refused.out)")
        await proxy.stop()
    }
}
