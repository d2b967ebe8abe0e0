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

    /// The shortest wall-clock deadline ``forQuota(cpuMilliseconds:memoryBytes:rate:)`` gives: 1 s.
    public static let minimumDeadlineMilliseconds: UInt64 = 1_000
    /// How many times the CPU quota the wall-clock deadline allows: 10.
    public static let deadlineFactor: UInt64 = 10

    /// The limits for a CPU quota per call of `cpuMilliseconds` and a memory quota, at `rate`: fuel
    /// for `cpuMilliseconds` of interpretation, and a wall-clock deadline of 10 × that, at least
    /// 1 s. The deadline is wider than the CPU quota because wall time also holds what fuel does not
    /// count (translating a function at its first call, host functions, waiting for a core on a busy
    /// machine); it is what bounds a guest that spends its time in host calls.
    public static func forQuota(cpuMilliseconds: UInt64, memoryBytes: UInt64?, rate: WasmFuelRate) -> WasmLimits {
        let deadline = max(minimumDeadlineMilliseconds, saturatingProduct(cpuMilliseconds, deadlineFactor))
        return WasmLimits(fuelPerCall: rate.fuel(forMilliseconds: cpuMilliseconds),
                          memoryBytes: memoryBytes ?? defaultMemoryBytes,
                          deadlineNanoseconds: saturatingProduct(deadline, 1_000_000))
    }

    private static func saturatingProduct(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
}
