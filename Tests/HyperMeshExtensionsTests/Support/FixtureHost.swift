import Foundation
import HyperMeshAudit
import HyperMeshSecurity
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport

/// Builds fixture extensions from `Tests/Fixtures/c/fixture_extension.c` into staged packages,
/// and a registry over a fresh state directory.
struct FixtureHost {
    let root = ExtensionBuilder.temporaryDirectory()
    var stateDirectory: URL { root.appendingPathComponent("state") }
    var extensionsDirectory: URL { root.appendingPathComponent("extensions") }
    /// The audit log of a registry made with `audited: true`.
    var auditFile: URL { stateDirectory.appendingPathComponent("audit.sqlite") }

    static let fixtureSource = ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/fixture_extension.c")

    /// Stages a fixture package. `defines` go to the compiler (e.g. FIXTURE_ABI); `manifest`
    /// entries override the defaults (id, version, capabilities…).
    @discardableResult
    func stageFixture(
        id: String, version: String = "1.0.0", libraryID: String? = nil, libraryVersion: String? = nil,
        defines: [String: String] = [:], manifest overrides: [String: Any] = [:]
    ) throws -> URL {
        var allDefines = defines
        allDefines["FIXTURE_ID"] = "\"\(libraryID ?? id)\""
        allDefines["FIXTURE_VERSION"] = "\"\(libraryVersion ?? version)\""
        let key = allDefines.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let library = root.appendingPathComponent("build/lib\(abs(key.hashValue)).so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildC(source: Self.fixtureSource, defines: allDefines, output: library)
        var manifest: [String: Any] = [
            "id": id, "name": "Fixture \(id)", "version": version, "kind": "native",
            "entry": "libfixture.so", "abi": ["min": 1, "max": 1], "category": "testing",
            "capabilities": ["storage", "events", "assetManagement"],
        ]
        for (key, value) in overrides { manifest[key] = value }
        let directory = extensionsDirectory.appendingPathComponent(id)
        return try PackageStager.stage(manifest: manifest, payload: library, entryName: "libfixture.so", into: directory)
    }

    func makeRegistry(policy: SecurityPolicy = TestPolicy.grantingEverythingDeclared, audited: Bool = false) throws -> ExtensionRegistry {
        let store = try StateStore(directory: stateDirectory)
        guard audited else { return ExtensionRegistry(stateStore: store, policy: policy) }
        return ExtensionRegistry(stateStore: store, policy: policy, audit: SecurityAudit(log: try AuditLog(file: auditFile), logger: .init(label: "test")))
    }

    /// The audit messages about `id` (a registry made with `audited: true`).
    func auditMessages(of id: String) throws -> [String] {
        let log = try AuditLog(file: auditFile)
        defer { log.close() }
        return try log.records(extensionID: id, kinds: nil).map(\.message)
    }

    /// Discovers everything staged so far and registers it.
    func registryWithStagedPackages(policy: SecurityPolicy = TestPolicy.grantingEverythingDeclared, audited: Bool = false) async throws -> (ExtensionRegistry, [DiscoveryProblem]) {
        let registry = try makeRegistry(policy: policy, audited: audited)
        let problems = await registry.registerAll(ExtensionDiscovery.discover(in: [extensionsDirectory], verifier: TestTrust.allowingUnsigned))
        return (registry, problems)
    }
}

extension ExtensionRegistry {
    /// Calls with a UTF-8 string and returns the output as a string.
    func callText(_ id: String, _ method: String, _ input: String = "{}") async throws(ExtensionError) -> String {
        String(decoding: try await call(id, method: method, input: Array(input.utf8)), as: UTF8.self)
    }
}
