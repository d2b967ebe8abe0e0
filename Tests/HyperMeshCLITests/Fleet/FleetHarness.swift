import Foundation
import HyperMeshAudit
import HyperMeshManifest
import HyperMeshRegistry
import HyperMeshSecurity
import HyperMeshTestSupport
import HyperMeshTrust
import Testing
@testable import HyperMeshCLI
#if canImport(Glibc)
import Glibc
#endif

/// A fleet on this machine: one etcd, one docker-registry, `hypermesh serve` nodes on loopback,
/// an operator (a CLI harness that pushes packages and starts rollouts), and Catalog packages in
/// several versions signed by one publisher every node trusts. ``stop()`` stops every process by
/// its id (each test calls it in a `defer`).
final class FleetHarness: @unchecked Sendable {
    let root = ExtensionBuilder.temporaryDirectory()
    let operatorCLI = CLIHarness()
    let etcd: EtcdServer
    let registry: RegistryServer
    let ca: DevelopmentCA
    let tokenFile: URL
    private(set) var nodes: [String: FleetNode] = [:]

    static let catalogID = CLIHarness.catalogID
    var repository: String { "\(registry.registry)/hypermesh/catalog" }

    /// One node: its CLI harness (search path, state dir, trust store, policy) and its process.
    final class FleetNode: @unchecked Sendable {
        let id: String
        let harness: CLIHarness
        let port: Int
        var process: NodeProcess?
        init(id: String, harness: CLIHarness, port: Int) {
            self.id = id
            self.harness = harness
            self.port = port
        }
        var endpoint: String { "127.0.0.1:\(port)" }
        var auditFile: URL { harness.state.appendingPathComponent("audit.sqlite") }
    }

