import HyperMeshManifest
import HyperMeshWasm

/// What `ext inspect` shows of a WebAssembly extension: its limits, the imports it uses, and,
/// while it is loaded, the fuel it has burnt.
public struct WasmDetails: Sendable, Codable, Hashable {
    /// Fuel each call gets.
    public var fuelPerCall: UInt64
    /// The rate the fuel budget and the deadline were converted with (fuel per millisecond).
    public var fuelPerMillisecond: UInt64
    /// Wall-clock deadline per call, in milliseconds (checked at host calls; see docs/wasm-abi.md).
    public var deadlineMilliseconds: UInt64
    /// Limit of linear memory growth, in bytes.
    public var memoryLimitBytes: UInt64
    /// Limit of table growth, in elements.
    public var tableElementLimit: Int
    /// The module's imports (`hypermesh.storage_get`, …); nil if the module could not be read.
    public var imports: [String]?
    /// The module's exports.
    public var exports: [String]?
    /// SHA-256 of the module, the key of the module cache.
    public var moduleDigest: String?
    /// Why the module could not be read, when it could not.
    public var moduleProblem: String?
    /// Fuel used by every call so far, and by the last one (while loaded).
    public var fuelUsedTotal: UInt64?
    public var fuelUsedLastCall: UInt64?
    /// The size of the guest's linear memory now, in bytes (while loaded).
    public var memoryBytesInUse: Int?
    /// Interpreted, while loaded: the instances that exist now and the most the pool may hold (the
    /// concurrency quota; each call runs on an instance of its own).
    public var instances: Int?
    public var instanceLimit: Int?
    /// Which engine runs the extension and why (the last load's choice; before a load, what a
    /// load would choose now). On the compiled tier fuel is not counted: the worker's deadline
    /// and limits stop what fuel would.
    public var engine: WasmEngineChoice?
    /// The compiled library's cache key, and the seconds its compilation took (0: a cache hit),
    /// while loaded on the compiled tier.
    public var compiledLibraryKey: String?
    public var compileSeconds: Double?

    init(limits: WasmLimits, rate: WasmFuelRate) {
        fuelPerCall = limits.fuelPerCall
        fuelPerMillisecond = rate.fuelPerMillisecond
        deadlineMilliseconds = limits.deadlineNanoseconds / 1_000_000
        memoryLimitBytes = limits.memoryBytes
        tableElementLimit = limits.tableElements
    }
}

extension ExtensionRegistry {
    /// The wasm details of `entry`, or nil for a native extension. Reads (and caches) the module
    /// when it is not loaded, to list its imports.
    func wasmDetails(of entry: RegisteredExtension, quotas: Quotas) -> WasmDetails? {
        guard entry.manifest.kind == .wasm else { return nil }
        let rate = wasmFuelRate
        var details = WasmDetails(limits: WasmLimitsPolicy.limits(for: quotas, rate: rate), rate: rate)
        details.engine = entry.wasmEngine ?? wasmEngineChoice(for: entry).0
        let image: WasmImage?
        if case .wasm(let loaded) = entry.image {
            image = loaded
        } else if case .compiledWasm(let compiled) = entry.image {
            image = compiled.wasm
            details.compiledLibraryKey = compiled.cacheKey
            details.compileSeconds = compiled.compileSeconds
        } else {
            do throws(ExtensionError) {
                image = try WasmImage(package: entry.package)
            } catch {
                image = nil
                details.moduleProblem = error.description
            }
        }
        if let image {
            details.imports = image.module.importNames
            details.exports = image.module.exportNames
            details.moduleDigest = image.module.digest
        }
        if let instance = entry.instance?.runtime as? WasmInstance {
            details.fuelUsedTotal = instance.fuelUsedTotal
            details.fuelUsedLastCall = instance.fuelUsedLast
            details.memoryBytesInUse = instance.memoryByteCount
            details.instances = instance.instanceCount
            details.instanceLimit = instance.poolCapacity
        }
        return details
    }
}
