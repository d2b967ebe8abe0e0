import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Synchronization
import Testing

/// WebAssembly extensions through the registry: the same host API, broker, audit and violations as
/// native ones, with traps that cost the host nothing.
@Suite struct WasmExtensionTests {
    @Test(arguments: ["wasm-hello-c", "wasm-hello-swift"])
    func theHelloExamplesAnswerAndKeepStateInHostStorage(example: String) async throws {
        let host = SecurityHost()
        let (id, _) = try host.stageWasmExample(example)
        let registry = try await host.start()
        try await registry.activate(id)
        #expect(try await registry.callText(id, "echo", "bytes back") == "bytes back")
        #expect(try await registry.callText(id, "greet", #"{"name":"Ada"}"#) == #"{"greeting":"hello, Ada"}"#)
        #expect(try await registry.callText(id, "count") == #"{"count":1}"#)
        #expect(try await registry.callText(id, "count") == #"{"count":2}"#)
        let unknown = try #require(await registry.failure(id, "nope"))
        #expect(unknown.code == .methodFailed)
        #expect(unknown.message.hasSuffix("UNKNOWN_METHOD"))
        #expect(unknown.cause?.contains("known methods") == true)
        await registry.shutdown()
    }

    @Test func aGuestThatLoopsForeverIsStoppedByFuelAuditedAndTheHostGoesOn() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: ["quotas": ["cpuMillisecondsPerCall": 20]])
        try host.stageBystander()
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        try await registry.activate(SecurityHost.bystanderID)

        let error = try #require(await registry.failure(SecurityHost.wasmID, "spin"))
        #expect(error.code == .wasmOutOfFuel, "\(error)")
        // The trap is a violation; the call's CPU time over its quota may be one too (cpu_per_call).
        let violations = try host.auditRecords(of: SecurityHost.wasmID, kinds: [.violation]).filter { $0.details["violation"] == "wasm_trap" }
        #expect(violations.count == 1)
        #expect(violations.first?.details["trap"] == "wasm.out_of_fuel")
        let info = try await registry.info(SecurityHost.wasmID)
        #expect(info.security?.violations["wasm_trap"] == 1)
        #expect(info.state == .active)
        #expect(try await registry.callText(SecurityHost.wasmID, "echo", "after") == "after")
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}")
        await registry.shutdown()
    }

    @Test func memoryGrowthStopsAtTheQuota() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: ["quotas": ["memoryBytes": 1 << 20]])
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        let error = try #require(await registry.failure(SecurityHost.wasmID, "grow"))
        #expect(error.code == .wasmMemoryLimit, "\(error)")
        #expect(try host.auditRecords(of: SecurityHost.wasmID, kinds: [.violation]).first?.details["trap"] == "wasm.memory_limit")
        await registry.shutdown()
    }

    @Test func unreachableAndBadPointersAreTypedTraps() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest()
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        #expect(await registry.failure(SecurityHost.wasmID, "unreachable")?.code == .wasmUnreachable)
        #expect(await registry.failure(SecurityHost.wasmID, "oob_pointer")?.code == .wasmOutOfBounds)
        #expect(await registry.failure(SecurityHost.wasmID, "huge_output")?.code == .wasmOutOfBounds)
        #expect(try await registry.info(SecurityHost.wasmID).security?.violations["wasm_trap"] == 3)
        #expect(try await registry.info(SecurityHost.wasmID).hostCalls == 0, "the out-of-bounds pointer never reached the broker")
        await registry.shutdown()
    }

    @Test func aHostFunctionWithoutTheCapabilityIsDeniedThroughTheBroker() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: ["capabilities": ["storage", "events"]])
        var policy = SecurityPolicy()
        policy.allow([.events], for: SecurityHost.wasmID)
        policy.deny([.storage], for: SecurityHost.wasmID)
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.wasmID)
        let error = try #require(await registry.failure(SecurityHost.wasmID, "storage_put", "v"))
        #expect(error.code == .methodFailed)
        #expect(error.message.hasSuffix("PERMISSION_DENIED"))
        #expect(error.cause?.contains("'storage'") == true, "\(error)")
        let denials = try host.auditRecords(of: SecurityHost.wasmID, kinds: [.denial])
        #expect(denials.count == 1)
        #expect(denials.first?.details["capability"] == "storage")
        let info = try await registry.info(SecurityHost.wasmID)
        #expect(info.hostDenials == 1)
        #expect(info.security?.violations["capability_denied"] == 1)
        await registry.shutdown()
    }

    @Test func anImportTheManifestDidNotDeclareFailsTheLoadNamingIt() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest(fixture: .importUndeclared, manifest: ["capabilities": ["storage"]])
        let registry = try await host.start()
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(SecurityHost.wasmID) }
        #expect(error?.code == .wasmImportRefused)
        #expect(error?.message.contains("hypermesh.http_request") == true)
        #expect(error?.message.contains("networkAccess") == true)
        guard case .failed = try await registry.state(of: SecurityHost.wasmID) else {
            Issue.record("the extension should be failed")
            return
        }
        await registry.shutdown()
    }

    @Test func aMalformedModuleFailsTheLoad() async throws {
        let host = SecurityHost()
        let bytes = host.root.appendingPathComponent("garbage.wasm")
        try FileManager.default.createDirectory(at: host.root, withIntermediateDirectories: true)
        try Data([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x05, 0x03, 0xff, 0xff]).write(to: bytes)
        try host.stageWasm(id: SecurityHost.wasmID, module: bytes)
        let registry = try await host.start()
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(SecurityHost.wasmID) }
        #expect(error?.code == .wasmMalformedModule)
        await registry.shutdown()
    }

    @Test func aModuleChangedAfterVerificationIsRefused() async throws {
        let host = SecurityHost()
        let directory = try host.stageWasmGuest()
        let registry = try await host.start()
        let module = directory.appendingPathComponent("guest.wasm")
        var bytes = try Data(contentsOf: module)
        bytes.append(0)
        try bytes.write(to: module)
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(SecurityHost.wasmID) }
        #expect(error?.code == .invalidPackage)
        #expect(error?.message.contains("changed after verification") == true)
        await registry.shutdown()
    }

    @Test func inspectionShowsLimitsImportsAndFuel() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: ["quotas": ["cpuMillisecondsPerCall": 30, "memoryBytes": 8 << 20]])
        let registry = try await host.start()
        let before = try #require(try await registry.info(SecurityHost.wasmID).wasm)
        #expect(before.imports?.contains("hypermesh.storage_put") == true)
        #expect(before.memoryLimitBytes == 8 << 20)
        #expect(before.deadlineMilliseconds == 1_000, "10 × the CPU quota, at least 1 s")
        #expect(before.fuelPerCall == before.fuelPerMillisecond * 30)
        #expect(before.fuelUsedTotal == nil)
        try await registry.activate(SecurityHost.wasmID)
        _ = try await registry.callText(SecurityHost.wasmID, "compute", "1000")
        let after = try #require(try await registry.info(SecurityHost.wasmID).wasm)
        #expect((after.fuelUsedLastCall ?? 0) > 1_000)
        let report = QuotaEnforcement.report(for: try await registry.info(SecurityHost.wasmID).manifest, quotas: nil,
                                             wasmFuelPerMillisecond: after.fuelPerMillisecond)
        #expect(report.first { $0.quota == "memoryBytes" }?.level == .enforced)
        #expect(report.first { $0.quota == "cpuMillisecondsPerCall" }?.level == .enforced)
        await registry.shutdown()
    }

    @Test func repeatedTrapsSuspendTheExtension() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest()
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        var suspended = false
        for _ in 0..<50 where !suspended {
            let error = await registry.failure(SecurityHost.wasmID, "unreachable")
            suspended = error?.code == .suspended
        }
        #expect(suspended)
        #expect(try host.auditRecords(of: SecurityHost.wasmID, kinds: [.suspension]).count >= 1)
        await registry.shutdown()
    }
}

