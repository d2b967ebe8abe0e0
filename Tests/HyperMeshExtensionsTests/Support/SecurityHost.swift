import Foundation
import HyperMeshAudit
import HyperMeshConsensusFunctions
import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport
import Metrics
import Tracing

/// A registry with a real audit log and an operator policy, over a fresh state folder, for the
/// security tests: stages the hostile extension (and a well-behaved fixture, to show the others
/// keep answering) and reads the audit trail back.
struct SecurityHost {
    let root = ExtensionBuilder.temporaryDirectory()
    var stateDirectory: URL { root.appendingPathComponent("state") }
    var extensionsDirectory: URL { root.appendingPathComponent("extensions") }
    var auditFile: URL { stateDirectory.appendingPathComponent("audit.sqlite") }

    static let hostileID = "org.tests.hostile"
    static let bystanderID = "org.tests.bystander"

    /// Stages the hostile extension as `id` with `manifest` overrides (capabilities, quotas, networkHosts…).
    @discardableResult
    func stageHostile(id: String = hostileID, version: String = "1.0.0", manifest overrides: [String: Any] = [:]) throws -> URL {
        let library = root.appendingPathComponent("build/\(id)-\(version).so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildC(source: ExtensionBuilder.hostileSource,
                                    defines: ["HOSTILE_ID": ExtensionBuilder.cString(id), "HOSTILE_VERSION": ExtensionBuilder.cString(version)],
                                    output: library)
        var manifest: [String: Any] = [
            "id": id, "name": "Hostile", "version": version, "kind": "native", "entry": "libhostile.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage"],
        ]
        for (key, value) in overrides { manifest[key] = value }
        return try PackageStager.stage(manifest: manifest, payload: library, entryName: "libhostile.so",
                                       into: extensionsDirectory.appendingPathComponent("\(id)-\(version)"))
    }

    /// Stages the well-behaved C fixture as ``bystanderID``.
    func stageBystander() throws {
        let library = root.appendingPathComponent("build/bystander.so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildFixture(defines: ["FIXTURE_ID": ExtensionBuilder.cString(Self.bystanderID)], output: library)
        let manifest: [String: Any] = [
            "id": Self.bystanderID, "name": "Bystander", "version": "1.0.0", "kind": "native", "entry": "libfixture.so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage"],
        ]
        try PackageStager.stage(manifest: manifest, payload: library, entryName: "libfixture.so",
                                into: extensionsDirectory.appendingPathComponent(Self.bystanderID))
    }

    /// A registry over the state folder with `policy` and the state folder's audit log, with
    /// everything staged registered. Workers are not restarted unless `supervision` says so. Each call opens a new registry (a host restart).
    func start(policy: SecurityPolicy = TestPolicy.grantingEverythingDeclared, consensus: (any ConsensusGateway)? = nil,
               hostFunctions: [HostFunctionSet] = [],
               supervision: SupervisionPolicy? = .noRestarts, isolationSwitches: IsolationSwitches = IsolationSwitches(),
               outboundHTTP: OutboundHTTPClient = .systemRootsOnly, metricsFactory: (any MetricsFactory)? = nil,
               tracer: (any Tracer)? = nil,
               wasmCompilerToolchain: Result<WasmCompilerToolchain, WasmCompilerUnavailable>? = nil) async throws -> ExtensionRegistry {
        let audit = SecurityAudit(log: try AuditLog(file: auditFile), logger: .init(label: "test"))
        let registry = ExtensionRegistry(stateStore: try StateStore(directory: stateDirectory), policy: policy, audit: audit,
                                         hostFunctions: (consensus.map { [HostFunctionSet.consensus($0)] } ?? []) + hostFunctions,
                                         metricsFactory: metricsFactory ?? MetricsSystem.factory,
                                         supervision: supervision, isolationSwitches: isolationSwitches, outboundHTTP: outboundHTTP,
                                         tracer: tracer, wasmCompilerToolchain: wasmCompilerToolchain)
        let problems = await registry.registerAll(ExtensionDiscovery.discover(in: [extensionsDirectory], verifier: TestTrust.allowingUnsigned))
        guard problems.isEmpty else { throw SecurityTestFailure("packages did not register: \(problems.map(\.error.description))") }
        return registry
    }

    /// The audit records about `id`, read with a separate connection (what a later reader sees).
    func auditRecords(of id: String, kinds: Set<AuditKind>? = nil) throws -> [AuditRecord] {
        let log = try AuditLog(file: auditFile)
        defer { log.close() }
        return try log.records(extensionID: id, kinds: kinds)
    }

    /// The data folder of `id`, as the host lays it out.
    func filesDirectory(of id: String) -> URL {
        stateDirectory.appendingPathComponent("files").appendingPathComponent(id)
    }
}

struct SecurityTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ExtensionRegistry {
    /// The error of a call that must fail.
    func failure(_ id: String, _ method: String, _ input: String = "{}") async -> ExtensionError? {
        do {
            _ = try await call(id, method: method, input: Array(input.utf8))
            return nil
        } catch {
            return error
        }
    }

    /// Waits (at most `seconds`) until `id` is in a state `matches` accepts; returns whether it did.
    /// The security layer stops an extension at once (its calls and host functions are refused
    /// from the deciding instant); the registry's lifecycle step follows on a task, which a busy
    /// test machine may run seconds later: hence the generous default.
    func waitUntil(_ id: String, seconds: Double = 90, _ matches: (LifecycleState) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let state = try? state(of: id), matches(state) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}

extension LifecycleState {
    var isSuspended: Bool {
        if case .suspended = self { return true }
        return false
    }
}
