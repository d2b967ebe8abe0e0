import Foundation
import HyperMeshExtensions
import HyperMeshState
import HyperMeshTestSupport
import HyperMeshTrust
import HyperMeshWasm
import WasmKit

/// The WebAssembly test guest (`Tests/Fixtures/wasm/guests.c` of the root package, built with
/// `GUEST_NO_STORAGE`, so it imports only `hypermesh.output` and `hypermesh.error_message`), its
/// bytes in memory, and the same module staged as an unsigned `kind: wasm` package
/// `org.bench.wasm` (no capabilities), the way the runtime's tests stage wasm guests.
///
/// Methods used by the benchmarks: `noop` (status 0, no output) and `compute` (input N in
/// decimal: N steps of xorshift64, outputs the final state in decimal).
public struct WasmFixture: Sendable {
    public static let id = "org.bench.wasm"
    /// The payload's file name inside the package.
    public static let entryName = "guest.wasm"
    /// The defines the guest is built with.
    public static let defines = ["GUEST_NO_STORAGE": ""]

    /// The built module on disk.
    public let moduleURL: URL
    /// The module's bytes, read once.
    public let bytes: [UInt8]
    /// SHA-256 of ``bytes`` (hex), what the runtime keys its module cache with.
    public let digest: String
    /// The folder holding the staged package (a discovery search path).
    public let extensionsDirectory: URL

    /// Builds the guest with clang for wasm32 (cached per process by `WasmGuestBuilder`) and stages
    /// it under `<root>/extensions/org.bench.wasm`.
    public static func build(under root: URL) throws(BenchmarkSetupError) -> WasmFixture {
        let module = root.appendingPathComponent("build").appendingPathComponent("guest-no-storage.wasm")
        let extensions = root.appendingPathComponent("extensions")
        do {
            try FileManager.default.createDirectory(at: module.deletingLastPathComponent(), withIntermediateDirectories: true)
            try WasmGuestBuilder.buildGuestFixture(.guests, defines: defines, output: module)
            let manifest: [String: Any] = [
                "id": id, "name": "Benchmark wasm guest", "version": "1.0.0", "kind": "wasm",
                "entry": entryName, "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": [String](),
            ]
            try PackageStager.stage(manifest: manifest, payload: module, entryName: entryName,
                                    into: extensions.appendingPathComponent(id))
        } catch let error as TestSupportError {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot build or stage the wasm guest under \(root.path)", cause: error.description)
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot create the folders under \(root.path)", cause: "\(error)")
        }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: module))
        } catch {
            throw BenchmarkSetupError(.fixtureBuildFailed, "cannot read \(module.path)", cause: "\(error)")
        }
        return WasmFixture(moduleURL: module, bytes: bytes, digest: FileDigest.sha256Hex(of: bytes), extensionsDirectory: extensions)
    }

    /// A freshly parsed module (no cache).
    public func parse() throws(BenchmarkSetupError) -> WasmModule {
        do {
            return try WasmModule(bytes: bytes, digest: digest)
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "WasmModule refused the guest", cause: error.description)
        }
    }

    /// Limits wide enough for every benchmark: 10^11 fuel per call (minutes of interpretation),
    /// 16 MiB of memory, a deadline of 10 minutes.
    public static let limits = WasmLimits(fuelPerCall: 100_000_000_000, memoryBytes: 16 << 20, deadlineNanoseconds: 600_000_000_000)

    /// The fuel budget the bare WasmKit floors set before every metered call (the same as ``limits``).
    public static let fuelPerCall: UInt64 = limits.fuelPerCall

    /// A ``WasmGuest`` of `module` on `engine` with ``limits`` and ``NoHostBindings``.
    public static func guest(_ module: WasmModule, engine: Engine = WasmEngines.metered) throws(BenchmarkSetupError) -> WasmGuest {
        do {
            return try WasmGuest(module: module, imports: module.hostImports(declared: []), limits: limits,
                                 bindings: NoHostBindings.shared, engine: engine)
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot create a WasmGuest", cause: error.description)
        }
    }
}

/// The trivial ``WasmHostBindings``: every broker-backed import is refused with status 8. The
/// benchmark guest imports none of them (`output` and `error_message` are handled by ``WasmGuest``
/// itself), so this is never called.
public final class NoHostBindings: WasmHostBindings {
    public static let shared = NoHostBindings()

    public func invoke(_ function: WasmHostImport, _ arguments: [UInt32], memory: HyperMeshWasm.GuestMemory) throws(WasmError) -> WasmHostResult {
        WasmHostResult(status: 8, message: "\(function.name) is not provided by the benchmark host")
    }
}

/// The wasm guest active in a registry: discovered (unsigned, allowed), registered and activated
/// in a fresh registry over a fresh state store, unthrottled like ``ActiveFixture``.
public struct ActiveWasmFixture: Sendable {
    public let registry: ExtensionRegistry
    public let handle: ExtensionHandle
    public let fixture: WasmFixture

    public static func start(under root: URL) async throws(BenchmarkSetupError) -> ActiveWasmFixture {
        _ = WasmFuelRate.measured  // calibrate now, not inside a measurement
        let fixture = try WasmFixture.build(under: root)
        do {
            let store = try StateStore(directory: root.appendingPathComponent("state"))
            let registry = ExtensionRegistry(stateStore: store, policy: ActiveFixture.unthrottled, logger: QuietLogger.make())
            let problems = await registry.registerAll(
                ExtensionDiscovery.discover(in: [fixture.extensionsDirectory], verifier: TestTrust.allowingUnsigned))
            guard problems.isEmpty else {
                throw BenchmarkSetupError(.runtimeFailed, "the wasm package was not registered", cause: "\(problems)")
            }
            try await registry.activate(WasmFixture.id)
            let handle = try await registry.handle(for: WasmFixture.id)
            return ActiveWasmFixture(registry: registry, handle: handle, fixture: fixture)
        } catch let error as BenchmarkSetupError {
            throw error
        } catch {
            throw BenchmarkSetupError(.runtimeFailed, "cannot activate \(WasmFixture.id) under \(root.path)", cause: "\(error)")
        }
    }
}
