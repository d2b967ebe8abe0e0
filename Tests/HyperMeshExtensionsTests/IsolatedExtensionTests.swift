import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// Native extensions with `isolation: process` (manifest or policy) run in a worker process through
/// the registry: their host calls reach the host's broker, a crash or a hang fails the extension
/// with the cause, and the host goes on.
@Suite struct IsolatedExtensionTests {
    static let id = "org.hypermesh.tests.isolated"

    /// Stages a C fixture of `Tests/Fixtures/c` (default `isolated_extension.c`) as the isolated
    /// package `id`, its manifest's fields replaced by `overrides`.
    static func stage(_ host: SecurityHost, fixture: String = "isolated", id: String = id, manifest overrides: [String: Any] = [:]) throws {
        let library = host.root.appendingPathComponent("build/\(fixture).so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildC(source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/\(fixture)_extension.c"),
                                    output: library, warningsAsErrors: false)
        var manifest: [String: Any] = [
            "id": id, "name": "Isolated", "version": "1.0.0", "kind": "native", "entry": "lib\(fixture).so",
            "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["storage"], "isolation": "process",
            "quotas": ["cpuMillisecondsPerCall": 100, "fileDescriptors": 32],
        ]
        for (key, value) in overrides { manifest[key] = value }
        try PackageStager.stage(manifest: manifest, payload: library, entryName: "lib\(fixture).so",
                                into: host.extensionsDirectory.appendingPathComponent(id))
    }

    @Test func anIsolatedExtensionAnswersAndItsHostCallsGoThroughTheBroker() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        let registry = try await host.start()
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "echo", "hello") == "hello")
        #expect(try await registry.callText(Self.id, "put", "stored through the host") == "stored through the host")
        #expect(try await registry.info(Self.id).hostCalls >= 2)
        #expect(try await registry.callText(Self.id, "socket", "").contains("result=-1"), "seccomp refuses sockets")
        await registry.shutdown()
    }

    @Test func aWorkerThatCrashesFailsTheExtensionWithTheSignalAndTheHostGoesOn() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        try host.stageBystander()
        let registry = try await host.start()
        try await registry.activate(Self.id)
        try await registry.activate(SecurityHost.bystanderID)
        let error = try #require(await registry.failure(Self.id, "crash", ""))
        #expect(error.code == .workerCrashed, "\(error)")
        #expect(error.cause?.contains("SIGSEGV") == true || error.cause?.contains("signal 11") == true, "\(error)")
        #expect(error.cause?.contains("crash") == true)
        #expect(await registry.waitUntil(Self.id) { if case .failed = $0 { true } else { false } })
        #expect(try host.auditRecords(of: Self.id).contains { $0.message.contains("isolated worker ended") })
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}")
        // An operator (or a supervisor) activates it again: a new worker.
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "echo", "again") == "again")
        await registry.shutdown()
    }

    @Test func aWorkerThatHangsIsKilledAtTheDeadline() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        let registry = try await host.start()
        try await registry.activate(Self.id)
        let error = try #require(await registry.failure(Self.id, "spin", ""))
        #expect(error.code == .workerDeadlineExceeded, "\(error)")
        #expect(await registry.waitUntil(Self.id) { if case .failed = $0 { true } else { false } })
        await registry.shutdown()
    }

    @Test func thePolicyCanForceIsolation() async throws {
        let host = SecurityHost()
        try Self.stage(host, manifest: ["isolation": "in-process"])
        var policy = TestPolicy.grantingEverythingDeclared
        policy.extensions[Self.id] = PolicyRule(allow: [.storage], isolation: .process)
        let registry = try await host.start(policy: policy)
        try await registry.activate(Self.id)
        // In a worker, fork is refused by seccomp; in-process it would succeed.
        #expect(try await registry.callText(Self.id, "fork", "").contains("result=-1"))
        await registry.shutdown()
    }

    /// `isolation` in inspection is where the extension runs while loaded, not where a policy
    /// changed since would run it (it takes effect at the next load).
    @Test func inspectionShowsWhereALoadedExtensionRunsNotWhereThePolicyNowSays() async throws {
        let host = SecurityHost()
        try Self.stage(host, manifest: ["isolation": "in-process"])
        var policy = TestPolicy.grantingEverythingDeclared
        let registry = try await host.start(policy: policy)
        try await registry.activate(Self.id)
        #expect(try await registry.info(Self.id).isolation == "in-process")
        policy.extensions[Self.id] = PolicyRule(allow: [.storage], isolation: .process)
        await registry.setPolicy(policy)
        #expect(try await registry.info(Self.id).isolation == "in-process")
        #expect(try await registry.callText(Self.id, "fork", "").contains("result=1"), "still in the host's process")
        await registry.shutdown()
    }
}

