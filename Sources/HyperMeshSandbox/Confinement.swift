#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshSandbox

/// What a worker applies to itself, in this order, before it maps an extension library, while it
/// still has one thread:
///
/// 1. `core_dumps`: RLIMIT_CORE 0 and PR_SET_DUMPABLE 0 (always: a crashing extension leaves no
///    core file, and other processes of the same user cannot attach to the worker or open its
///    `/proc` files);
/// 2. `rlimit.as`, `rlimit.cpu`, `rlimit.nofile`, `rlimit.fsize`, `rlimit.nproc` for each limit
///    given (soft and hard; the CPU hard limit one second above the soft one, so SIGXCPU comes
///    before SIGKILL). RLIMIT_NPROC only where it holds: not for a worker that is the host's root
///    (the kernel exempts it); in the worker's own user namespace it counts the worker alone,
///    otherwise every process of its uid;
/// 3. `cgroup`, `cgroup.memory`, `cgroup.cpu`, `cgroup.pids` when a cgroup limit is given (see
///    ``Cgroups``); `cgroup.pids` only where `rlimit.nproc` could not be applied;
/// 4. `capabilities`: every capability dropped, the bounding set too where the worker may;
/// 5. `no_new_privs`: prctl(PR_SET_NO_NEW_PRIVS, 1);
/// 6. `landlock`: ``Landlock`` with the package folder, its dependencies' folders
///    (``LibraryFolders``) and the few device and `/proc/self` files;
/// 7. `seccomp`: ``SeccompFilter`` on every thread.
///
/// Each step reports applied, unavailable (with the reason) or failed (with the reason); nothing
/// is skipped silently. Applying is irreversible for the calling process: only the worker calls it.
public enum Confinement {
    public static func apply(_ limits: ConfinementLimits, libraryPath: String? = nil) -> ConfinementReport {
        var report = ConfinementReport()
        report.steps.append(disableCoreDumps())
        if let value = limits.addressSpaceBytes { report.steps.append(setLimit("rlimit.as", RLIMIT_AS.rawValue, soft: value, hard: value)) }
        if let value = limits.cpuSeconds { report.steps.append(setLimit("rlimit.cpu", RLIMIT_CPU.rawValue, soft: value, hard: value + 1)) }
        if let value = limits.openFiles { report.steps.append(setLimit("rlimit.nofile", RLIMIT_NOFILE.rawValue, soft: value, hard: value)) }
        if let value = limits.fileSizeBytes { report.steps.append(setLimit("rlimit.fsize", RLIMIT_FSIZE.rawValue, soft: value, hard: value)) }
        var threadsForCgroup = limits.threads
        if let value = limits.threads {
            let step = setThreadLimit(value)
            report.steps.append(step)
            // A cgroup migration costs milliseconds (on v1 it waits for an RCU grace period): the
            // pids controller is used only where RLIMIT_NPROC does not bind.
            if step.outcome.isApplied { threadsForCgroup = nil }
        }
        Cgroups.apply(memoryBytes: limits.cgroupMemoryBytes, cpuPercent: limits.cgroupCPUPercent, threads: threadsForCgroup, into: &report)
        report.steps.append(dropCapabilities())
        if limits.noNewPrivileges { report.steps.append(setNoNewPrivileges()) }
        if limits.landlock {
            report.steps.append(Landlock.apply(allowing: landlockPaths(libraryPath: libraryPath)))
        }
        if limits.seccomp {
            resetCrashSignals()
            report.steps.append(SeccompFilter.install())
        }
        return report
    }

    /// What Landlock allows: the library's folder, its dependencies' trusted folders, `/dev/null`,
    /// `/dev/urandom`, `/proc/self` and the loader's cache.
    static func landlockPaths(libraryPath: String?) -> [String] {
        var paths: [String] = []
        if let libraryPath {
            let folder = LibraryFolders.realFolder(of: libraryPath) ?? LibraryFolders.parent(of: libraryPath)
            if folder != "/" { paths.append(folder) }
            for dependency in LibraryFolders().resolve(library: libraryPath).folders where !paths.contains(dependency) {
                paths.append(dependency)
            }
        }
        return paths + ["/dev/null", "/dev/urandom", "/proc/self", "/etc/ld.so.cache"]
    }

