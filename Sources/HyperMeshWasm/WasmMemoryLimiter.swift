@_spi(Fuzzing) import WasmKit

/// Refuses memory and table growth past the instance's limits by ending the call with a typed
/// error, rather than letting `memory.grow` return -1: the operator sees why the guest stopped.
/// Installed through WasmKit's `ResourceLimiter`, which 0.4.2 keeps behind `@_spi(Fuzzing)`.
final class WasmMemoryLimiter: ResourceLimiter {
    let memoryBytes: UInt64
    let tableElements: Int

    init(memoryBytes: UInt64, tableElements: Int) {
        self.memoryBytes = memoryBytes
        self.tableElements = tableElements
    }

    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        guard UInt64(max(desired, 0)) <= memoryBytes else {
            throw WasmError(.memoryLimit, "the guest asked for \(desired) bytes of memory; its limit is \(memoryBytes) bytes (the memoryBytes quota)")
        }
        return true
    }

    func limitTableGrowth(to desired: Int) throws -> Bool {
        guard desired <= tableElements else {
            throw WasmError(.tableLimit, "the guest asked for a table of \(desired) elements; the limit is \(tableElements)")
        }
        return true
    }
}