extension WasmExtensionTests {
    /// A wasm guest with `hypermesh_export_state` / `hypermesh_import_state` keeps its in-memory
    /// counter across a hot reload; one without them starts empty.
    @Test func aReloadHandsTheGuestsStateOver() async throws {
        let host = SecurityHost()
        let defines = ["GUEST_STATE_HANDOVER": "1"]
        try host.stageWasmGuest(defines: defines)
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        for expected in ["1", "2", "3"] { #expect(try await registry.callText(SecurityHost.wasmID, "bump", "") == expected) }
        try host.stageWasmGuest(defines: defines, manifest: ["version": "1.1.0"])
        let next = try #require(await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
            .packages.first { $0.manifest.id == SecurityHost.wasmID })
        let report = try await registry.reload(to: next)
        #expect(report.hot && report.handedOverStateBytes == 1, "\(report)")
        #expect(try await registry.callText(SecurityHost.wasmID, "bump", "") == "4")
        #expect(try await registry.info(SecurityHost.wasmID).manifest.version.description == "1.1.0")

        try host.stageWasmGuest(manifest: ["version": "1.2.0"])
        let plain = try #require(await ExtensionDiscovery.discover(in: [host.extensionsDirectory], verifier: TestTrust.allowingUnsigned)
            .packages.first { $0.manifest.id == SecurityHost.wasmID })
        let second = try await registry.reload(to: plain)
        #expect(second.handedOverStateBytes == nil, "the new version has no import_state")
        #expect(try await registry.callText(SecurityHost.wasmID, "bump", "") == "1")
        await registry.shutdown()
    }

    @Test func withAConcurrencyQuotaCallsRunOnAPoolOfInstancesEachWithItsOwnMemory() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: ["quotas": ["concurrency": 4]])
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        let handle = try await registry.handle(for: SecurityHost.wasmID)
        #expect(try await registry.info(SecurityHost.wasmID).wasm?.instances == 1)
        // Four callers at once, each with calls long enough to overlap.
        let outputs = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<3 {
                _ = try? handle.call(method: "compute", input: Array("3000000".utf8))
                if let bump = try? handle.call(method: "bump", input: []) {
                    outputs.withLock { $0.append(String(decoding: bump, as: UTF8.self)) }
                }
            }
        }
        let wasm = try #require(try await registry.info(SecurityHost.wasmID).wasm)
        #expect(wasm.instanceLimit == 4)
        #expect((2...4).contains(wasm.instances ?? 0), "overlapping calls made pool instances: \(String(describing: wasm.instances))")
        // Each instance counts its own bumps: the twelve answers are not 1...12.
        #expect(outputs.withLock { $0.count } == 12)
        #expect(outputs.withLock { Set($0) } != Set((1...12).map(String.init)))
        // Deactivation releases the pool; a new activation starts with one instance again.
        try await registry.deactivate(SecurityHost.wasmID)
        try await registry.activate(SecurityHost.wasmID)
        #expect(try await registry.info(SecurityHost.wasmID).wasm?.instances == 1)
        await registry.shutdown()
    }

    @Test func withoutAConcurrencyQuotaOneInstanceServesEveryCallInTurn() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest()
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        let handle = try await registry.handle(for: SecurityHost.wasmID)
        let outputs = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<3 {
                if let bump = try? handle.call(method: "bump", input: []) {
                    outputs.withLock { $0.append(String(decoding: bump, as: UTF8.self)) }
                }
            }
        }
        #expect(outputs.withLock { Set($0) } == Set((1...12).map(String.init)))
        #expect(try await registry.info(SecurityHost.wasmID).wasm?.instances == 1)
        await registry.shutdown()
    }
}
