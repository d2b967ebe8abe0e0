import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// A native payload replaced in its package folder after verification is never mapped: not at the
/// first load, not when an isolated worker is restarted after a crash. The replacement is a valid
/// library with the same id and version (the fixture extension), which would otherwise load.
@Suite struct VerifiedPayloadTests {
    static let id = IsolatedExtensionTests.id

    /// Builds the fixture extension as `id` 1.0.0 and moves it over `payload` (a new file under the
    /// same name, as an attacker with write access to the folder would).
    static func swap(_ payload: URL, id: String, root: URL, defines: [String: String] = [:]) throws {
        var allDefines = defines
        allDefines["FIXTURE_ID"] = ExtensionBuilder.cString(id)
        allDefines["FIXTURE_VERSION"] = ExtensionBuilder.cString("1.0.0")
        let other = root.appendingPathComponent("build/swapped-\(UUID().uuidString).so")
        try FileManager.default.createDirectory(at: other.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildFixture(defines: allDefines, output: other)
        #expect(try Data(contentsOf: other) != Data(contentsOf: payload))
        #expect(rename(other.path, payload.path) == 0)
    }

    @Test func anIsolatedWorkerRestartedAfterACrashNeverMapsAPayloadSwappedOnDisk() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        let payload = host.extensionsDirectory.appendingPathComponent(Self.id).appendingPathComponent("libisolated.so")
        let original = try Data(contentsOf: payload)
        let registry = try await host.start(supervision: WorkerSupervisionTests.quick)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "echo", "first") == "first")
        // The worker maps a private copy under the state dir, not the package's file.
        let shadow = host.stateDirectory.appendingPathComponent("shadow").appendingPathComponent(Self.id)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: shadow.path)) ?? []).count == 1)

        try Self.swap(payload, id: Self.id, root: host.root)
        let crash = try #require(await registry.failure(Self.id, "crash", ""))
        #expect(crash.code == .workerCrashed)

        // Every restart refuses the swapped library, until the crash-loop breaker suspends it.
        #expect(await registry.waitUntil(Self.id) { $0.isSuspended })
        let info = try await registry.info(Self.id)
        #expect(info.workerRestarts == 0)
        let failures = try host.auditRecords(of: Self.id).filter { $0.details["event"] == "restart_failed" }
        #expect(!failures.isEmpty)
        #expect(failures.allSatisfy { $0.details["code"] == ExtensionErrorCode.payloadChanged.rawValue }, "\(failures.map(\.message))")
        #expect(failures.first?.message.contains("libisolated.so") == true, "\(failures.map(\.message))")
        // The fixture's `version` method answers only if the swapped library were mapped.
        #expect(await registry.failure(Self.id, "version", "") != nil)

        // With the verified bytes back in place, the operator's resume and activate start it again.
        try original.write(to: payload)
        try await registry.resume(Self.id)
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "echo", "back") == "back")
        #expect(await registry.failure(Self.id, "version", "") != nil)
        await registry.shutdown()
    }

    @Test func anIsolatedPayloadSwappedBeforeTheFirstLoadIsRefusedNamingTheFile() async throws {
        let host = SecurityHost()
        try IsolatedExtensionTests.stage(host)
        let registry = try await host.start()
        let payload = host.extensionsDirectory.appendingPathComponent(Self.id).appendingPathComponent("libisolated.so")
        try Self.swap(payload, id: Self.id, root: host.root)
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(Self.id) }
        #expect(error?.code == .payloadChanged)
        #expect(error?.extensionID == Self.id)
        #expect(error?.message.contains("libisolated.so") == true, "\(String(describing: error))")
        // No private copy is left behind.
        let shadow = host.stateDirectory.appendingPathComponent("shadow").appendingPathComponent(Self.id)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: shadow.path)) ?? []).isEmpty)
        await registry.shutdown()
    }

    @Test func anInProcessPayloadSwappedAfterVerificationIsRefusedBeforeDlopen() async throws {
        let host = FixtureHost()
        let id = "org.tests.swapped"
        let package = try host.stageFixture(id: id)
        let (registry, problems) = try await host.registryWithStagedPackages()
        #expect(problems.isEmpty)
        let payload = package.appendingPathComponent("libfixture.so")
        try Self.swap(payload, id: id, root: host.root, defines: ["FIXTURE_HEALTH_STATUS": ExtensionBuilder.cString("swapped")])
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(id) }
        #expect(error?.code == .payloadChanged)
        #expect(error?.extensionID == id)
        #expect(error?.message.contains("libfixture.so") == true, "\(String(describing: error))")
        #expect(dlopen(payload.path, RTLD_NOW | RTLD_NOLOAD) == nil, "the swapped library was mapped")
        await registry.shutdown()
    }

    @Test func aPayloadReplacedByAFIFOIsRefusedWithoutWaiting() async throws {
        let host = FixtureHost()
        let id = "org.tests.fifo-swapped"
        let package = try host.stageFixture(id: id)
        let (registry, _) = try await host.registryWithStagedPackages()
        let payload = package.appendingPathComponent("libfixture.so")
        try FileManager.default.removeItem(at: payload)
        let trap = try FIFOTrap(at: payload)
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(id) }
        trap.finish()
        #expect(!trap.wasNeeded)
        #expect(error?.code == .payloadChanged)
        #expect(error?.message.contains("libfixture.so") == true, "\(String(describing: error))")
        await registry.shutdown()
    }
}
