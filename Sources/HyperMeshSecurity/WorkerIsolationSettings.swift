/// The operator's settings for isolated workers: the policy file's `isolatedWorkers` section.
///
/// ```json
/// "isolatedWorkers": {
///   "requiredLayers": ["landlock", "seccomp"],
///   "memoryBytes": 536870912, "fileSizeBytes": 16777216, "threads": 256,
///   "uid": 65534, "gid": 65534
/// }
/// ```
///
/// - `requiredLayers`: confinement layers every isolated extension must have engaged, or it is not
///   started (`isolation.confinement_unavailable`); a rule's `requiredIsolationLayers` adds to it.
///   Known: ``layerNames``. Default none: best effort, each layer reported.
/// - `memoryBytes`: the memory ceiling (address space, and cgroup memory where writable) of a
///   worker whose manifest and rules set no `memoryBytes` quota. Default 512 MiB: an undeclared
///   quota is no longer unlimited.
/// - `fileSizeBytes`: RLIMIT_FSIZE of every worker. Default 16 MiB (workers write no files: Landlock
///   refuses every write; this bounds a kernel that has no Landlock).
/// - `threads`: threads a worker may have at once (RLIMIT_NPROC in its own user namespace, the
///   cgroup pids controller where writable). Default 256.
/// - `uid`, `gid`: for a host running as root, the user the workers run as. Default: the host's.
public struct WorkerIsolationSettings: Sendable, Hashable {
    public static let layerNames = ["cgroup", "landlock", "namespaces", "rlimits", "seccomp"]
    public static let defaultMemoryBytes: UInt64 = 512 << 20
    public static let defaultFileSizeBytes: UInt64 = 16 << 20
    public static let defaultThreads: UInt64 = 256

    public var requiredLayers: Set<String>
    public var memoryBytes: UInt64
    public var fileSizeBytes: UInt64
    public var threads: UInt64
    public var uid: UInt32?
    public var gid: UInt32?

    public init(requiredLayers: Set<String> = [], memoryBytes: UInt64 = defaultMemoryBytes, fileSizeBytes: UInt64 = defaultFileSizeBytes,
                threads: UInt64 = defaultThreads, uid: UInt32? = nil, gid: UInt32? = nil) {
        self.requiredLayers = requiredLayers
        self.memoryBytes = memoryBytes
        self.fileSizeBytes = fileSizeBytes
        self.threads = threads
        self.uid = uid
        self.gid = gid
    }
}

/// Reads and writes the `isolatedWorkers` section and the rules' `requiredIsolationLayers`.
enum WorkerIsolationCoding {
    static let keys = ["requiredLayers", "memoryBytes", "fileSizeBytes", "threads", "uid", "gid"]

    static func layers(_ value: PolicyJSON, at path: String) throws(PolicyError) -> Set<String> {
        var layers: Set<String> = []
        for (index, name) in try value.strings(at: path).enumerated() {
            guard WorkerIsolationSettings.layerNames.contains(name) else {
                throw PolicyError(.badValue, "unknown confinement layer '\(name)' (known: \(WorkerIsolationSettings.layerNames.joined(separator: ", ")))",
                                  at: "\(path)[\(index)]")
            }
            layers.insert(name)
        }
        return layers
    }

    static func decode(_ value: PolicyJSON, at path: String) throws(PolicyError) -> WorkerIsolationSettings {
        let members = try value.object(at: path)
        try members.rejectUnknownKeys(keys, at: path)
        var settings = WorkerIsolationSettings()
        if let field = members["requiredLayers"] { settings.requiredLayers = try layers(field, at: "\(path).requiredLayers") }
        if let field = members["memoryBytes"] { settings.memoryBytes = try field.integer(at: "\(path).memoryBytes", in: (16 << 20)...(1 << 48)) }
        if let field = members["fileSizeBytes"] { settings.fileSizeBytes = try field.integer(at: "\(path).fileSizeBytes", in: 1...(1 << 48)) }
        if let field = members["threads"] { settings.threads = try field.integer(at: "\(path).threads", in: 4...100_000) }
        if let field = members["uid"] { settings.uid = UInt32(try field.integer(at: "\(path).uid", in: 1...4_294_967_294)) }
        if let field = members["gid"] { settings.gid = UInt32(try field.integer(at: "\(path).gid", in: 1...4_294_967_294)) }
        if (settings.uid == nil) != (settings.gid == nil) {
            throw PolicyError(.badValue, "uid and gid go together: give both or neither", at: path)
        }
        return settings
    }

    static func encode(_ settings: WorkerIsolationSettings) -> [String: Any] {
        var object: [String: Any] = ["memoryBytes": settings.memoryBytes, "fileSizeBytes": settings.fileSizeBytes, "threads": settings.threads]
        if !settings.requiredLayers.isEmpty { object["requiredLayers"] = settings.requiredLayers.sorted() }
        if let uid = settings.uid { object["uid"] = uid }
        if let gid = settings.gid { object["gid"] = gid }
        return object
    }
}
