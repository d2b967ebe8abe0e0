import HyperMeshManifest
import HyperMeshWasm

/// The wasm load path through the host's limits, as a wasm extension is loaded: parse
/// (``WasmModule``), check the imports against every capability (``WasmModule/hostImports(declared:offered:)``),
/// instantiate with the memory limiter (``WasmGuest``, 1 MiB, 1,000 table elements), then one call
/// of `hypermesh_handle` with 200,000 units of fuel.
///
/// Invariants: a call that returns used at most its fuel, and the instance's memory never exceeds
/// the limit. Host functions answer "ok" without touching memory: the harness drives the runtime,
/// not the host API.
public struct WasmLoadFuzzTarget: FuzzTarget {
    static let limits = WasmLimits(fuelPerCall: 200_000, memoryBytes: 1 << 20, tableElements: 1_000,
                                   deadlineNanoseconds: 2_000_000_000)

    public init() {}
    public var name: String { "wasm" }
    public var summary: String { "wasm modules: parse, import check, instantiation under the memory and table limits, one call with fuel" }

    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        let module: WasmModule
        let imports: [WasmHostImport]
        let guest: WasmGuest
        do {
            module = try WasmModule(bytes: input, digest: "fuzz")
            imports = try module.hostImports(declared: Set(Capability.allCases))
            guest = try WasmGuest(module: module, imports: imports, limits: Self.limits, bindings: AnsweringBindings())
        } catch {
            return
        }
        try checkMemory(guest)
        let outcome: WasmCallOutcome
        do { outcome = try guest.call(method: "fuzz", input: [1, 2, 3]) } catch {
            try checkMemory(guest)
            return
        }
        guard outcome.fuelUsed <= Self.limits.fuelPerCall else {
            throw FuzzFinding(name, "a call used more fuel than it was given", "\(outcome.fuelUsed) > \(Self.limits.fuelPerCall)")
        }
        try checkMemory(guest)
    }

    /// Whether `bytes` get as far as a call that returns (for the tests of the seeds).
    static func reachesCall(_ bytes: [UInt8]) -> Bool {
        guard let module = try? WasmModule(bytes: bytes, digest: "fuzz"),
              let imports = try? module.hostImports(declared: Set(Capability.allCases)),
              let guest = try? WasmGuest(module: module, imports: imports, limits: limits, bindings: AnsweringBindings()) else { return false }
        do { _ = try guest.call(method: "fuzz", input: [1, 2, 3]) } catch { return error.code != .malformedModule }
        return true
    }

    func checkMemory(_ guest: WasmGuest) throws(FuzzFinding) {
        if let bytes = guest.memoryByteCount, UInt64(bytes) > Self.limits.memoryBytes {
            throw FuzzFinding(name, "the guest's memory grew past the limit", "\(bytes) > \(Self.limits.memoryBytes)")
        }
    }

    public func seeds() throws -> [FuzzSeed] {
        WasmSeedModule.Handler.allCases.map { FuzzSeed("guest-\($0)", WasmSeedModule.bytes(handler: $0)) }
            + [FuzzSeed("empty-module", [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00])]
    }
}

/// Host functions that succeed without doing anything.
final class AnsweringBindings: WasmHostBindings {
    func invoke(_ function: WasmHostImport, _ arguments: [UInt32], memory: GuestMemory) throws(WasmError) -> WasmHostResult { .ok }
}

/// Writes small guest modules in the binary format, so the wasm corpus starts from modules that
/// pass every check (the exports and signatures of docs/wasm-abi.md) without committing any binary.
/// The fixture guests (`Tests/Fixtures/wasm`) are added to the corpus by `scripts/fuzz.sh`.
enum WasmSeedModule {
    /// What `hypermesh_handle` does.
    enum Handler: CaseIterable {
        case returnZero, loopForever, trap, growMemory, readInput
    }

    static func bytes(handler: Handler) -> [UInt8] {
        let i32: UInt8 = 0x7F
        let types = vector([[0x60] + vector([[i32]]) + vector([[i32]]),
                            [0x60] + vector([[i32], [i32], [i32], [i32]]) + vector([[i32]])])
        let functions = vector([[0x00], [0x01]])
        let memory = vector([[0x01, 0x01, 0x04]])  // min 1 page, max 4 pages
        let exports = vector([name("memory") + [0x02, 0x00], name("hypermesh_alloc") + [0x00, 0x00], name("hypermesh_handle") + [0x00, 0x01]])
        let alloc: [UInt8] = [0x41] + leb(1024) + [0x0B]  // i32.const 1024
        let handle: [UInt8] = switch handler {
        case .returnZero: [0x41, 0x00, 0x0B]
        case .loopForever: [0x03, 0x40, 0x0C, 0x00, 0x0B, 0x41, 0x00, 0x0B]  // loop br 0 end; i32.const 0
        case .trap: [0x00, 0x0B]  // unreachable
        case .growMemory: [0x41, 0x08, 0x40, 0x00, 0x1A, 0x41, 0x00, 0x0B]  // i32.const 8 memory.grow drop; i32.const 0
        case .readInput: [0x20, 0x02, 0x2D, 0x00, 0x00, 0x0B]  // local.get 2 i32.load8_u
        }
        let code = vector([body(alloc), body(handle)])
        return [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
            + section(1, types) + section(3, functions) + section(5, memory) + section(7, exports) + section(10, code)
    }

    static func leb(_ value: Int) -> [UInt8] {
        var value = UInt32(value)
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    static func vector(_ items: [[UInt8]]) -> [UInt8] { leb(items.count) + items.flatMap { $0 } }
    static func name(_ text: String) -> [UInt8] { leb(text.utf8.count) + Array(text.utf8) }
    static func section(_ id: UInt8, _ content: [UInt8]) -> [UInt8] { [id] + leb(content.count) + content }
    static func body(_ expression: [UInt8]) -> [UInt8] { let content = [0x00] + expression; return leb(content.count) + content }
}
