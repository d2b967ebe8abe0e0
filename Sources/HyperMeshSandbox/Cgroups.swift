#if canImport(Glibc)
import Glibc
#endif

/// What this process may do with cgroups: which hierarchy it is in, and the folders of its memory
/// and cpu controllers. Read from `/proc/self/cgroup` and `/sys/fs/cgroup`.
public struct CgroupSupport: Sendable, Equatable, CustomStringConvertible {
    public enum Version: String, Sendable { case v1, v2, none }

    public var version: Version
    /// The folder of the current cgroup holding the memory controller (v2: the one unified folder).
    public var memoryFolder: String?
    /// The folder of the current cgroup holding the cpu controller.
    public var cpuFolder: String?
    /// The folder of the current cgroup holding the pids controller.
    public var pidsFolder: String?
    /// Why cgroups cannot be used, when they cannot.
    public var problem: String?

    public var description: String {
        var text = "cgroup \(version.rawValue)"
        if let memoryFolder { text += ", memory at \(memoryFolder)" }
        if let cpuFolder { text += ", cpu at \(cpuFolder)" }
        if let pidsFolder { text += ", pids at \(pidsFolder)" }
        if let problem { text += " (\(problem))" }
        return text
    }
}

/// Detection and use of cgroups for one worker: a child `hypermesh-<pid>` of the current cgroup
/// (per controller on v1) holding the memory and CPU limits, the worker moved into it. Nothing here
/// is assumed to work: each step reports what happened.
public enum Cgroups {
    static let root = "/sys/fs/cgroup"

    /// Reads the current process's cgroup membership.
    public static func detect() -> CgroupSupport {
        guard let membership = FileText.read("/proc/self/cgroup") else {
            return CgroupSupport(version: .none, problem: "cannot read /proc/self/cgroup")
        }
        var entries: [(controllers: [String], path: String)] = []
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            entries.append((fields[1].split(separator: ",").map(String.init), String(fields[2])))
        }
        let hasV1Controllers = entries.contains { !$0.controllers.isEmpty && !$0.controllers.allSatisfy { $0.hasPrefix("name=") } }
        if !hasV1Controllers, let unified = entries.first(where: { $0.controllers.isEmpty }),
           FileText.exists("\(root)/cgroup.controllers") {
            let folder = join(root, unified.path)
            let available = (FileText.read("\(folder)/cgroup.controllers") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" })
            var problem: String?
            if !available.contains("memory") || !available.contains("cpu") {
                problem = "the current cgroup \(folder) offers controllers [\(available.joined(separator: " "))], not both memory and cpu"
            }
            return CgroupSupport(version: .v2, memoryFolder: folder, cpuFolder: folder,
                                 pidsFolder: available.contains("pids") ? folder : nil, problem: problem)
        }
        func folder(_ controller: String) -> String? {
            guard let entry = entries.first(where: { $0.controllers.contains(controller) }) else { return nil }
            for mount in [entry.controllers.joined(separator: ","), controller] where FileText.exists("\(root)/\(mount)") {
                return join("\(root)/\(mount)", entry.path)
            }
            return nil
        }
        guard hasV1Controllers else {
            return CgroupSupport(version: .none, problem: "no cgroup v2 hierarchy at \(root) and no v1 controllers in /proc/self/cgroup")
        }
        let memory = folder("memory"), cpu = folder("cpu")
        var missing: [String] = []
        if memory == nil { missing.append("memory") }
        if cpu == nil { missing.append("cpu") }
        return CgroupSupport(version: .v1, memoryFolder: memory, cpuFolder: cpu, pidsFolder: folder("pids"),
                             problem: missing.isEmpty ? nil : "no mounted v1 controller for \(missing.joined(separator: ", "))")
    }

