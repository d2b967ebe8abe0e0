import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport
import HyperMeshWasm
import Logging
import Testing
@testable import HyperMeshExtensions

/// Every transport is derived from the one list of declarations: the wasm imports keep the
/// signatures of ABI 1, a function set can replace a built-in, app names and capabilities are
/// checked when they are declared.
@Suite struct HostFunctionDeclarationTests {
    @Test("the wasm imports derived from the declarations have the signatures guests were built against")
    func wasmSignatures() {
        let expected: [String: (parameters: Int, returnsStatus: Bool, capability: Capability?)] = [
            "log": (3, false, nil),
            "storage_get": (4, true, .storage), "storage_put": (4, true, .storage), "storage_delete": (2, true, .storage),
            "storage_list": (4, true, .storage), "storage_apply": (2, true, .storage),
            "register_asset_type": (2, true, .assetManagement), "emit_event": (4, true, .events),
            "file_read": (4, true, .fileSystemAccess), "file_write": (4, true, .fileSystemAccess), "file_list": (4, true, .fileSystemAccess),
            "http_request": (4, true, .networkAccess), "consensus_submit": (6, true, .consensusAccess),
        ]
        let offered = HostFunctionTable.builtIn.functions.filter(\.offeredToWasm)
        #expect(Set(offered.map(\.name)) == Set(expected.keys))
        for function in offered {
            let wasm = function.wasmImport(slot: 0)
            let want = expected[function.name]
            #expect(wasm.module == "hypermesh")
            #expect(wasm.parameterCount == want?.parameters, "\(function.name)")
            #expect(wasm.returnsStatus == want?.returnsStatus, "\(function.name)")
            #expect(wasm.capability == want?.capability, "\(function.name)")
        }
        #expect(HostFunctionTable.builtIn.function(.hypermesh, "vm_execute")?.offeredToWasm == false)
        let app = WasmHostFunctions.offered(module: "app", name: "notify")
        #expect(app?.parameterCount == 4 && app?.returnsStatus == true && app?.capability == Capability.app("notify"))
        #expect(WasmHostFunctions.offered(module: "app", name: "Not Valid") == nil)
        #expect(WasmHostFunctions.offered(module: "hypermesh", name: "vm_execute") == nil)
    }

    @Test("every fixed slot of the C table has a declaration, at a fixed position")
    func slots() {
        let names = HostFunctionTable.builtIn.functions.map(\.name)
        #expect(names == ["log", "storage_get", "storage_put", "storage_delete", "storage_list", "storage_apply", "register_asset_type",
                          "emit_event", "file_read", "file_write", "file_list", "http_request", "consensus_submit", "vm_execute"])
        #expect(HostFunctionTable.builtIn[BuiltInSlot.fileList].name == "file_list")
        #expect(MemoryLayout<hypermesh_host_api>.offset(of: \.app_call)! > MemoryLayout<hypermesh_host_api>.offset(of: \.vm_execute)!,
                "app_call is appended after the last slot of the first release")
        #expect(HostAPIBroker.table.pointee.app_call != nil)
        #expect(hypermesh_host_has_app_call(HostAPIBroker.table) != 0)
    }

    @Test("a later set replaces a built-in of the same name and keeps its slot")
    func replacement() {
        let replaced = HostFunctionTable(extra: [HostFunctionSet.consensusSubmit { kind, _, _ in Array("decided \(kind)".utf8) }]
            .map { HostFunctionSet(name: "consensus", functions: [$0]) })
        #expect(replaced.functions.count == HostFunctionTable.builtIn.functions.count)
        #expect(replaced[BuiltInSlot.consensusSubmit].capability == .consensusAccess)
    }

    @Test("an app function needs a valid name and an app capability")
    func appDeclarations() throws {
        #expect(try HostFunction.app("notify") { _ in [] }.capability == Capability.app("notify"))
        #expect(try HostFunction.app("notify", capability: Capability.app("mail")) { _ in [] }.capability == Capability.app("mail"))
        #expect(try HostFunction.app("notify") { _ in [] }.qualifiedName == "app.notify")
        let badName = #expect(throws: HostFunctionDeclarationError.self) { try HostFunction.app("Notify Me") { _ in [] } }
        #expect(badName?.name == "Notify Me")
        let builtIn = #expect(throws: HostFunctionDeclarationError.self) { try HostFunction.app("notify", capability: .storage) { _ in [] } }
        #expect(builtIn?.message.contains("built-in 'storage'") == true)
    }

    @Test("the consensus_submit of a host without consensus is admitted, then UNAVAILABLE")
    func consensusUnavailable() throws {
        let store = try StateStore(directory: ExtensionBuilder.temporaryDirectory())
        let security = SecurityContext(
            extensionID: "org.tests.consensus", signer: nil, grant: .everythingDeclared([.consensusAccess]), quotas: Quotas(),
            networkHosts: [], anomaly: .standard, violations: .standard, audit: .none(logger: Logger(label: "test")),
            events: EventBus(), logger: Logger(label: "test"))
        let context = HostContext(security: security, storage: store.storage(for: "org.tests.consensus"),
                                  filesDirectory: store.directory.appendingPathComponent("files"), events: EventBus(),
                                  assets: AssetManager(), logger: Logger(label: "test"))
        let outcome = HostFunctionCall.run(context.functions[.consensusSubmit], context: context, arguments: [Array("install".utf8), []])
        #expect(outcome.status == HYPERMESH_ERR_UNAVAILABLE)
        #expect(outcome.message == "this host runs no consensus service")
        #expect(context.counters.callCount == 1)
        let wrongCount = HostFunctionCall.run(context.functions[.consensusSubmit], context: context, arguments: [])
        #expect(wrongCount.status == HYPERMESH_ERR_INVALID_ARGUMENT)
        #expect(context.counters.callCount == 1, "a call with the wrong number of arguments is refused before admission")
    }
}
