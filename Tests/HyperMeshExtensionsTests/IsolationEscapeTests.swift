import Foundation
import HyperMeshAudit
import HyperMeshManifest
import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// The escape fixture through the registry, as an operator runs it: an isolated extension that
/// tries to rewrite the policy and the trust store, read the host's databases, signal the host and
/// change its limits. Each route is refused, the host goes on, and what the kernel reports reaches
/// the audit log.
@Suite struct IsolationEscapeTests {
    static let id = "org.hypermesh.tests.escape"

    static func stage(_ host: SecurityHost) throws {
        try IsolatedExtensionTests.stage(host, fixture: "escape", id: id,
                                         manifest: ["name": "Escape", "capabilities": [], "quotas": ["cpuMillisecondsPerCall": 2_000]])
    }

    @Test func anIsolatedExtensionCannotRewriteThePolicyOrTheTrustStoreNorSignalItsHost() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        try host.stageBystander()
        let registry = try await host.start()
        try await registry.activate(Self.id)
        try await registry.activate(SecurityHost.bystanderID)
        let state = host.stateDirectory
        let policy = state.appendingPathComponent("policy.json")
        try Data(#"{"defaults":{"deny":["storage"]}}"#.utf8).write(to: policy)
        let landlock = try await registry.callText(Self.id, "read", "/proc/self/status") == "result=0 errno=0"
        if landlock {
            for target in [policy, state.appendingPathComponent("trust/roots/attacker.pem")] {
                #expect(try await registry.callText(Self.id, "write", target.path).hasPrefix("result=-1"), "\(target.path)")
            }
            for secret in ["policy.json", "audit.sqlite"] {
                #expect(try await registry.callText(Self.id, "read", state.appendingPathComponent(secret).path).hasPrefix("result=-1"), "\(secret)")
            }
            #expect(try await registry.callText(Self.id, "read", "/proc/\(getpid())/environ").hasPrefix("result=-1"))
        }
        #expect(try String(contentsOf: policy, encoding: .utf8) == #"{"defaults":{"deny":["storage"]}}"#)
        #expect(!FileManager.default.fileExists(atPath: state.appendingPathComponent("trust/roots/attacker.pem").path))
        for route in ["kill", "sigqueue", "tgsigqueue", "prlimit"] {
            #expect(try await registry.callText(Self.id, route, "\(getpid())") == "result=-1 errno=1", "\(route)")
        }
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}", "the host goes on")
        let violations = try host.auditRecords(of: Self.id, kinds: [.violation]).map(\.message)
        for name in ["kill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "prlimit64"] {
            #expect(violations.contains { $0.contains("the sandbox refused \(name) (another process)") }, "\(name) in \(violations)")
        }
        let inspection = try await registry.info(Self.id)
        #expect(inspection.confinement?.contains { $0.hasPrefix("seccomp: applied") } == true, "\(inspection.confinement ?? [])")
        #expect(inspection.confinementLayers?.contains("seccomp: engaged") == true, "\(inspection.confinementLayers ?? [])")
        await registry.shutdown()
    }

    /// A Swift extension (the Catalog, with its Swift runtime and Foundation) loads and serves in a
    /// worker confined by every layer: Landlock allows the toolchain's library folder it needs.
    @Test func theCatalogServesFromAWorkerConfinedByEveryLayer() async throws {
        let host = SecurityHost()
        // Building the Catalog (swiftc) takes seconds: not on a cooperative thread, which the
        // registries of the tests running beside this one need.
        let folder = host.extensionsDirectory.appendingPathComponent("org.hypermesh.catalog")
        let staged: Result<URL, TestSupportError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(TestSupportError) in try PackageStager.stageCatalog(into: folder) })
            }
        }
        _ = try staged.get()
        var policy = TestPolicy.grantingEverythingDeclared
        policy.extensions["org.hypermesh.catalog"] = PolicyRule(allow: Set(Capability.allCases), isolation: .process)
        let registry = try await host.start(policy: policy)
        try await registry.activate("org.hypermesh.catalog")
        let asset = #"{"type":"document","name":"readme","version":"1.0.0","content":"hello worker"}"#
        _ = try await registry.callText("org.hypermesh.catalog", "add", asset)
        let got = try await registry.callText("org.hypermesh.catalog", "get", #"{"type":"document","name":"readme"}"#)
        #expect(got.contains("hello worker"), "\(got)")
        let info = try await registry.info("org.hypermesh.catalog")
        #expect(info.isolation == "process")
        #expect(info.confinement?.contains { $0.hasPrefix("landlock: applied") } == true || info.confinement?.contains { $0.hasPrefix("landlock: unavailable") } == true,
                "\(info.confinement ?? [])")
        await registry.shutdown()
    }

    @Test func anExtensionWhoseRequiredLayerIsNotEngagedIsNotStarted() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        var policy = TestPolicy.grantingEverythingDeclared
        policy.isolatedWorkers = WorkerIsolationSettings(requiredLayers: ["landlock"])
        let registry = try await host.start(policy: policy, isolationSwitches: IsolationSwitches(landlock: false))
        do {
            try await registry.activate(Self.id)
            Issue.record("activation should have been refused")
        } catch {
            #expect(error.code == .confinementUnavailable, "\(error)")
            #expect(error.message.contains("landlock"), "\(error)")
            #expect(error.extensionID == Self.id)
        }
        await registry.shutdown()
        // A rule that requires namespaces the host switched off: refused the same way.
        var perRule = TestPolicy.grantingEverythingDeclared
        perRule.extensions[Self.id] = PolicyRule(requiredIsolationLayers: ["namespaces"])
        let second = try await host.start(policy: perRule, isolationSwitches: IsolationSwitches(namespaces: false))
        await #expect(throws: ExtensionError.self) { try await second.activate(Self.id) }
        await second.shutdown()
    }
}