    init() async throws {
        etcd = try await EtcdServer.start()
        do {
            registry = try await RegistryServer.start()
        } catch {
            etcd.stop()
            throw error
        }
        ca = try DevelopmentCA.create(in: root.appendingPathComponent("publisher"))
        try TrustStore.addRoot(ca.root, to: operatorCLI.trustStore)
        tokenFile = root.appendingPathComponent("fleet.token")
        FileManager.default.createFile(atPath: tokenFile.path, contents: Data("fleet-token-\(UUID().uuidString)\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
    }

    func stop() async {
        for node in nodes.values { await node.process?.stop() }
        registry.stop()
        etcd.stop()
    }

    /// The Catalog library reporting `version` (its metadata carries the version its manifest must
    /// have): the sources of `Sources/CatalogExtension` with that version, built once per version
    /// (the builder caches by the sources' content).
    static func catalogLibrary(version: String) throws -> URL {
        let sources = ExtensionBuilder.repositoryRoot.appendingPathComponent("Sources/CatalogExtension")
        let copy = ExtensionBuilder.temporaryDirectory().appendingPathComponent("CatalogExtension-\(version)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        var files: [URL] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: sources.path) where name.hasSuffix(".swift") {
            var text = try String(contentsOf: sources.appendingPathComponent(name), encoding: .utf8)
            if name == "CatalogExports.swift" {
                text = text.replacingOccurrences(of: "version: \"1.0.0\"", with: "version: \"\(version)\"")
            }
            let file = copy.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            files.append(file)
        }
        let output = copy.appendingPathComponent("libCatalogExtension.\(ExtensionBuilder.libraryFileExtension)")
        return try ExtensionBuilder.buildSwift(sources: files.sorted { $0.path < $1.path }, moduleName: "CatalogExtension", output: output)
    }

    /// A signed Catalog package of `version`: the library with `paddingBytes` seeded bytes
    /// appended (the loader ignores them), so that each version's library is a distinct blob.
    func catalogPackage(version: String, paddingBytes: Int = 1 << 20) throws -> URL {
        let library = try Self.catalogLibrary(version: version)
        let padded = root.appendingPathComponent("build-\(version)/libCatalogExtension.\(ExtensionBuilder.libraryFileExtension)")
        try FileManager.default.createDirectory(at: padded.deletingLastPathComponent(), withIntermediateDirectories: true)
        var bytes = try Data(contentsOf: library)
        var generator = SplitMix64(state: UInt64(truncatingIfNeeded: version.hashValue & 0x7fff_ffff) ^ 0x9e37)
        bytes.append(contentsOf: (0..<paddingBytes).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        try bytes.write(to: padded)
        var manifest = try PackageStager.loadTemplate(PackageStager.catalogTemplate)
        manifest["entry"] = padded.lastPathComponent
        manifest["version"] = version
        let folder = root.appendingPathComponent("packages/catalog-\(version)")
        try PackageStager.stage(manifest: manifest, payload: padded, entryName: padded.lastPathComponent, into: folder)
        _ = try ca.sign(packageAt: folder)
        return folder
    }

    /// Pushes a Catalog version to the registry (`…/hypermesh/catalog:VERSION`).
    func pushCatalog(version: String, paddingBytes: Int = 1 << 20) async throws {
        let push = await operatorCLI.run(["ext", "push", try catalogPackage(version: version, paddingBytes: paddingBytes).path, repository])
        #expect(push.exitCode == 0, "\(push.err)")
    }

    /// The digest of the image manifest a node of this platform pulls for `version`.
    func catalogDigest(version: String) async throws -> String {
        let access = try RegistryAccess(insecureRegistries: [], caBundles: [:], credentialsFile: root.appendingPathComponent("none.json"),
                                        dockerConfig: nil, logger: .init(label: "test"))
        defer { Task { await access.shutdown() } }
        let published = try await PublishedPackage.read(try ArtifactLocation(parsing: "\(repository):\(version)"), registries: access)
        return try #require(published.artifacts[OCIPlatform.current.description] ?? published.artifacts[IndexedVersion.anyPlatform]).description
    }

    var etcdArguments: [String] { ["--etcd", etcd.endpoint] }

    /// A signed package of the C fixture extension `id` at `version` whose health reports `healthStatus`.
    func fixturePackage(id: String, version: String, healthStatus: String) throws -> URL {
        let library = root.appendingPathComponent("build-\(id)-\(version)/libfixture.so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildFixture(defines: ["FIXTURE_ID": ExtensionBuilder.cString(id), "FIXTURE_VERSION": ExtensionBuilder.cString(version),
                                                    "FIXTURE_HEALTH_STATUS": ExtensionBuilder.cString(healthStatus)],
                                          output: library)
        let manifest: [String: Any] = [
            "id": id, "name": "Fleet fixture", "version": version, "kind": "native", "entry": "libfixture.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage", "events"],
        ]
        let folder = root.appendingPathComponent("packages/\(id)-\(version)")
        try PackageStager.stage(manifest: manifest, payload: library, entryName: "libfixture.so", into: folder)
        _ = try ca.sign(packageAt: folder)
        return folder
    }

    func pushFixture(id: String, version: String, healthStatus: String) async throws {
        let push = await operatorCLI.run(["ext", "push", try fixturePackage(id: id, version: version, healthStatus: healthStatus).path, repository(of: id)])
        #expect(push.exitCode == 0, "\(push.err)")
    }

    func repository(of id: String) -> String {
        id == Self.catalogID ? repository : "\(registry.registry)/hypermesh/\(id.split(separator: ".").last ?? "x")"
    }

    /// The image manifest `digest` names, read from the registry.
    func imageManifest(digest: String) async throws -> OCIImageManifest {
        let client = RegistryClient()
        do {
            let reference = OCIReference(registry: registry.registry, repository: "hypermesh/catalog", digest: try OCIDigest(parsing: digest))
            let fetched = try await client.manifest(reference)
            try await client.shutdown()
            return try OCIImageManifest.decode(fetched.bytes, source: digest)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Starts (or restarts, keeping its state) node `id` with the fleet options; waits until it answers.
    /// `grantFixture` also allows the fixture extension of that id what it declares.
    @discardableResult
    func startNode(_ id: String, labels: [String: String] = [:], grantFixture: String? = nil, extra: [String] = []) async throws -> FleetNode {
        let node: FleetNode
        if let existing = nodes[id] {
            node = existing
        } else {
            node = FleetNode(id: id, harness: CLIHarness(), port: try RegistryServer.freePort())
            try FileManager.default.createDirectory(at: node.harness.extensions, withIntermediateDirectories: true)
            try TrustStore.addRoot(ca.root, to: node.harness.trustStore)
            var policy = try PolicyFile.load(from: node.harness.policyFile)
            var rule = PolicyRule()
            rule.allow.formUnion(CLIHarness.catalogCapabilities)
            rule.isolation = .process
            policy.extensions[Self.catalogID] = rule
            if let grantFixture { policy.allow([.storage, .events], for: grantFixture) }
            try PolicyFile.save(policy, to: node.harness.policyFile)
            nodes[id] = node
        }
        var arguments = ["--fleet-etcd", etcd.endpoint, "--node-id", id, "--fleet-token-file", tokenFile.path,
                         "--fleet-lease-ttl", "4", "--fleet-peer-wait", "20"]
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--node-label", "\(name)=\(value)"] }
        node.process = try await NodeProcess.start(node.harness, listen: node.endpoint, extra: arguments + extra)
        return node
    }

    /// Runs `fleet rollout ID@VERSION --from … --wait` as the operator; the result of the CLI.
    func rollout(_ version: String, extensionID: String = FleetHarness.catalogID, waves: String = "20%,100%", window: Double = 1,
                 extra: [String] = []) async -> CLIHarness.Result {
        await operatorCLI.run(["fleet", "rollout", "\(extensionID)@\(version)", "--from", "\(repository(of: extensionID)):\(version)", "--waves", waves,
                               "--health-window", String(window), "--wait", "--timeout", "240", "--json"] + etcdArguments + extra)
    }

    /// The Catalog version node `id` runs, as its admin API reports it (nil when not active).
    func runningVersion(on id: String, extensionID: String = FleetHarness.catalogID) throws -> String? {
        guard let node = nodes[id], let token = NodeToken.read(stateDirectory: node.harness.state) else { return nil }
        guard case .answered(let response) = RawHTTP.exchange(.tcp(host: "127.0.0.1", port: node.port), "GET",
                                                            "/v1/extensions/\(extensionID)", token: token, timeoutSeconds: 10),
              response.status == 200 else { return nil }
        let object = response.json()
        guard object["state"] as? String == "active" else { return nil }
        return (object["manifest"] as? [String: Any])?["version"] as? String ?? object["version"] as? String
    }

    /// The `fleet` audit records of node `id` (read from its log; the node may be running).
    func fleetRecords(on id: String) throws -> [AuditRecord] {
        let log = try AuditLog(file: try #require(nodes[id]).auditFile)
        defer { log.close() }
        return try log.records(kinds: [.fleet])
    }

    /// Waits (bounded) until `condition` holds; false when it did not within `timeout`.
    func eventually(timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return (try? await condition()) == true
    }

    /// How many times the registry served a GET of blob `digest`.
    func registryBlobGets(_ digest: String) -> Int {
        registry.accessLog.split(separator: "\n").filter { $0.contains("\"GET ") && $0.contains("/blobs/\(digest)") && $0.contains("\" 200 ") }.count
    }
}