extension IsolatedExtensionTests {
    @Test func inspectionShowsTheIsolationAndTheConfinementApplied() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        let registry = try await host.start()
        #expect(try await registry.info(Self.id).isolation == "process")
        try await registry.activate(Self.id)
        let confinement = try #require(try await registry.info(Self.id).confinement)
        #expect(confinement.contains { $0.hasPrefix("seccomp") })
        #expect(confinement.contains { $0.hasPrefix("no_new_privs") || $0.contains("no_new_privs") })
        // Every step says applied, unavailable (with why) or failed: nothing is skipped silently.
        #expect(confinement.allSatisfy { $0.contains("applied") || $0.contains("unavailable") || $0.contains("failed") }, "\(confinement)")
        let report = QuotaEnforcement.report(for: try await registry.info(Self.id).manifest, isolation: .process)
        #expect(report.first { $0.quota == "fileDescriptors" }?.level == .enforced)
        await registry.shutdown()
    }
}

extension IsolatedExtensionTests {
    @Test func quotasNear2To64GiveSaturatedLimitsNotACrash() async throws {
        let host = SecurityHost()
        try Self.stage(host, manifest: ["quotas": ["cpuMillisecondsPerCall": UInt64.max, "cpuMillisecondsTotal": UInt64.max]])
        let registry = try await host.start()
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "echo", "still here") == "still here")
        let report = QuotaEnforcement.report(for: try await registry.info(Self.id).manifest, isolation: .process)
        #expect(report.first { $0.quota == "cpuMillisecondsPerCall" }?.mechanism.contains("\(UInt64.max) ms") == true)
        await registry.shutdown()
    }
}

/// The hostile cases the kernel stops, through the registry: each leaves the host running and the
/// extension failed with the cause in the audit log, or refused by the limit without harm.
extension IsolatedExtensionTests {
    @Test func anExtensionThatAllocatesUntilItDiesEndsFailedAndAudited() async throws {
        let host = SecurityHost()
        try Self.stage(host, manifest: ["quotas": ["cpuMillisecondsPerCall": 2_000, "memoryBytes": 256 << 20]])
        try host.stageBystander()
        let registry = try await host.start()
        try await registry.activate(Self.id)
        try await registry.activate(SecurityHost.bystanderID)
        let error = try #require(await registry.failure(Self.id, "allocate", ""))
        #expect(error.code == .workerCrashed, "the address-space limit stops it: \(error)")
        #expect(error.cause?.contains("allocate") == true)
        #expect(await registry.waitUntil(Self.id) { $0.isFailed })
        #expect(try host.auditRecords(of: Self.id).contains { $0.message.contains("isolated worker ended") && $0.message.contains("allocate") })
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}")
        await registry.shutdown()
    }

    /// The descriptor limit is the kernel's: `open` fails with EMFILE inside the worker, the
    /// extension sees the error and goes on (nothing crashed, so it stays active), and the host's
    /// own descriptors are untouched.
    @Test func anExtensionThatOpensFilesUntilTheLimitIsStoppedByTheKernel() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        let registry = try await host.start()
        try await registry.activate(Self.id)
        let answer = try await registry.callText(Self.id, "open_files", "")
        let opened = try #require(answer.split(separator: " ").first?.split(separator: "=").last.flatMap { Int($0) }, "\(answer)")
        #expect(opened < 32, "fileDescriptors is 32: \(answer)")
        #expect(answer.hasSuffix("errno=24"), "EMFILE: \(answer)")
        #expect(try await registry.state(of: Self.id) == .active)
        #expect(try await registry.callText(Self.id, "echo", "still serving") == "still serving")
        await registry.shutdown()
    }
}

