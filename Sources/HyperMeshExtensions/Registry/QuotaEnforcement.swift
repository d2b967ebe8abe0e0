import HyperMeshManifest

/// What enforces each quota for an extension, as `ext inspect` reports it. The single source of
/// truth for the table in the docs: a quota is only worth what enforces it, and a quota this host
/// cannot enforce is reported as such, never silently assumed.
public struct QuotaEnforcement: Sendable, Hashable, Codable {
    public enum Level: String, Sendable, Hashable, Codable {
        /// The host stops the extension at the limit.
        case enforced
        /// The host measures use and reports it, but does not stop the extension.
        case measuredOnly = "measured only"
        /// Nothing in this host version acts on the quota.
        case notEnforced = "not enforced"
    }

    /// The manifest key, e.g. `memoryBytes`.
    public let quota: String
    /// The declared value, if any.
    public let declared: UInt64?
    public let level: Level
    /// How, or why not.
    public let mechanism: String

    /// The enforcement of every quota for an extension of `kind` run in-process.
    public static func report(for manifest: Manifest) -> [QuotaEnforcement] {
        let quotas = manifest.quotas
        guard manifest.kind == .native else {
            return Quotas.jsonKeys.map {
                QuotaEnforcement(quota: $0, declared: nil, level: .notEnforced, mechanism: "wasm extensions cannot be loaded by this host yet")
            }
        }
        let concurrency = UInt64(quotas.concurrency ?? 1)
        return [
            QuotaEnforcement(quota: "cpuMillisecondsPerCall", declared: quotas.cpuMillisecondsPerCall, level: .notEnforced,
                             mechanism: "in-process native code cannot be stopped mid-call; per-call CPU accounting arrives with the security layer"),
            QuotaEnforcement(quota: "memoryBytes", declared: quotas.memoryBytes, level: .notEnforced,
                             mechanism: "not enforceable in-process: the extension shares the host's address space"),
            QuotaEnforcement(quota: "storageBytes", declared: quotas.storageBytes, level: .notEnforced,
                             mechanism: "host storage API; usage is recorded, the quota check arrives with the security layer"),
            QuotaEnforcement(quota: "networkBytes", declared: quotas.networkBytes, level: .notEnforced,
                             mechanism: "this host offers no network API yet, so extensions have no host-mediated network"),
            QuotaEnforcement(quota: "fileDescriptors", declared: quotas.fileDescriptors.map(UInt64.init), level: .notEnforced,
                             mechanism: "not enforceable in-process: descriptors are shared with the host"),
            QuotaEnforcement(quota: "operationsPerSecond", declared: quotas.operationsPerSecond.map(UInt64.init), level: .notEnforced,
                             mechanism: "rate limiting arrives with the security layer"),
            QuotaEnforcement(quota: "concurrency", declared: concurrency, level: .enforced,
                             mechanism: "call gate: at most \(concurrency) call(s) in flight, further callers wait"),
        ]
    }
}
