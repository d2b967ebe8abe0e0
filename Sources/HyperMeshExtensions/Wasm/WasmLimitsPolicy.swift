import HyperMeshManifest
import HyperMeshWasm

/// How an extension's quotas become its WebAssembly limits.
enum WasmLimitsPolicy {
    /// CPU time per call when neither the manifest nor the policy sets `cpuMillisecondsPerCall`:
    /// 1,000 ms.
    static let defaultCPUMillisecondsPerCall: UInt64 = 1_000

    /// Fuel per call and the deadline from `cpuMillisecondsPerCall` (default 1,000 ms) at `rate`;
    /// the memory limit from `memoryBytes` (default ``WasmLimits/defaultMemoryBytes``).
    static func limits(for quotas: Quotas, rate: WasmFuelRate) -> WasmLimits {
        WasmLimits.forQuota(cpuMilliseconds: quotas.cpuMillisecondsPerCall ?? defaultCPUMillisecondsPerCall,
                            memoryBytes: quotas.memoryBytes, rate: rate)
    }
}
