import HyperMeshManifest
import HyperMeshSandbox
import HyperMeshSecurity
import HyperMeshWasm

/// What enforces each quota for an extension, as `ext inspect` reports it. The single source of
/// truth for the table in `docs/security.md`: a quota is only worth what enforces it, and a quota
/// this host cannot enforce for the extension's mode is reported as such, never silently assumed.
public struct QuotaEnforcement: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Hashable, Codable {
        /// The host stops the extension at the limit.
        case enforced
        /// The host measures use and reports it (a violation past the limit), but cannot stop the
        /// extension at the limit.
        case measuredOnly = "measured only"
        /// Nothing in this host acts on the quota for this mode.
        case notEnforced = "not enforced"
    }

    /// The manifest key, e.g. `memoryBytes`.
    public let quota: String
    /// The value in force (manifest, with the operator's overrides), if any.
    public let declared: UInt64?
    public let level: Level
    /// How, or why not.
    public let mechanism: String

    /// The enforcement of every quota for an extension of `manifest`'s kind (native in-process, or
    /// WebAssembly at `wasmFuelPerMillisecond`, default ``WasmFuelRate/measured``), with `quotas` in
    /// force (the manifest's, with the policy's overrides). For an isolated extension whose worker
    /// runs, `cgroupCPU` is what its worker reported for the cgroup cpu controller (see
    /// ``ExtensionInfo/cgroupCPU``); nil when no worker runs (then whether the cgroup can be
    /// written is not known, and the row says so).
    public static func report(for manifest: Manifest, quotas: Quotas? = nil, wasmFuelPerMillisecond: UInt64? = nil,
                              isolation: Isolation? = nil, cgroupCPU: ConfinementStep? = nil) -> [QuotaEnforcement] {
        let quotas = quotas ?? manifest.quotas
        if manifest.kind == .wasm {
            return wasmReport(quotas: quotas, rate: wasmFuelPerMillisecond.map(WasmFuelRate.init(fuelPerMillisecond:)) ?? .measured)
        }
        if (isolation ?? manifest.isolation) == .process {
            return isolatedReport(quotas: quotas, cgroupCPU: cgroupCPU)
        }
        let concurrency = UInt64(quotas.concurrency ?? 1)
        return [
            QuotaEnforcement(quota: "cpuMillisecondsPerCall", declared: quotas.cpuMillisecondsPerCall, level: .measuredOnly,
                             mechanism: "thread CPU clock around every call; over the quota is a violation after the call (in-process code cannot be stopped mid-call)"),
            QuotaEnforcement(quota: "cpuMillisecondsTotal", declared: quotas.cpuMillisecondsTotal,
                             level: quotas.cpuMillisecondsTotal == nil ? .measuredOnly : .enforced,
                             mechanism: "thread CPU clock summed over calls; once spent, further calls are refused at admission (the call that crosses it runs to its end)"),
            QuotaEnforcement(quota: "memoryBytes", declared: quotas.memoryBytes, level: .notEnforced,
                             mechanism: "not enforceable in-process: the extension shares the host's address space"),
            storageRow(quotas),
            networkRow(quotas, note: "; direct sockets are not seen in-process"), bandwidthRow(quotas, note: "; direct sockets are not seen in-process"),
            QuotaEnforcement(quota: "fileDescriptors", declared: quotas.fileDescriptors.map(UInt64.init), level: .notEnforced,
                             mechanism: "not enforceable in-process: descriptors are shared with the host"),
            rateRow(quotas),
            QuotaEnforcement(quota: "concurrency", declared: concurrency, level: .enforced,
                             mechanism: "call gate: at most \(concurrency) call(s) in flight, further callers wait"),
            admissionShareRow(quotas, longCall: "cpuMillisecondsPerCall measures it"),
        ]
    }

    private static func wasmReport(quotas: Quotas, rate: WasmFuelRate) -> [QuotaEnforcement] {
        let limits = WasmLimitsPolicy.limits(for: quotas, rate: rate)
        let cpu = quotas.cpuMillisecondsPerCall ?? WasmLimitsPolicy.defaultCPUMillisecondsPerCall
        return [
            QuotaEnforcement(quota: "cpuMillisecondsPerCall", declared: cpu, level: .enforced,
                             mechanism: "fuel: \(limits.fuelPerCall) per call (\(rate.fuelPerMillisecond) fuel/ms, calibrated on this machine); out of fuel ends the call (wasm.out_of_fuel); a wall-clock deadline of \(limits.deadlineNanoseconds / 1_000_000) ms, checked at every host call"),
            QuotaEnforcement(quota: "cpuMillisecondsTotal", declared: quotas.cpuMillisecondsTotal,
                             level: quotas.cpuMillisecondsTotal == nil ? .measuredOnly : .enforced,
                             mechanism: "thread CPU clock summed over calls; once spent, further calls are refused at admission"),
            QuotaEnforcement(quota: "memoryBytes", declared: limits.memoryBytes, level: .enforced,
                             mechanism: "memory-growth limiter: growing linear memory past the limit ends the call (wasm.memory_limit); tables are limited to \(limits.tableElements) elements"),
            storageRow(quotas), networkRow(quotas, note: ""), bandwidthRow(quotas, note: ""),
            QuotaEnforcement(quota: "fileDescriptors", declared: quotas.fileDescriptors.map(UInt64.init), level: .enforced,
                             mechanism: "a WebAssembly guest has no descriptors: it reaches files and the network only through host functions"),
            rateRow(quotas),
            QuotaEnforcement(quota: "concurrency", declared: UInt64(quotas.concurrency ?? 1), level: .enforced,
                             mechanism: "call gate, further callers wait; a pool of up to that many wasm instances (made on demand), one call at a time on each, each with its own linear memory"),
            admissionShareRow(quotas, longCall: "its fuel per call bounds it"),
        ]
    }

    private static func isolatedReport(quotas: Quotas, cgroupCPU: ConfinementStep?) -> [QuotaEnforcement] {
        let deadline = IsolatedInstance.callDeadlineMilliseconds(for: quotas)
        return [
            QuotaEnforcement(quota: "cpuMillisecondsPerCall", declared: quotas.cpuMillisecondsPerCall, level: .enforced,
                             mechanism: "worker process: the host reads the worker's CPU clock around each call (over the quota: a violation); a call that passes its deadline of \(deadline) ms (10 × the quota, at least 1 s) gets the worker killed (SIGKILL)"),
            QuotaEnforcement(quota: "cpuMillisecondsTotal", declared: quotas.cpuMillisecondsTotal, level: quotas.cpuMillisecondsTotal == nil ? .measuredOnly : .enforced,
                             mechanism: "refused at admission once spent (the worker's CPU, read by the host), and RLIMIT_CPU of the worker (whole seconds)"),
            QuotaEnforcement(quota: "memoryBytes", declared: quotas.memoryBytes, level: .enforced,
                             mechanism: quotas.memoryBytes == nil
                                 ? "RLIMIT_AS of the worker at the operator's ceiling (policy isolatedWorkers.memoryBytes, default 512 MiB): undeclared is not unlimited"
                                 : "RLIMIT_AS of the worker, and a cgroup memory limit where this host may write one (ext inspect shows the confinement applied)"),
            storageRow(quotas), networkRow(quotas, note: "; the worker cannot open sockets (seccomp)"), bandwidthRow(quotas, note: "; the worker cannot open sockets (seccomp)"),
            QuotaEnforcement(quota: "fileDescriptors", declared: quotas.fileDescriptors.map(UInt64.init), level: quotas.fileDescriptors == nil ? .notEnforced : .enforced,
                             mechanism: "RLIMIT_NOFILE of the worker"),
            rateRow(quotas),
            QuotaEnforcement(quota: "concurrency", declared: 1, level: .enforced, mechanism: "one call at a time per worker"),
            cgroupShareRow(quotas, step: cgroupCPU),
        ]
    }

    /// `cpuPercent` in-process and for wasm: admission over a sliding window (``CPUShareAdmission``).
    private static func admissionShareRow(_ quotas: Quotas, longCall: String) -> QuotaEnforcement {
        let window = CPUShareAdmission.defaultWindowNanoseconds / 1_000_000
        guard let percent = quotas.cpuPercent else {
            return QuotaEnforcement(quota: "cpuPercent", declared: nil, level: .notEnforced,
                                    mechanism: "admission, when a share is set (none is: calls are not throttled)")
        }
        return QuotaEnforcement(quota: "cpuPercent", declared: UInt64(percent), level: .enforced,
                                mechanism: "admission: while the calls of the last \(window) ms used \(percent)% of one CPU, a new call waits (throttled, counted); between calls only: one long call can pass the share (\(longCall))")
    }

    /// `cpuPercent` of an isolated extension: the worker's cgroup, as its confinement report says.
    private static func cgroupShareRow(_ quotas: Quotas, step: ConfinementStep?) -> QuotaEnforcement {
        guard let percent = quotas.cpuPercent.map(UInt64.init) else {
            return QuotaEnforcement(quota: "cpuPercent", declared: nil, level: .notEnforced,
                                    mechanism: "cgroup cpu controller, when a share is set (none is)")
        }
        switch step?.outcome {
        case .applied?:
            return QuotaEnforcement(quota: "cpuPercent", declared: percent, level: .enforced,
                                    mechanism: "cgroup cpu controller: \(percent)% of one CPU for the worker (\(step?.detail ?? ""))")
        case .unavailable(let reason)?, .failed(let reason)?:
            return QuotaEnforcement(quota: "cpuPercent", declared: percent, level: .notEnforced, mechanism: "unavailable: \(reason)")
        case nil:
            return QuotaEnforcement(quota: "cpuPercent", declared: percent, level: .notEnforced,
                                    mechanism: "cgroup cpu controller, if the worker can write its cgroup: not known while no worker runs (activate the extension and inspect it)")
        }
    }

    private static func storageRow(_ quotas: Quotas) -> QuotaEnforcement {
        QuotaEnforcement(quota: "storageBytes", declared: quotas.storageBytes, level: quotas.storageBytes == nil ? .measuredOnly : .enforced,
                         mechanism: "host storage and file functions: a write that would pass the quota is refused whole")
    }

    private static func networkRow(_ quotas: Quotas, note: String) -> QuotaEnforcement {
        QuotaEnforcement(quota: "networkBytes", declared: quotas.networkBytes, level: quotas.networkBytes == nil ? .measuredOnly : .enforced,
                         mechanism: "host HTTP function: bytes sent and received are counted as they flow, and the request is cut off at the quota" + note)
    }

    private static func bandwidthRow(_ quotas: Quotas, note: String) -> QuotaEnforcement {
        guard let rate = quotas.networkBytesPerSecond else {
            return QuotaEnforcement(quota: "networkBytesPerSecond", declared: nil, level: .notEnforced,
                                    mechanism: "not declared: the host HTTP function does not pace this extension's traffic")
        }
        return QuotaEnforcement(quota: "networkBytesPerSecond", declared: rate, level: .enforced,
                                mechanism: "host HTTP function: a token bucket of \(rate) B/s paces the chunks sent and received" + note)
    }

    private static func rateRow(_ quotas: Quotas) -> QuotaEnforcement {
        let rate = UInt64(quotas.operationsPerSecond ?? SecurityContext.defaultOperationsPerSecond)
        return QuotaEnforcement(quota: "operationsPerSecond", declared: rate, level: .enforced,
                                mechanism: "token buckets of \(rate)/s on calls (refused: security.rate_limited) and on host API operations (refused and counted as violations)")
    }
}
