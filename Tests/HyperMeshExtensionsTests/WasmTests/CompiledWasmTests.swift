import Foundation
import HyperMeshAudit
@testable import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Testing

/// The compiled tier (`"engine": "compiled"`): a wasm module compiled to native code and run in an
/// isolated worker holds what the interpreter holds: the same answers, host API and capabilities,
/// traps as typed `wasm.*` errors and violations, the memory limit; what fuel stops, the worker's
/// deadline stops.
/// Serialized: each test compiles a module with clang, and a compiler per test at once would starve
/// the timing-sensitive tests of a whole run on a small machine.
@Suite(.serialized, .timeLimit(.minutes(10))) struct CompiledWasmTests {
    static var compiled: [String: Any] { ["engine": "compiled"] }

    /// Whether this machine can compile (bootstrap.sh installs wabt; clang comes with Swift).
    static var toolchainPresent: Bool { (try? WasmCompilerToolchain.detected.get()) != nil }

    @Test func theHelloExampleAnswersOnTheCompiledTierChosenByThePolicy() async throws {
        try #require(Self.toolchainPresent, "wasm2c and clang are needed (scripts/bootstrap.sh installs wabt)")
        let host = SecurityHost()
        let (id, _) = try host.stageWasmExample("wasm-hello-c")
        var policy = TestPolicy.grantingEverythingDeclared
        policy.extensions[id, default: PolicyRule()].engine = .compiled
        let registry = try await host.start(policy: policy)
        try await registry.activate(id)
        #expect(try await registry.callText(id, "echo", "bytes back") == "bytes back")
        #expect(try await registry.callText(id, "greet", #"{"name":"Ada"}"#) == #"{"greeting":"hello, Ada"}"#)
        #expect(try await registry.callText(id, "count") == #"{"count":1}"#)
        #expect(try await registry.callText(id, "count") == #"{"count":2}"#)
        let unknown = try #require(await registry.failure(id, "nope"))
        #expect(unknown.code == .methodFailed)
        #expect(unknown.message.hasSuffix("UNKNOWN_METHOD"))
        #expect(unknown.cause?.contains("known methods") == true)
        let info = try await registry.info(id)
        #expect(info.isolation == "process")
        #expect(info.wasm?.engine?.engine == .compiled)
        #expect(info.wasm?.engine?.reason.contains("the operator's policy") == true, "\(String(describing: info.wasm?.engine))")
        #expect(info.wasm?.compiledLibraryKey != nil)
        await registry.shutdown()
    }

    @Test func trapsAreTypedErrorsAndViolationsAndTheNextCallGetsAFreshInstance() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: Self.compiled)
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        #expect(try await registry.callText(SecurityHost.wasmID, "bump") == "1")
        #expect(try await registry.callText(SecurityHost.wasmID, "bump") == "2")
        #expect(await registry.failure(SecurityHost.wasmID, "unreachable")?.code == .wasmUnreachable)
        #expect(try await registry.callText(SecurityHost.wasmID, "bump") == "1", "a trap discards the instance")
        let oob = try #require(await registry.failure(SecurityHost.wasmID, "oob_pointer"))
        #expect(oob.code == .wasmOutOfBounds)
        #expect(oob.message.contains("ends past the guest's memory"), "\(oob)")
        #expect(await registry.failure(SecurityHost.wasmID, "huge_output")?.code == .wasmOutOfBounds)
        let violations = try host.auditRecords(of: SecurityHost.wasmID, kinds: [.violation]).filter { $0.details["violation"] == "wasm_trap" }
        #expect(violations.map { $0.details["trap"] } == ["wasm.unreachable", "wasm.out_of_bounds", "wasm.out_of_bounds"])
        let info = try await registry.info(SecurityHost.wasmID)
        #expect(info.security?.violations["wasm_trap"] == 3)
        #expect(info.hostCalls == 0, "the out-of-bounds pointer never reached the broker")
        #expect(info.state == .active)
        #expect(try await registry.callText(SecurityHost.wasmID, "echo", "after") == "after")
        await registry.shutdown()
    }

    @Test func memoryGrowthStopsAtTheQuota() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: Self.compiled.merging(["quotas": ["memoryBytes": 1 << 20]]) { $1 })
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        let error = try #require(await registry.failure(SecurityHost.wasmID, "grow"))
        #expect(error.code == .wasmMemoryLimit, "\(error)")
        #expect(try host.auditRecords(of: SecurityHost.wasmID, kinds: [.violation]).first?.details["trap"] == "wasm.memory_limit")
        #expect(try await registry.callText(SecurityHost.wasmID, "echo", "still") == "still")
        await registry.shutdown()
    }

    @Test func aGuestThatLoopsForeverIsStoppedByTheWorkersDeadlineAndTheHostGoesOn() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: Self.compiled.merging(["quotas": ["cpuMillisecondsPerCall": 20]]) { $1 })
        try host.stageBystander()
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        try await registry.activate(SecurityHost.bystanderID)
        let error = try #require(await registry.failure(SecurityHost.wasmID, "spin"))
        #expect(error.code == .workerDeadlineExceeded, "\(error)")
        #expect(try await registry.callText(SecurityHost.bystanderID, "put", #"{"key":"k","value":"v"}"#) == "{}")
        await registry.shutdown()
    }

    @Test func aHostFunctionWithoutTheCapabilityIsDeniedThroughTheBroker() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: Self.compiled.merging(["capabilities": ["storage", "events"]]) { $1 })
        var policy = SecurityPolicy()
        policy.allow([.events], for: SecurityHost.wasmID)
        policy.deny([.storage], for: SecurityHost.wasmID)
        let registry = try await host.start(policy: policy)
        try await registry.activate(SecurityHost.wasmID)
        let error = try #require(await registry.failure(SecurityHost.wasmID, "storage_put", "v"))
        #expect(error.code == .methodFailed)
        #expect(error.message.hasSuffix("PERMISSION_DENIED"))
        #expect(error.cause?.contains("'storage'") == true, "\(error)")
        #expect(try host.auditRecords(of: SecurityHost.wasmID, kinds: [.denial]).first?.details["capability"] == "storage")
        await registry.shutdown()
    }

    @Test func allowedStorageWritesGoThroughTheBrokerAndLifecycleEntriesRun() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(defines: ["GUEST_LIFECYCLE": ""], manifest: Self.compiled)
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        #expect(try await registry.callText(SecurityHost.wasmID, "storage_put", "value") == "stored")
        #expect(try await registry.info(SecurityHost.wasmID).hostCalls >= 1)
        _ = try await registry.callText(SecurityHost.wasmID, "bump")
        let health = try await registry.info(SecurityHost.wasmID).health
        #expect(health?.detail?.contains("bumps: 1") == true, "\(String(describing: health))")
        await registry.shutdown()
    }

    @Test func anImportTheManifestDidNotDeclareFailsTheLoadBeforeAnyCompilation() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(fixture: .importUndeclared, manifest: Self.compiled.merging(["capabilities": ["storage"]]) { $1 })
        let registry = try await host.start()
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(SecurityHost.wasmID) }
        #expect(error?.code == .wasmImportRefused)
        let cache = host.stateDirectory.appendingPathComponent("compiled-wasm").path
        let compiled = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        #expect(compiled.isEmpty, "nothing was compiled: \(compiled)")
        await registry.shutdown()
    }

    @Test func unboundedRecursionIsATrapAndNotACrashOfTheWorker() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try FileManager.default.createDirectory(at: host.root, withIntermediateDirectories: true)
        let text = host.root.appendingPathComponent("recursion.wat")
        let module = host.root.appendingPathComponent("recursion.wasm")
        // hypermesh_handle: method "deep" recurses without end (x - down(x + 1): not a form the
        // C compiler can turn into a loop); anything else answers 0.
        try """
            (module
              (memory (export "memory") 1)
              (func (export "hypermesh_alloc") (param i32) (result i32) i32.const 1024)
              (func $down (param i32) (result i32)
                local.get 0 local.get 0 i32.const 1 i32.add call $down i32.sub)
              (func (export "hypermesh_handle") (param i32 i32 i32 i32) (result i32)
                local.get 1 i32.const 4 i32.eq
                if (result i32) i32.const 0 call $down else i32.const 0 end))
            """.write(to: text, atomically: true, encoding: .utf8)
        try ToolRunner.run(try ToolRunner.locate(["wat2wasm"]), [text.path, "-o", module.path], purpose: "assemble recursion.wat")
        try host.stageWasm(id: SecurityHost.wasmID, module: module, manifest: Self.compiled)
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        let error = try #require(await registry.failure(SecurityHost.wasmID, "deep"))
        #expect(error.code == .wasmTrap, "\(error)")
        #expect(error.message.contains("call stack exhausted"), "\(error)")
        #expect(try await registry.callText(SecurityHost.wasmID, "ok") == "")
        #expect(try await registry.info(SecurityHost.wasmID).state == .active)
        await registry.shutdown()
    }

    @Test func withoutTheCompilersTheExtensionRunsInterpretedAndInspectSaysWhy() async throws {
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: Self.compiled)
        let missing = WasmCompilerUnavailable(reason: "wasm2c is not installed (Debian: apt-get install wabt)")
        let registry = try await host.start(wasmCompilerToolchain: .failure(missing))
        try await registry.activate(SecurityHost.wasmID)
        #expect(try await registry.callText(SecurityHost.wasmID, "echo", "x") == "x")
        let info = try await registry.info(SecurityHost.wasmID)
        #expect(info.isolation == nil)
        #expect(info.wasm?.engine?.engine == .interpreted)
        #expect(info.wasm?.engine?.requested == .compiled)
        #expect(info.wasm?.engine?.reason.contains("wasm2c is not installed") == true)
        await registry.shutdown()
    }

    @Test func aSecondLoadOfTheSameModuleUsesTheCompiledLibraryFromTheCache() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: Self.compiled)
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        let first = try await registry.info(SecurityHost.wasmID).wasm
        #expect((first?.compileSeconds ?? 0) > 0)
        await registry.shutdown()
        // A new registry over the same state folder (a restarted host) loads the module again.
        let restarted = try await host.start()
        try await restarted.activate(SecurityHost.wasmID)
        let second = try await restarted.info(SecurityHost.wasmID).wasm
        #expect(second?.compileSeconds == 0)
        #expect(second?.compiledLibraryKey == first?.compiledLibraryKey)
        #expect(try await restarted.callText(SecurityHost.wasmID, "echo", "again") == "again")
        await restarted.shutdown()
    }

    @Test func aTamperedLibraryInTheCacheIsCompiledAgain() async throws {
        try #require(Self.toolchainPresent)
        let host = SecurityHost()
        try host.stageWasmGuest(manifest: Self.compiled)
        let registry = try await host.start()
        try await registry.activate(SecurityHost.wasmID)
        let key = try #require(try await registry.info(SecurityHost.wasmID).wasm?.compiledLibraryKey)
        await registry.shutdown()
        let library = host.stateDirectory.appendingPathComponent("compiled-wasm/\(key).so")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: library.path)
        try Data("not a library".utf8).write(to: library)
        let restarted = try await host.start()
        try await restarted.activate(SecurityHost.wasmID)
        #expect((try await restarted.info(SecurityHost.wasmID).wasm?.compileSeconds ?? 0) > 0, "compiled again")
        #expect(try await restarted.callText(SecurityHost.wasmID, "echo", "fresh") == "fresh")
        await restarted.shutdown()
    }
}