    /// Creates `hypermesh-<pid>` under the current cgroup(s), writes the limits and moves this
    /// process in. Steps: `cgroup` (detection and folder creation), `cgroup.memory`, `cgroup.cpu`.
    static func apply(memoryBytes: UInt64?, cpuPercent: UInt64?, threads: UInt64? = nil, into report: inout ConfinementReport) {
        guard memoryBytes != nil || cpuPercent != nil || threads != nil else { return }
        let support = detect()
        let pid = getpid()
        guard support.version != .none else {
            report.steps.append(ConfinementStep("cgroup", .unavailable(reason: support.problem ?? "no cgroup hierarchy")))
            return
        }
        report.steps.append(ConfinementStep("cgroup", .applied, detail: support.description))
        let name = "hypermesh-\(pid)"

        /// Makes the child folder under `parent` (once per folder) and returns it, or the reason it failed.
        func child(of parent: String) -> Result<String, CgroupFailure> {
            let path = "\(parent)/\(name)"
            if report.createdCgroups.contains(path) { return .success(path) }
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                let code = errno
                let reason = "cannot create \(path): \(SystemCalls.describe(code))"
                return .failure(CgroupFailure(permanent: code == EACCES || code == EROFS || code == EPERM, reason: reason))
            }
            report.createdCgroups.append(path)
            return .success(path)
        }

        func limit(_ step: String, folder: String?, files: [(String, String)]) {
            guard let folder else {
                report.steps.append(ConfinementStep(step, .unavailable(reason: support.problem ?? "no controller folder")))
                return
            }
            let path: String
            switch child(of: folder) {
            case .success(let made): path = made
            case .failure(let failure):
                report.steps.append(ConfinementStep(step, failure.permanent ? .unavailable(reason: failure.reason) : .failed(reason: failure.reason)))
                return
            }
            for (file, value) in files {
                if let problem = FileText.write("\(path)/\(file)", value) {
                    report.steps.append(ConfinementStep(step, .failed(reason: problem), detail: path))
                    return
                }
            }
            if let problem = FileText.write("\(path)/cgroup.procs", "\(pid)") {
                report.steps.append(ConfinementStep(step, .failed(reason: "cannot move the worker in: \(problem)"), detail: path))
                return
            }
            report.steps.append(ConfinementStep(step, .applied, detail: "\(path): " + files.map { "\($0.0)=\($0.1)" }.joined(separator: ", ")))
        }

        if let memoryBytes {
            limit("cgroup.memory", folder: support.memoryFolder,
                  files: [support.version == .v2 ? ("memory.max", "\(memoryBytes)") : ("memory.limit_in_bytes", "\(memoryBytes)")])
        }
        if let cpuPercent {
            let quota = max(cpuPercent, 1) * 1000
            limit("cgroup.cpu", folder: support.cpuFolder,
                  files: support.version == .v2 ? [("cpu.max", "\(quota) 100000")]
                      : [("cpu.cfs_period_us", "100000"), ("cpu.cfs_quota_us", "\(quota)")])
        }
        if let threads {
            limit("cgroup.pids", folder: support.pidsFolder, files: [("pids.max", "\(threads)")])
        }
    }

    /// The folders ``apply(memoryBytes:cpuPercent:into:)`` creates for the worker `pid`, worked out
    /// by the host from its own membership (a worker starts in its host's cgroup). The host removes
    /// these, never the paths a worker reports: an extension could forge that report.
    public static func folders(ofWorker pid: pid_t, memory: Bool, cpu: Bool, pids: Bool = false) -> [String] {
        guard memory || cpu || pids else { return [] }
        let support = detect()
        var folders: [String] = []
        for parent in [memory ? support.memoryFolder : nil, cpu ? support.cpuFolder : nil, pids ? support.pidsFolder : nil].compactMap({ $0 }) {
            let path = "\(parent)/hypermesh-\(pid)"
            if !folders.contains(path) { folders.append(path) }
        }
        return folders
    }

    /// Removes cgroup folders a worker created, once it has exited (a folder with processes in it
    /// cannot be removed). Returns the folders that could not be removed.
    @discardableResult
    public static func remove(_ paths: [String]) -> [String] {
        paths.filter { rmdir($0) != 0 && errno != ENOENT }
    }

    private struct CgroupFailure: Error {
        var permanent: Bool
        var reason: String
    }

    private static func join(_ base: String, _ path: String) -> String {
        path == "/" ? base : base + path
    }
}

/// Small file helpers on raw file descriptors (the worker does not load Foundation).
enum FileText {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func read(_ path: String, limit: Int = 1 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to an existing file (with `creating`: creates or truncates it, mode 0600); nil
    /// on success, else the reason.
    static func write(_ path: String, _ text: String, creating: Bool = false) -> String? {
        let fd = open(path, creating ? O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC : O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot open \(path): \(SystemCalls.describe(errno))" }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { return "cannot write '\(text)' to \(path): \(SystemCalls.describe(errno))" }
        return nil
    }
}
