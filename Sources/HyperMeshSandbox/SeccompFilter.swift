#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshSandbox

/// The worker's seccomp BPF program, installed on **every thread** of the worker
/// (`SECCOMP_FILTER_FLAG_TSYNC`) before the extension's library is mapped, so threads that the
/// library or its constructors start later inherit it. It checks the architecture first (a foreign
/// one, e.g. a 32-bit entry on x86_64, kills the process), then **refuses**:
///
/// - new sockets and network endpoints (`socket`, `socketpair`, `connect`, `bind`, `listen`,
///   `accept`, `accept4`): the worker keeps its inherited socket, which needs none of them;
/// - new processes and programs (`fork`, `vfork`, `execve`, `execveat`) and `clone` without
///   `CLONE_THREAD` (threads keep working);
/// - tracing and other processes' memory (`ptrace`, `process_vm_readv`, `process_vm_writev`,
///   `kcmp`), mounts (`mount`, `umount2`, the new mount API), `kexec_load`, `kexec_file_load`,
///   new or other namespaces (`unshare`, `setns`), the kernel keyring (`keyctl`, `add_key`,
///   `request_key`), `perf_event_open`, `bpf`, `userfaultfd`, file handles
///   (`name_to_handle_at`, `open_by_handle_at`) and System V IPC (`shm*`, `sem*`, `msg*`);
/// - io_uring (`io_uring_setup`, `io_uring_enter`, `io_uring_register`), whose operations would
///   open sockets and connect without the system calls above;
/// - signals to other processes: `kill`, `tgkill`, `rt_sigqueueinfo` and `rt_tgsigqueueinfo` only
///   when the target is the worker itself (`raise`, `abort`, `sigqueue` to itself keep working),
///   never `tkill` (any thread of the system), and no process file descriptors (`pidfd_open`,
///   `pidfd_getfd`, `pidfd_send_signal`);
/// - other processes' limits and scheduling: `prlimit64`, `sched_setaffinity`,
///   `sched_setscheduler`, `sched_setparam`, `sched_setattr`, `migrate_pages`, `move_pages` only on
///   the worker itself (pid 0 or its own); `setpriority` and `ioprio_set` only for the process itself;
/// - signal-driven I/O aimed elsewhere: `fcntl` with `F_SETOWN`, `F_SETOWN_EX`, `F_SETSIG`, or
///   `F_SETFL` with `O_ASYNC`; `ioctl` with `TIOCSTI` (typing into a terminal), `TIOCLINUX`,
///   `FIOSETOWN` and `SIOCSPGRP`.
///
/// A refusal is `SECCOMP_RET_TRAP`: the call does not run, the worker's SIGSYS handler
/// (`CHyperMeshSandbox`) makes it return `EPERM` and notes it, and the worker tells the host, which
/// records a `sandbox_refused` violation. If the handler cannot be installed the filter answers
/// `EPERM` directly and nothing is reported. Besides: `ENOSYS` for `clone3` (its flags are in memory
/// the filter cannot read, so libc falls back to `clone`), `EPERM` for x32 system calls on x86_64
/// and for `rt_sigaction` on SIGSYS (the extension cannot take the handler over); everything else
/// is allowed.
///
/// Not guaranteed: arguments are compared on their low 32 bits (the kernel reads `pid_t` and the
/// `fcntl`/`ioctl` commands as 32-bit values); a system call this list does not name is allowed.
public enum SeccompFilter {
    /// The audit architecture this filter accepts, or nil where no filter is defined.
    public static var architecture: UInt32? {
        #if arch(x86_64)
        0xC000_003E  // AUDIT_ARCH_X86_64
        #elseif arch(arm64)
        0xC000_00B7  // AUDIT_ARCH_AARCH64
        #else
        nil
        #endif
    }

