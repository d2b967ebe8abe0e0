import Foundation
import HyperMeshManifest
import HyperMeshTestSupport
@testable import HyperMeshWasm
import Synchronization

/// Builds the test guests once per process and makes guests from them.
enum GuestFixtures {
    static let folder = ExtensionBuilder.temporaryDirectory()

    /// The bytes of `Tests/Fixtures/wasm/guests.c` built with `defines`.
    static func bytes(_ fixture: WasmGuestBuilder.Fixture = .guests, defines: [String: String] = [:]) throws -> [UInt8] {
        let name = fixture.rawValue + defines.keys.sorted().joined(separator: "-") + ".wasm"
        let url = try WasmGuestBuilder.buildGuestFixture(fixture, defines: defines, output: folder.appendingPathComponent(name))
        return Array(try Data(contentsOf: url))
    }

    static func module(_ fixture: WasmGuestBuilder.Fixture = .guests, defines: [String: String] = [:]) throws -> WasmModule {
        let bytes = try bytes(fixture, defines: defines)
        return try WasmModule(bytes: bytes, digest: "\(fixture.rawValue)-\(defines.keys.sorted())")
    }

    /// Limits for tests: generous memory, `fuel` per call, a deadline far away unless given.
    static func limits(fuel: UInt64 = 50_000_000, memoryBytes: UInt64 = 4 << 20, deadlineNanoseconds: UInt64 = 60_000_000_000) -> WasmLimits {
        WasmLimits(fuelPerCall: fuel, memoryBytes: memoryBytes, deadlineNanoseconds: deadlineNanoseconds)
    }

    static func guest(
        defines: [String: String] = [:], declared: Set<Capability> = [.storage],
        limits: WasmLimits = GuestFixtures.limits(), bindings: RecordingBindings = RecordingBindings()
    ) throws -> WasmGuest {
        let module = try module(defines: defines)
        return try WasmGuest(module: module, imports: module.hostImports(declared: declared, offered: offered), limits: limits, bindings: bindings)
    }

    /// The host functions these tests' host offers (the real host derives them from its
    /// declarations; these have the same signatures).
    static let hostFunctions: [WasmHostImport] = [
        WasmHostImport(module: "hypermesh", name: "log", parameterCount: 3, returnsStatus: false, capability: nil, slot: 0),
        WasmHostImport(module: "hypermesh", name: "storage_put", parameterCount: 4, returnsStatus: true, capability: .storage, slot: 1),
        WasmHostImport(module: "hypermesh", name: "storage_get", parameterCount: 4, returnsStatus: true, capability: .storage, slot: 2),
        WasmHostImport(module: "hypermesh", name: "http_request", parameterCount: 4, returnsStatus: true, capability: .networkAccess, slot: 3),
    ]

    static func offered(_ module: String, _ name: String) -> WasmHostImport? {
        hostFunctions.first { $0.module == module && $0.name == name }
    }
}

/// Host bindings for tests: a key-value store in memory, and a record of every host call.
final class RecordingBindings: WasmHostBindings {
    private let state = Mutex<(calls: [String], values: [String: [UInt8]])>(([], [:]))
    let refuseStorage: Bool

    init(refuseStorage: Bool = false) {
        self.refuseStorage = refuseStorage
    }

    var calls: [String] { state.withLock { $0.calls } }
    func value(_ key: String) -> [UInt8]? { state.withLock { $0.values[key] } }

    func invoke(_ function: WasmHostImport, _ arguments: [UInt32], memory: GuestMemory) throws(WasmError) -> WasmHostResult {
        state.withLock { $0.calls.append(function.name) }
        switch function.name {
        case "storage_put":
            let key = String(decoding: try memory.bytes(arguments[0], arguments[1], "the key"), as: UTF8.self)
            let value = try memory.bytes(arguments[2], arguments[3], "the value")
            if refuseStorage { return WasmHostResult(status: 4, message: "storage is not granted") }
            state.withLock { $0.values[key] = value }
            return .ok
        case "log":
            _ = try memory.bytes(arguments[1], arguments[2], "the log line")
            return .ok
        default:
            return WasmHostResult(status: 8, message: "\(function.name) is not simulated in this test")
        }
    }
}

extension WasmCallOutcome {
    var text: String { String(decoding: output, as: UTF8.self) }
}