/// What the seccomp filter refuses is reported by the worker and becomes a `sandbox_refused`
/// violation: audited with the system call's name, counted toward the suspension threshold.
extension IsolatedExtensionTests {
    @Test func refusedSocketsAndProcessesAreAuditedAndEndInASuspension() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        try host.stageBystander()
        var policy = TestPolicy.grantingEverythingDeclared
        policy.extensions[Self.id] = PolicyRule(allow: [.storage], violations: ViolationSettings(windowSeconds: 60, threshold: 3))
        let registry = try await host.start(policy: policy)
        try await registry.activate(Self.id)
        try await registry.activate(SecurityHost.bystanderID)
        // The extension sees an ordinary EPERM (errno 1).
        #expect(try await registry.callText(Self.id, "socket", "") == "result=-1 errno=1")
        #expect(try await registry.callText(Self.id, "fork", "") == "result=-1 errno=1")
        #expect(try await registry.callText(Self.id, "exec", "") == "result=-1 errno=1")
        _ = await registry.failure(Self.id, "socket", "")
        #expect(await registry.waitUntil(Self.id) { $0.isSuspended })
        let violations = try host.auditRecords(of: Self.id, kinds: [.violation]).map(\.message)
        #expect(violations.contains("the sandbox refused socket during call socket"), "\(violations)")
        #expect(violations.contains { $0.hasPrefix("the sandbox refused clone (a new process) during call fork") || $0.hasPrefix("the sandbox refused fork during call fork") },
                "\(violations)")
        #expect(violations.contains("the sandbox refused execve during call exec"), "\(violations)")
        let suspension = try host.auditRecords(of: Self.id, kinds: [.suspension]).map(\.message)
        #expect(suspension.contains { $0.contains("'sandbox_refused' violations") }, "\(suspension)")
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}")
        await registry.shutdown()
    }

    @Test func aFullDescriptorTableIsReported() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        let registry = try await host.start()
        try await registry.activate(Self.id)
        _ = try await registry.callText(Self.id, "open_files", "")
        let violations = try host.auditRecords(of: Self.id, kinds: [.violation]).map(\.message)
        #expect(violations.contains("the sandbox refused a descriptor past the open-files limit (32) during call open_files"), "\(violations)")
        await registry.shutdown()
    }
}

extension IsolatedExtensionTests {
    /// The worker may signal itself (raise, abort) but not its host or anyone else, and io_uring,
    /// whose operations could open sockets, is refused: each refusal is audited with its name.
    @Test func signalsToTheHostAndIoUringAreRefusedAndAudited() async throws {
        let host = SecurityHost()
        try Self.stage(host)
        let registry = try await host.start()
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "signal_self", "") == "result=0 errno=0")
        #expect(try await registry.callText(Self.id, "signal_host", "") == "result=-1 errno=1")
        #expect(try await registry.callText(Self.id, "io_uring", "") == "result=-1 errno=1")
        let violations = try host.auditRecords(of: Self.id, kinds: [.violation]).map(\.message)
        #expect(violations.contains("the sandbox refused kill (another process) during call signal_host"), "\(violations)")
        #expect(violations.contains("the sandbox refused io_uring_setup during call io_uring"), "\(violations)")
        #expect(!violations.contains { $0.contains("signal_self") }, "\(violations)")
        await registry.shutdown()
    }
}

/// An isolated call's CPU is what its worker used, read by the host from the worker's process CPU
/// clock (the calling thread only waits): per-call and total CPU quotas see it.
extension IsolatedExtensionTests {
    @Test func aCallsCPUIsTheWorkersAndItsQuotaSeesIt() async throws {
        let host = SecurityHost()
        try Self.stage(host, manifest: ["quotas": ["cpuMillisecondsPerCall": 5, "cpuMillisecondsTotal": 60]])
        let registry = try await host.start()
        try await registry.activate(Self.id)
        #expect(try await registry.callText(Self.id, "burn", "40") == "burned")
        let violation = try #require(try host.auditRecords(of: Self.id, kinds: [.violation]).first { $0.details["violation"] == "cpu_per_call" })
        #expect(Int(violation.details["cpu_ms"] ?? "") ?? 0 >= 40, "\(violation)")
        #expect(try await registry.info(Self.id).security?.cpuMillisecondsUsed ?? 0 >= 40)
        _ = try await registry.callText(Self.id, "burn", "30")
        let refused = try #require(await registry.failure(Self.id, "echo", "x"))
        #expect(refused.code == .quotaExceeded, "\(refused)")
        await registry.shutdown()
    }
}