    /// System call numbers refused with EPERM on this architecture.
    static var refused: [(name: String, number: UInt32)] {
        #if arch(x86_64)
        [("socket", 41), ("socketpair", 53), ("connect", 42), ("bind", 49), ("listen", 50), ("accept", 43),
         ("accept4", 288), ("fork", 57), ("vfork", 58), ("execve", 59), ("execveat", 322), ("ptrace", 101),
         ("process_vm_readv", 310), ("process_vm_writev", 311), ("mount", 165), ("umount2", 166),
         ("kexec_load", 246), ("kexec_file_load", 320), ("open_tree", 428), ("move_mount", 429),
         ("fsopen", 430), ("fsconfig", 431), ("fsmount", 432), ("fspick", 433), ("mount_setattr", 442),
         ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427), ("tkill", 200),
         ("pidfd_send_signal", 424), ("pidfd_open", 434), ("pidfd_getfd", 438), ("kcmp", 312),
         ("unshare", 272), ("setns", 308), ("keyctl", 250), ("add_key", 248), ("request_key", 249),
         ("perf_event_open", 298), ("bpf", 321), ("userfaultfd", 323), ("name_to_handle_at", 303),
         ("open_by_handle_at", 304), ("shmget", 29), ("shmat", 30), ("shmctl", 31), ("shmdt", 67),
         ("semget", 64), ("semop", 65), ("semctl", 66), ("semtimedop", 220), ("msgget", 68), ("msgsnd", 69),
         ("msgrcv", 70), ("msgctl", 71)]
        #elseif arch(arm64)
        [("socket", 198), ("socketpair", 199), ("bind", 200), ("listen", 201), ("accept", 202),
         ("connect", 203), ("accept4", 242), ("execve", 221), ("execveat", 281), ("ptrace", 117),
         ("process_vm_readv", 270), ("process_vm_writev", 271), ("mount", 40), ("umount2", 39),
         ("kexec_load", 104), ("kexec_file_load", 294), ("open_tree", 428), ("move_mount", 429),
         ("fsopen", 430), ("fsconfig", 431), ("fsmount", 432), ("fspick", 433), ("mount_setattr", 442),
         ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427), ("tkill", 130),
         ("pidfd_send_signal", 424), ("pidfd_open", 434), ("pidfd_getfd", 438), ("kcmp", 272),
         ("unshare", 97), ("setns", 268), ("keyctl", 219), ("add_key", 217), ("request_key", 218),
         ("perf_event_open", 241), ("bpf", 280), ("userfaultfd", 282), ("name_to_handle_at", 264),
         ("open_by_handle_at", 265), ("shmget", 194), ("shmat", 196), ("shmctl", 195), ("shmdt", 197),
         ("semget", 190), ("semop", 193), ("semctl", 191), ("semtimedop", 192), ("msgget", 186), ("msgsnd", 189),
         ("msgrcv", 188), ("msgctl", 187)]
        #else
        []
        #endif
    }

    #if arch(x86_64)
    static let cloneNumber: UInt32 = 56
    static let sigactionNumber: UInt32 = 13
    static let fcntlNumber: UInt32 = 72
    static let ioctlNumber: UInt32 = 16
    static let setpriorityNumber: UInt32 = 141
    static let ioprioSetNumber: UInt32 = 251
    /// Calls allowed only when their first argument (a process or thread group id) is the worker.
    static let targetingOwnProcess: [(name: String, number: UInt32, selfIsZero: Bool)] = [
        ("kill", 62, false), ("tgkill", 234, false), ("rt_sigqueueinfo", 129, false), ("rt_tgsigqueueinfo", 297, false),
        ("prlimit64", 302, true), ("sched_setaffinity", 203, true), ("sched_setscheduler", 144, true),
        ("sched_setparam", 142, true), ("sched_setattr", 314, true), ("migrate_pages", 256, true), ("move_pages", 279, true),
    ]
    #else
    static let cloneNumber: UInt32 = 220
    static let sigactionNumber: UInt32 = 134
    static let fcntlNumber: UInt32 = 25
    static let ioctlNumber: UInt32 = 29
    static let setpriorityNumber: UInt32 = 140
    static let ioprioSetNumber: UInt32 = 30
    static let targetingOwnProcess: [(name: String, number: UInt32, selfIsZero: Bool)] = [
        ("kill", 129, false), ("tgkill", 131, false), ("rt_sigqueueinfo", 138, false), ("rt_tgsigqueueinfo", 240, false),
        ("prlimit64", 261, true), ("sched_setaffinity", 122, true), ("sched_setscheduler", 119, true),
        ("sched_setparam", 118, true), ("sched_setattr", 274, true), ("migrate_pages", 238, true), ("move_pages", 239, true),
    ]
    #endif
    static let sigsys: UInt32 = 31
    /// fcntl commands that aim signals at a process: F_SETOWN, F_SETSIG, F_SETOWN_EX; and F_SETFL.
    static let refusedFcntlCommands: [UInt32] = [8, 10, 15]
    static let fcntlSetFlags: UInt32 = 4
    static let asyncFlag: UInt32 = 0o20000  // O_ASYNC
    /// ioctl requests refused: TIOCSTI, TIOCLINUX, FIOSETOWN, SIOCSPGRP.
    static let refusedIoctlRequests: [UInt32] = [0x5412, 0x541C, 0x8901, 0x8902]

    /// The name of a refused system call number, for reports.
    static func name(of number: Int32) -> String {
        let value = UInt32(bitPattern: number)
        if value == cloneNumber { return "clone (a new process)" }
        if let entry = targetingOwnProcess.first(where: { $0.number == value }) { return "\(entry.name) (another process)" }
        if value == fcntlNumber { return "fcntl (F_SETOWN, F_SETSIG or O_ASYNC)" }
        if value == ioctlNumber { return "ioctl (TIOCSTI, TIOCLINUX, FIOSETOWN or SIOCSPGRP)" }
        if value == setpriorityNumber { return "setpriority (another process)" }
        if value == ioprioSetNumber { return "ioprio_set (another process)" }
        return refused.first { $0.number == value }?.name ?? "system call \(number)"
    }
    static let clone3Number: UInt32 = 435
    static let cloneThread: UInt32 = 0x0001_0000

    // BPF opcodes and seccomp return values (linux/filter.h, linux/seccomp.h).
    private static let loadWordAbsolute: UInt16 = 0x20  // BPF_LD | BPF_W | BPF_ABS
    private static let jumpEqual: UInt16 = 0x15         // BPF_JMP | BPF_JEQ | BPF_K
    private static let jumpGreaterEqual: UInt16 = 0x35  // BPF_JMP | BPF_JGE | BPF_K
    private static let jumpSet: UInt16 = 0x45           // BPF_JMP | BPF_JSET | BPF_K
    private static let returnConstant: UInt16 = 0x06    // BPF_RET | BPF_K
    static let killProcess: UInt32 = 0x8000_0000
    static let allow: UInt32 = 0x7FFF_0000
    static let trap: UInt32 = 0x0003_0000
    static func error(_ code: Int32) -> UInt32 { 0x0005_0000 | (UInt32(code) & 0xFFFF) }

    /// One `struct sock_filter` packed as the kernel reads it: code (u16), jt (u8), jf (u8), k (u32).
    struct Instruction: Equatable {
        var code: UInt16
        var jumpTrue: UInt8 = 0
        var jumpFalse: UInt8 = 0
        var constant: UInt32

        var packed: UInt64 {
            UInt64(code) | UInt64(jumpTrue) << 16 | UInt64(jumpFalse) << 24 | UInt64(constant) << 32
        }
    }

    /// The program, or nil on an architecture without a filter. `trapRefusals`: refuse with
    /// SIGSYS (reported by the worker's handler) rather than a plain EPERM. `ownProcess`: the
    /// worker's process id, the only target `kill` and `tgkill` may name.
    static func program(trapRefusals: Bool = true, ownProcess: pid_t = getpid()) -> [Instruction]? {
        guard let architecture else { return nil }
        let refusal = trapRefusals ? trap : error(EPERM)
        var program: [Instruction] = [
            Instruction(code: loadWordAbsolute, constant: 4),  // seccomp_data.arch
            Instruction(code: jumpEqual, jumpTrue: 1, jumpFalse: 0, constant: architecture),
            Instruction(code: returnConstant, constant: killProcess),
            Instruction(code: loadWordAbsolute, constant: 0),  // seccomp_data.nr
        ]
        #if arch(x86_64)
        // x32 system calls carry bit 30 in their number.
        program += [Instruction(code: jumpGreaterEqual, jumpTrue: 0, jumpFalse: 1, constant: 0x4000_0000),
                    Instruction(code: returnConstant, constant: error(EPERM))]
        #endif
        for (_, number) in refused {
            program += [Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, constant: number),
                        Instruction(code: returnConstant, constant: refusal)]
        }
        program += [
            // rt_sigaction(SIGSYS, ...): EPERM; any other signal: allowed.
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 4, constant: sigactionNumber),
            Instruction(code: loadWordAbsolute, constant: 16),  // low 32 bits of args[0] (the signal)
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, constant: sigsys),
            Instruction(code: returnConstant, constant: error(EPERM)),
            Instruction(code: returnConstant, constant: allow),
        ]
        for entry in targetingOwnProcess {
            // The call is allowed only when args[0] (a pid) is the worker (or 0, "the caller", where
            // the call reads it so).
            let allowed = entry.selfIsZero ? [UInt32(bitPattern: ownProcess), 0] : [UInt32(bitPattern: ownProcess)]
            program += block(number: entry.number, argument: 0, allowedValues: allowed, refusal: refusal)
        }
        // setpriority(which, who, ...) and ioprio_set(which, who, ...): PRIO_PROCESS (0) and
        // IOPRIO_WHO_PROCESS (1) of the worker itself only.
        program += whichAndWho(number: setpriorityNumber, which: 0, ownProcess: ownProcess, refusal: refusal)
        program += whichAndWho(number: ioprioSetNumber, which: 1, ownProcess: ownProcess, refusal: refusal)
        // fcntl(fd, cmd, arg): F_SETOWN, F_SETSIG, F_SETOWN_EX refused; F_SETFL with O_ASYNC refused.
        var fcntlChecks: [Instruction] = [Instruction(code: loadWordAbsolute, constant: 24)]  // args[1]
        for command in refusedFcntlCommands {
            fcntlChecks.append(Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, constant: command))
            fcntlChecks.append(Instruction(code: returnConstant, constant: refusal))
        }
        fcntlChecks += [
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 3, constant: fcntlSetFlags),
            Instruction(code: loadWordAbsolute, constant: 32),  // args[2]
            Instruction(code: jumpSet, jumpTrue: 0, jumpFalse: 1, constant: asyncFlag),
            Instruction(code: returnConstant, constant: refusal),
            Instruction(code: returnConstant, constant: allow),
        ]
        program.append(Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: UInt8(fcntlChecks.count), constant: fcntlNumber))
        program += fcntlChecks
        // ioctl(fd, request, ...): the requests that type into a terminal or aim signals refused.
        var ioctlChecks: [Instruction] = [Instruction(code: loadWordAbsolute, constant: 24)]  // args[1]
        for request in refusedIoctlRequests {
            ioctlChecks.append(Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, constant: request))
            ioctlChecks.append(Instruction(code: returnConstant, constant: refusal))
        }
        ioctlChecks.append(Instruction(code: returnConstant, constant: allow))
        program.append(Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: UInt8(ioctlChecks.count), constant: ioctlNumber))
        program += ioctlChecks
        program += [
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, constant: clone3Number),
            Instruction(code: returnConstant, constant: error(ENOSYS)),
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 4, constant: cloneNumber),
            Instruction(code: loadWordAbsolute, constant: 16),  // low 32 bits of args[0] (flags), little-endian
            Instruction(code: jumpSet, jumpTrue: 0, jumpFalse: 1, constant: cloneThread),
            Instruction(code: returnConstant, constant: allow),
            Instruction(code: returnConstant, constant: refusal),
            Instruction(code: returnConstant, constant: allow),
        ]
        return program
    }

    /// `number` is allowed only when the low 32 bits of `args[argument]` are one of `allowedValues`;
    /// any other system call skips the block with the number still loaded.
    static func block(number: UInt32, argument: UInt32, allowedValues: [UInt32], refusal: UInt32) -> [Instruction] {
        let count = allowedValues.count
        var block: [Instruction] = [
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: UInt8(count + 3), constant: number),
            Instruction(code: loadWordAbsolute, constant: 16 + 8 * argument),
        ]
        for (index, value) in allowedValues.enumerated() {
            block.append(Instruction(code: jumpEqual, jumpTrue: UInt8(count - index), jumpFalse: 0, constant: value))
        }
        block += [Instruction(code: returnConstant, constant: refusal), Instruction(code: returnConstant, constant: allow)]
        return block
    }

    /// `number(which, who, ...)` is allowed only for `which` and `who` 0 or the worker.
    static func whichAndWho(number: UInt32, which: UInt32, ownProcess: pid_t, refusal: UInt32) -> [Instruction] {
        [
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 7, constant: number),
            Instruction(code: loadWordAbsolute, constant: 16),  // args[0]: which
            Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 3, constant: which),
            Instruction(code: loadWordAbsolute, constant: 24),  // args[1]: who
            Instruction(code: jumpEqual, jumpTrue: 2, jumpFalse: 0, constant: 0),
            Instruction(code: jumpEqual, jumpTrue: 1, jumpFalse: 0, constant: UInt32(bitPattern: ownProcess)),
            Instruction(code: returnConstant, constant: refusal),
            Instruction(code: returnConstant, constant: allow),
        ]
    }

    /// Installs the filter on every thread of the worker and the threads they start later, with
    /// `seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog)`. Needs no_new_privs or
    /// CAP_SYS_ADMIN.
    static func install() -> ConfinementStep {
        guard architecture != nil else {
            return ConfinementStep("seccomp", .unavailable(reason: "no filter for this architecture"))
        }
        let handlerError = hypermesh_sandbox_install_sigsys_reporter()
        guard let program = program(trapRefusals: handlerError == 0) else {
            return ConfinementStep("seccomp", .unavailable(reason: "no filter for this architecture"))
        }
        let how = handlerError == 0 ? "refused (EPERM, reported to the host)" : "EPERM, not reported (SIGSYS handler: \(SystemCalls.describe(handlerError)))"
        let targeted = targetingOwnProcess.map(\.name) + ["setpriority", "ioprio_set"]
        let detail = "\(program.count) instructions on every thread; \(how): \(refused.map(\.name).joined(separator: ", ")), clone without CLONE_THREAD, \(targeted.joined(separator: ", ")) aimed at another process, fcntl F_SETOWN/F_SETOWN_EX/F_SETSIG/O_ASYNC, ioctl TIOCSTI/TIOCLINUX/FIOSETOWN/SIOCSPGRP; ENOSYS for clone3"
        let code = program.map(\.packed).withUnsafeBufferPointer { buffer in
            hypermesh_seccomp_install_all_threads(buffer.baseAddress, UInt16(buffer.count))
        }
        if code == 0 { return ConfinementStep("seccomp", .applied, detail: detail) }
        switch code {
        case EINVAL, ENOSYS:
            return ConfinementStep("seccomp", .unavailable(reason: "the kernel has no seccomp filter support: \(SystemCalls.describe(code))"), detail: detail)
        case EACCES:
            return ConfinementStep("seccomp", .unavailable(reason: "needs no_new_privs or CAP_SYS_ADMIN: \(SystemCalls.describe(code))"), detail: detail)
        default:
            return ConfinementStep("seccomp", .failed(reason: SystemCalls.describe(code)), detail: detail)
        }
    }
}