    /// RLIMIT_NPROC where it bounds the worker alone; otherwise reported unavailable (the cgroup
    /// pids controller may still hold the limit).
    static func setThreadLimit(_ value: UInt64) -> ConfinementStep {
        let outer = outerUID(of: getuid())
        if outer == 0 {
            return ConfinementStep("rlimit.nproc", .unavailable(reason: "the worker runs as the host's root, which the kernel exempts from RLIMIT_NPROC (the cgroup pids controller holds the limit where it can be written)"), detail: "\(value)")
        }
        let ownNamespace = outer.map { $0 != UInt64(getuid()) } ?? false
            || (FileText.read("/proc/self/uid_map") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }) != ["0", "0", "4294967295"]
        var step = setLimit("rlimit.nproc", 6 /* RLIMIT_NPROC */, soft: value, hard: value)
        if step.outcome.isApplied { step.detail += ownNamespace ? " (counted in the worker's own user namespace)" : " (counted for every process of uid \(getuid()))" }
        return step
    }

    /// The uid `uid` of this process's user namespace is outside it (from `/proc/self/uid_map`).
    static func outerUID(of uid: uid_t) -> UInt64? {
        guard let map = FileText.read("/proc/self/uid_map") else { return nil }
        for line in map.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).compactMap { UInt64($0) }
            guard fields.count == 3, UInt64(uid) >= fields[0], UInt64(uid) - fields[0] < fields[2] else { continue }
            return fields[1] + (UInt64(uid) - fields[0])
        }
        return nil
    }

    /// Drops every capability (root hosts' workers hold them all; others hold none).
    static func dropCapabilities() -> ConfinementStep {
        var dropped: Int32 = 0
        let error = hypermesh_drop_capabilities(&dropped)
        guard error == 0 else { return ConfinementStep("capabilities", .failed(reason: SystemCalls.describe(error))) }
        return ConfinementStep("capabilities", .applied,
                               detail: dropped > 0 ? "all dropped, bounding set emptied (\(dropped) entries)" : "none held")
    }

    /// Crash signals get their default action, so an extension's crash ends the worker with that
    /// signal (a runtime's crash handler might otherwise try to spawn a helper, which the filter
    /// refuses).
    static func resetCrashSignals() {
        for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGQUIT] {
            Glibc.signal(signal, SIG_DFL)
        }
    }

    static func setLimit(_ name: String, _ resource: UInt32, soft: UInt64, hard: UInt64) -> ConfinementStep {
        var limit = rlimit(rlim_cur: rlim_t(soft), rlim_max: rlim_t(hard))
        guard setrlimit(__rlimit_resource_t(resource), &limit) == 0 else {
            let code = errno
            return ConfinementStep(name, .failed(reason: SystemCalls.describe(code)), detail: "\(soft)")
        }
        return ConfinementStep(name, .applied, detail: "\(soft)")
    }

    static func disableCoreDumps() -> ConfinementStep {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        guard setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit) == 0 else {
            return ConfinementStep("core_dumps", .failed(reason: "RLIMIT_CORE: \(SystemCalls.describe(errno))"))
        }
        let (result, code) = SystemCalls.prctl(SystemCalls.PR_SET_DUMPABLE, 0)
        guard result == 0 else {
            return ConfinementStep("core_dumps", .failed(reason: "PR_SET_DUMPABLE: \(SystemCalls.describe(code))"))
        }
        return ConfinementStep("core_dumps", .applied, detail: "RLIMIT_CORE 0, not dumpable")
    }

    static func setNoNewPrivileges() -> ConfinementStep {
        let (result, code) = SystemCalls.prctl(SystemCalls.PR_SET_NO_NEW_PRIVS, 1)
        if result == 0 { return ConfinementStep("no_new_privs", .applied) }
        if code == EINVAL || code == ENOSYS {
            return ConfinementStep("no_new_privs", .unavailable(reason: "the kernel does not know PR_SET_NO_NEW_PRIVS: \(SystemCalls.describe(code))"))
        }
        return ConfinementStep("no_new_privs", .failed(reason: SystemCalls.describe(code)))
    }
}
