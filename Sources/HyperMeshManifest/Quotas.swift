/// Resource limits an extension asks for. Every field is optional; `nil` means "the host default".
///
/// What enforces each quota depends on how the extension runs: `docs/security.md` has the table,
/// and `hypermesh ext inspect` shows, per quota, what enforces it for one extension (or that
/// nothing can, in its mode). The operator's policy can override every value.
///
/// Zero is allowed only where it means something an extension can live with: `storageBytes`,
/// `networkBytes` and `fileDescriptors` may be 0 ("uses none of it"); `cpuMillisecondsPerCall`,
/// `cpuMillisecondsTotal`, `memoryBytes`, `operationsPerSecond`, `concurrency`, `cpuPercent` and
/// `networkBytesPerSecond` must be at least 1,
/// because 0 would make every call fail (see ``minimumValue(forKey:)``). `cpuPercent` is at most 100
/// (see ``maximumValue(forKey:)``). ``ManifestDecoder`` enforces these bounds; the memberwise
/// initializer does not.
public struct Quotas: Sendable, Hashable, Codable {
    /// CPU time per call, in milliseconds. At least 1.
    public var cpuMillisecondsPerCall: UInt64?
    /// Memory, in bytes. At least 1.
    public var memoryBytes: UInt64?
    /// Persistent storage, in bytes. 0 means no persistent storage.
    public var storageBytes: UInt64?
    /// Network traffic, in bytes. 0 means no network traffic.
    public var networkBytes: UInt64?
    /// Open file descriptors. 0 means the extension opens none.
    public var fileDescriptors: UInt32?
    /// Calls and host API operations per second. At least 1.
    public var operationsPerSecond: UInt32?
    /// Calls in flight at once. Default 1 (calls are serialized). At least 1.
    public var concurrency: UInt32?
    /// CPU time over the life of the loaded extension, in milliseconds. At least 1.
    public var cpuMillisecondsTotal: UInt64?
    /// The share of one CPU the extension may use, in percent: 1 to 100 (100 = one whole CPU;
    /// shares of several CPUs are not offered). No default: without it, no share is held.
    /// Held by the cgroup cpu controller for an isolated extension, and by admission (calls wait
    /// while the extension is over its share of a sliding 1 s window) in-process and for wasm;
    /// see `docs/security.md` for what is not guaranteed.
    public var cpuPercent: UInt8?
    /// Network bandwidth, in bytes per second, sent and received together, through the host's
    /// HTTP function: a token bucket paces the streamed bytes (the transfer slows down; it is not
    /// refused). At least 1. No default: without it, traffic is not paced.
    public var networkBytesPerSecond: UInt64?

    public init(
        cpuMillisecondsPerCall: UInt64? = nil, memoryBytes: UInt64? = nil, storageBytes: UInt64? = nil,
        networkBytes: UInt64? = nil, fileDescriptors: UInt32? = nil, operationsPerSecond: UInt32? = nil,
        concurrency: UInt32? = nil, cpuMillisecondsTotal: UInt64? = nil, cpuPercent: UInt8? = nil,
        networkBytesPerSecond: UInt64? = nil
    ) {
        self.networkBytesPerSecond = networkBytesPerSecond
        self.cpuMillisecondsPerCall = cpuMillisecondsPerCall
        self.memoryBytes = memoryBytes
        self.storageBytes = storageBytes
        self.networkBytes = networkBytes
        self.fileDescriptors = fileDescriptors
        self.operationsPerSecond = operationsPerSecond
        self.concurrency = concurrency
        self.cpuMillisecondsTotal = cpuMillisecondsTotal
        self.cpuPercent = cpuPercent
    }

    /// The JSON keys, in the order the schema lists them.
    public static let jsonKeys = [
        "cpuMillisecondsPerCall", "memoryBytes", "storageBytes", "networkBytes",
        "fileDescriptors", "operationsPerSecond", "concurrency", "cpuMillisecondsTotal", "cpuPercent",
        "networkBytesPerSecond",
    ]

    /// The JSON keys whose value may be 0.
    public static let keysAllowingZero: Set<String> = ["storageBytes", "networkBytes", "fileDescriptors"]

    /// The smallest value accepted for a quota key: 0 for ``keysAllowingZero``, 1 for the others.
    public static func minimumValue(forKey key: String) -> UInt64 {
        keysAllowingZero.contains(key) ? 0 : 1
    }

    /// The largest value accepted for a quota key, when it is lower than its type's largest:
    /// 100 for `cpuPercent` (one whole CPU); nil for the others.
    public static func maximumValue(forKey key: String) -> UInt64? {
        key == "cpuPercent" ? 100 : nil
    }
}
