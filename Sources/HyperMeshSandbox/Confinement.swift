#if canImport(Glibc)
import Glibc
#endif

/// What a worker applies to itself, in this order, before it maps an extension library:
///
/// 1. `core_dumps`: RLIMIT_CORE 0 and PR_SET_DUMPABLE 0 (always: a crashing extension leaves no
///    core file, and other processes of the same user cannot attach to the worker);
/// 2. `rlimit.as`, `rlimit.cpu`, `rlimit.nofile`, `rlimit.fsize` for each limit given (soft and
///    hard; the CPU hard limit one second above the soft one, so SIGXCPU comes before SIGKILL);
/// 3. `cgroup`, `cgroup.memory`, `cgroup.cpu` when a cgroup limit is given (see ``Cgroups``);
/// 4. `no_new_privs`: prctl(PR_SET_NO_NEW_PRIVS, 1);
/// 5. `seccomp`: ``SeccompFilter``.
///
/// Each step reports applied, unavailable (with the reason) or failed (with the reason); nothing
/// is skipped silently. Applying is irreversible for the calling process: only the worker calls it.
public enum Confinement {
    public static func apply(_ limits: ConfinementLimits) -> ConfinementReport {
        var report = ConfinementReport()
        report.steps.append(disableCoreDumps())
        if let value = limits.addressSpaceBytes { report.steps.append(setLimit("rlimit.as", RLIMIT_AS.rawValue, soft: value, hard: value)) }
        if let value = limits.cpuSeconds { report.steps.append(setLimit("rlimit.cpu", RLIMIT_CPU.rawValue, soft: value, hard: value + 1)) }
        if let value = limits.openFiles { report.steps.append(setLimit("rlimit.nofile", RLIMIT_NOFILE.rawValue, soft: value, hard: value)) }
        if let value = limits.fileSizeBytes { report.steps.append(setLimit("rlimit.fsize", RLIMIT_FSIZE.rawValue, soft: value, hard: value)) }
        Cgroups.apply(memoryBytes: limits.cgroupMemoryBytes, cpuPercent: limits.cgroupCPUPercent, into: &report)
        if limits.noNewPrivileges { report.steps.append(setNoNewPrivileges()) }
        if limits.seccomp {
            resetCrashSignals()
            report.steps.append(SeccompFilter.install())
        }
        return report
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
