/// Resource limits an extension asks for. Every field is optional; `nil` means "the host default".
///
/// What enforces each quota depends on how the extension runs (see `docs/quotas.md` once the
/// security layer lands). In this version of the runtime only `concurrency` is enforced (by the
/// registry's admission); the others are recorded and shown by `hypermesh ext inspect` as
/// "declared, not yet enforced".
public struct Quotas: Sendable, Hashable, Codable {
    /// CPU time per call, in milliseconds.
    public var cpuMillisecondsPerCall: UInt64?
    /// Memory, in bytes.
    public var memoryBytes: UInt64?
    /// Persistent storage, in bytes.
    public var storageBytes: UInt64?
    /// Network traffic, in bytes.
    public var networkBytes: UInt64?
    /// Open file descriptors.
    public var fileDescriptors: UInt32?
    /// Calls and host API operations per second.
    public var operationsPerSecond: UInt32?
    /// Calls in flight at once. Default 1 (calls are serialized).
    public var concurrency: UInt32?

    public init(
        cpuMillisecondsPerCall: UInt64? = nil, memoryBytes: UInt64? = nil, storageBytes: UInt64? = nil,
        networkBytes: UInt64? = nil, fileDescriptors: UInt32? = nil, operationsPerSecond: UInt32? = nil,
        concurrency: UInt32? = nil
    ) {
        self.cpuMillisecondsPerCall = cpuMillisecondsPerCall
        self.memoryBytes = memoryBytes
        self.storageBytes = storageBytes
        self.networkBytes = networkBytes
        self.fileDescriptors = fileDescriptors
        self.operationsPerSecond = operationsPerSecond
        self.concurrency = concurrency
    }

    /// The JSON keys, in the order the schema lists them.
    public static let jsonKeys = [
        "cpuMillisecondsPerCall", "memoryBytes", "storageBytes", "networkBytes",
        "fileDescriptors", "operationsPerSecond", "concurrency",
    ]
}