/// The compiled tier's pure parts: the glue's copy of the ABI header and wasm2c's header.
@Suite struct CompiledWasmGlueTests {
    @Test func theGluesCopyOfTheABIHeaderIsTheRepositorysOwn() throws {
        let header = ExtensionBuilder.repositoryRoot.appendingPathComponent("Sources/CHyperMeshABI/include/hypermesh_extension.h")
        #expect(CompiledWasmShimSource.abiHeader + "\n" == (try String(contentsOf: header, encoding: .utf8)))
    }

    @Test func wasm2cSymbolsAreReadFromItsHeaderAndAnUnknownImportIsRefused() throws {
        let header = """
            struct Z_app_instance_t;
            void Z_hm_guest_instantiate(Z_hm_guest_instance_t*, struct Z_app_instance_t*, struct Z_hypermesh_instance_t*);
            /* import: 'app' 'notify.me' */
            u32 Z_appZ_notifyZ2Eme(struct Z_app_instance_t*, u32, u32, u32, u32);
            /* import: 'hypermesh' 'output' */
            void Z_hypermeshZ_output(struct Z_hypermesh_instance_t*, u32, u32);
            /* export: 'memory' */
            wasm_rt_memory_t* Z_hm_guestZ_memory(Z_hm_guest_instance_t* instance);
            /* export: 'hypermesh_alloc' */
            u32 Z_hm_guestZ_hypermesh_alloc(Z_hm_guest_instance_t*, u32);
            /* export: 'hypermesh_handle' */
            u32 Z_hm_guestZ_hypermesh_handle(Z_hm_guest_instance_t*, u32, u32, u32, u32);
            """
        let config = try CompiledWasmConfig(header: header)
        #expect(config.imports.map(\.symbol) == ["Z_appZ_notifyZ2Eme", "Z_hypermeshZ_output"])
        let text = try config.header(moduleHeader: "module.h", id: "org.x\"y", version: "1.0.0", name: "N", memoryLimitPages: 16, tableLimit: 10)
        #expect(text.contains("#define HM_IMPORT_output Z_hypermeshZ_output"))
        #expect(text.contains(#"X(Z_appZ_notifyZ2Eme, "notify.me")"#))
        #expect(text.contains(#"#define HM_EXTENSION_ID "org.x\042y""#))
        #expect(text.contains("Z_hm_guest_instantiate(&(shim)->instance, &(shim)->app_imports, &(shim)->hypermesh_imports)"))

        let foreign = try CompiledWasmConfig(header: header.replacingOccurrences(of: "'hypermesh' 'output'", with: "'hypermesh' 'vm_execute'"))
        #expect(throws: CompiledWasmConfig.Problem.self) {
            try foreign.header(moduleHeader: "module.h", id: "a", version: "1.0.0", name: "N", memoryLimitPages: 16, tableLimit: 10)
        }
        let noHandle = try CompiledWasmConfig(header: header.replacingOccurrences(of: "'hypermesh_handle'", with: "'other'"))
        #expect(throws: CompiledWasmConfig.Problem.self) {
            try noHandle.header(moduleHeader: "module.h", id: "a", version: "1.0.0", name: "N", memoryLimitPages: 16, tableLimit: 10)
        }
    }

    @Test func theToolchainIsFoundOnThePathOrReportedMissing() {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-tools-\(UUID().uuidString)").path
        guard case .failure(let missing) = WasmCompilerToolchain.detect(environment: ["PATH": empty]) else {
            Issue.record("an empty PATH has no wasm2c")
            return
        }
        #expect(missing.reason.contains("wasm2c is not installed"))
        guard case .failure(let explicit) = WasmCompilerToolchain.detect(environment: ["HYPERMESH_WASM2C": "/nonexistent/wasm2c"]) else {
            Issue.record("a wasm2c that does not exist is not a toolchain")
            return
        }
        #expect(explicit.reason.contains("HYPERMESH_WASM2C=/nonexistent/wasm2c"))
    }
}
