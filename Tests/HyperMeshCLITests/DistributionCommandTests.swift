import Foundation
import HyperMeshAudit
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
@testable import HyperMeshCLI

/// The distribution commands end to end, on OCI layout folders (no registry needed): push, the
/// signed index, install with dependency resolution, the lock file, rollback, offline installs,
/// and the refusals, each audited.
@Suite("ext push, index, install, update, rollback and the store on OCI layouts", .timeLimit(.minutes(5)))
struct DistributionCommandTests {
    let harness = CLIHarness()
    let publisher: URL
    let ca: DevelopmentCA

    init() throws {
        publisher = harness.root.appendingPathComponent("publisher")
        ca = try DevelopmentCA.create(in: publisher)
        try TrustStore.addRoot(ca.root, to: harness.trustStore)
    }

    var key: String { publisher.appendingPathComponent(DevelopmentCA.signingKeyName).path }
    var cert: String { publisher.appendingPathComponent(DevelopmentCA.signingCertificateName).path }
    var signing: [String] { ["--key", key, "--cert", cert] }
    var indexLocation: String { "oci:" + harness.root.appendingPathComponent("index-layout").path }
    func layout(_ id: String) -> String { "oci:" + harness.root.appendingPathComponent("layouts/\(id)").path }

    /// A signed wasm-kind package (its payload is never loaded by these commands).
    @discardableResult
    func package(_ id: String, _ version: String, dependencies: [String: String] = [:], abi: (Int, Int) = (1, 1)) throws -> URL {
        let folder = harness.root.appendingPathComponent("packages/\(id)-\(version)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let payload = Data("\(id) \(version) payload".utf8)
        try payload.write(to: folder.appendingPathComponent("module.wasm"))
        let manifest: [String: Any] = [
            "id": id, "name": id, "version": version, "kind": "wasm", "entry": "module.wasm", "abi": ["min": abi.0, "max": abi.1],
            "category": "testing", "capabilities": ["storage"], "dependencies": dependencies, "description": "The \(id) extension",
            "files": ["module.wasm": FileDigest.sha256Hex(of: payload)],
        ]
        try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]).write(to: folder.appendingPathComponent("extension.json"))
        try ca.sign(packageAt: folder)
        return folder
    }

    /// Pushes the package into its id's layout and adds it to the index.
    func publish(_ id: String, _ version: String, dependencies: [String: String] = [:], abi: (Int, Int) = (1, 1)) async throws {
        let folder = try package(id, version, dependencies: dependencies, abi: abi)
        let push = await harness.run(["ext", "push", folder.path, layout(id)])
        #expect(push.exitCode == 0, "\(push.err)")
        let add = await harness.run(["index", "add", indexLocation, layout(id) + ":" + version] + signing)
        #expect(add.exitCode == 0, "\(add.err)")
    }

    func auditMessages() throws -> [String] {
        let log = try AuditLocation.open(stateDirectory: harness.state)
        defer { log.close() }
        return try log.records(kinds: [.distribution]).map(\.message)
    }

    @Test("Install by id resolves dependencies from the signed index, writes the lock file, and a second install is a no-op")
    func installWithDependencies() async throws {
        let create = await harness.run(["index", "publish", indexLocation, "--name", "main"] + signing)
        #expect(create.exitCode == 0, "\(create.err)")
        try await publish("org.example.base", "1.0.0")
        try await publish("org.example.base", "1.4.0")
        try await publish("org.example.base", "2.0.0")
        try await publish("org.example.app", "1.0.0", dependencies: ["org.example.base": "^1.2.0"])
        let install = await harness.run(["ext", "install", "org.example.app", "--index", indexLocation, "--grant", "--json"])
        #expect(install.exitCode == 0, "\(install.err)")
        let document = try install.out.jsonObject()
        let installed = try #require(document["installed"] as? [[String: Any]])
        #expect(installed.map { "\($0["id"]!) \($0["version"]!)" } == ["org.example.base 1.4.0", "org.example.app 1.0.0"])
        #expect(install.err.contains("plan: org.example.app: install 1.0.0; requests storage"))
        let lock = try #require(try LockFile.read(from: harness.state.appendingPathComponent("hypermesh.lock")))
        #expect(lock.extensions.map(\.id) == ["org.example.app", "org.example.base"])
        #expect(lock.index == "main@5")
        #expect(FileManager.default.fileExists(atPath: harness.state.appendingPathComponent("installed/org.example.app/extension.sig").path))
        let list = await harness.run(["ext", "list", "--json"])
        #expect(list.out.contains("org.example.app"))
        let again = await harness.run(["ext", "install", "org.example.app", "--index", indexLocation])
        #expect(again.exitCode == 0)
        #expect(again.out.contains("nothing to do"))
        #expect(try auditMessages().contains { $0.hasPrefix("installed org.example.base 1.4.0") })
        let dependedUpon = await harness.run(["ext", "uninstall", "org.example.base", "--json"])
        #expect(dependedUpon.exitCode != 0)
        #expect(dependedUpon.out.contains("oci.incompatible") && dependedUpon.out.contains("org.example.app"), "\(dependedUpon.out)")
        #expect(FileManager.default.fileExists(atPath: harness.state.appendingPathComponent("installed/org.example.base").path))
        let noPrevious = await harness.run(["ext", "rollback", "org.example.app", "--json"])
        #expect(noPrevious.exitCode != 0)
        #expect(noPrevious.out.contains("oci.not_found") && noPrevious.out.contains("no previous version"), "\(noPrevious.out)")
        #expect(try auditMessages().contains { $0.hasPrefix("rollback refused") })
    }

    @Test("An unsatisfiable request is refused before any download with the resolver's chain of reasons, and audited")
    func unsatisfiableExplained() async throws {
        _ = await harness.run(["index", "publish", indexLocation, "--name", "main"] + signing)
        try await publish("org.example.base", "1.0.0")
        try await publish("org.example.base", "2.0.0", abi: (2, 3))
        try await publish("org.example.app", "1.0.0", dependencies: ["org.example.base": "^2.0.0"])
        let install = await harness.run(["ext", "install", "org.example.app", "--index", indexLocation])
        #expect(install.exitCode != 0)
        #expect(install.err.contains("resolve.no_solution"), "\(install.err)")
        #expect(install.err.contains("supports host ABI 2...3; this host has 1"), "\(install.err)")
        #expect(!FileManager.default.fileExists(atPath: harness.state.appendingPathComponent("installed/org.example.app").path))
        #expect(try auditMessages().contains { $0.contains("refused") })
    }

    @Test("Update moves to the newest version, rollback returns offline, and --locked reinstalls the lock's digests with the sources gone")
    func updateRollbackLocked() async throws {
        _ = await harness.run(["index", "publish", indexLocation, "--name", "main"] + signing)
        try await publish("org.example.base", "1.0.0")
        let first = await harness.run(["ext", "install", "org.example.base@^1.0.0", "--index", indexLocation])
        #expect(first.exitCode == 0, "\(first.err)")
        try await publish("org.example.base", "1.1.0")
        let outdated = await harness.run(["ext", "outdated", "--index", indexLocation, "--json"])
        #expect(outdated.out.contains(#""latest" : "1.1.0""#), "\(outdated.out)")
        let update = await harness.run(["ext", "update", "--index", indexLocation])
        #expect(update.exitCode == 0, "\(update.err)")
        #expect(update.out.contains("updated from 1.0.0"))
        try FileManager.default.removeItem(at: harness.root.appendingPathComponent("layouts"))
        let rollback = await harness.run(["ext", "rollback", "org.example.base", "--json"])
        #expect(rollback.exitCode == 0, "\(rollback.err)")
        #expect(try rollback.out.jsonObject()["to"] as? String == "1.0.0")
        let uninstall = await harness.run(["ext", "uninstall", "org.example.base"])
        #expect(uninstall.exitCode == 0, "\(uninstall.err)")
        // The lock was removed with the uninstall; write one pinning 1.1.0 by digest and install it offline.
        let status = try await BlockingIO.run { () throws(RegistryError) in try PackageStore(stateDirectory: harness.state).packages() }
        let kept = try #require(status.first { $0.version.description == "1.1.0" })
        try LockFile(index: nil, extensions: [.init(id: "org.example.base", version: "1.1.0", repository: layout("org.example.base"), digest: kept.digest, platform: "any")])
            .write(to: harness.state.appendingPathComponent("hypermesh.lock"))
        let locked = await harness.run(["ext", "install", "--locked"])
        #expect(locked.exitCode == 0, "\(locked.err)")
        #expect(try ManifestDecoder.load(from: harness.state.appendingPathComponent("installed/org.example.base")).version.description == "1.1.0")
        let gc = await harness.run(["store", "gc", "--json"])
        #expect(gc.exitCode == 0)
    }

    @Test("An index older than the one accepted, or published by a key outside the trust store, is refused")
    func indexRollbackAndUntrusted() async throws {
        _ = await harness.run(["index", "publish", indexLocation, "--name", "main"] + signing)
        let folder = harness.root.appendingPathComponent("index-layout")
        let snapshot = harness.root.appendingPathComponent("index-snapshot")
        try FileManager.default.copyItem(at: folder, to: snapshot)
        #expect(await harness.run(["index", "publish", indexLocation] + signing).exitCode == 0)
        #expect(await harness.run(["index", "show", indexLocation]).exitCode == 0)
        let old = await harness.run(["index", "show", "oci:" + snapshot.path, "--json"])
        #expect(old.exitCode != 0)
        #expect(old.out.contains("index.rollback"), "\(old.out)")
        let stranger = harness.root.appendingPathComponent("stranger")
        _ = try DevelopmentCA.create(in: stranger)
        let foreign = "oci:" + harness.root.appendingPathComponent("foreign-index").path
        let forged = await harness.run(["index", "publish", foreign, "--name", "other", "--key", stranger.appendingPathComponent(DevelopmentCA.signingKeyName).path,
                                        "--cert", stranger.appendingPathComponent(DevelopmentCA.signingCertificateName).path, "--json"])
        #expect(forged.exitCode != 0)
        #expect(forged.out.contains("index.signature_refused"), "\(forged.out)")
    }

    @Test("A package pushed to an OCI layout installs from it by location, and an unsigned one is refused with nothing installed")
    func directLocation() async throws {
        let folder = try package("org.example.solo", "1.0.0")
        let pack = await harness.run(["ext", "pack", folder.path, "--oci-layout", harness.root.appendingPathComponent("usb").path], hostOptions: false)
        #expect(pack.exitCode == 0, "\(pack.err)")
        let install = await harness.run(["ext", "install", "oci:" + harness.root.appendingPathComponent("usb").path + ":1.0.0"])
        #expect(install.exitCode == 0, "\(install.err)")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("extension.sig"))
        let unsignedLayout = harness.root.appendingPathComponent("unsigned")
        _ = await harness.run(["ext", "push", folder.path, "oci:" + unsignedLayout.path])
        let before = try ManifestDecoder.load(from: harness.state.appendingPathComponent("installed/org.example.solo")).version
        let refused = await harness.run(["ext", "install", "oci:" + unsignedLayout.path + ":1.0.0", "--json"])
        #expect(refused.exitCode != 0)
        #expect(refused.out.contains("oci.verification_refused"), "\(refused.out)")
        #expect(try ManifestDecoder.load(from: harness.state.appendingPathComponent("installed/org.example.solo")).version == before)
    }

    @Test("Remote packages that depend on each other in a cycle are refused by the resolver, naming the cycle, before any download")
    func remoteCycle() async throws {
        _ = await harness.run(["index", "publish", indexLocation, "--name", "main"] + signing)
        try await publish("org.example.left", "1.0.0", dependencies: ["org.example.right": "^1.0.0"])
        try await publish("org.example.right", "1.0.0", dependencies: ["org.example.left": "^1.0.0"])
        let install = await harness.run(["ext", "install", "org.example.left", "--index", indexLocation, "--json"])
        #expect(install.exitCode != 0)
        #expect(install.out.contains("resolve.dependency_cycle"), "\(install.out)")
        #expect(install.out.contains("org.example.left 1.0.0 -> org.example.right 1.0.0 -> org.example.left 1.0.0"), "\(install.out)")
        let status = try await BlockingIO.run { () throws(RegistryError) in try PackageStore(stateDirectory: harness.state).status() }
        #expect(status.blobs == 0)
    }
}
