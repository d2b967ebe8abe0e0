/// The limits one WebAssembly instance runs under. Built by the host from the extension's quotas
/// (the operator's policy overrides the manifest) and this machine's fuel rate.
public struct WasmLimits: Sendable, Hashable {
    /// Default memory limit when no `memoryBytes` quota is set: 64 MiB.
    public static let defaultMemoryBytes: UInt64 = 64 << 20
    /// Default and maximum number of elements per table: 10,000.
    public static let defaultTableElements = 10_000

    /// Fuel one call may burn (about one unit per WebAssembly operator). The budget of a call is
    /// the smaller of this and what the deadline allows (see ``WasmFuelRate``).
    public var fuelPerCall: UInt64
    /// The most bytes the linear memory may grow to.
    public var memoryBytes: UInt64
    /// The most elements any table may grow to.
    public var tableElements: Int
    /// Wall-clock time a call may take, in nanoseconds. Enforced through fuel (derived from the
    /// fuel rate) and checked at every host call; WasmKit cannot interrupt a running call.
    public var deadlineNanoseconds: UInt64

    public init(fuelPerCall: UInt64, memoryBytes: UInt64 = Self.defaultMemoryBytes,
                tableElements: Int = Self.defaultTableElements, deadlineNanoseconds: UInt64) {
        self.fuelPerCall = fuelPerCall
        self.memoryBytes = memoryBytes
        self.tableElements = tableElements
        self.deadlineNanoseconds = deadlineNanoseconds
    }

    /// The limits for a CPU quota per call of `cpuMilliseconds` (both the fuel and the deadline
    /// derive from it) and a memory quota, at `rate`.
    public static func forQuota(cpuMilliseconds: UInt64, memoryBytes: UInt64?, rate: WasmFuelRate) -> WasmLimits {
        WasmLimits(fuelPerCall: rate.fuel(forMilliseconds: cpuMilliseconds),
                   memoryBytes: memoryBytes ?? defaultMemoryBytes,
                   deadlineNanoseconds: cpuMilliseconds &* 1_000_000)
    }
}
