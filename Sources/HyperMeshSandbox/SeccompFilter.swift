#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshSandbox

/// The worker's seccomp BPF program. It checks the architecture first (a foreign one, e.g. a
/// 32-bit entry on x86_64, kills the process), then **refuses**:
///
/// - new sockets and network endpoints (`socket`, `socketpair`, `connect`, `bind`, `listen`,
///   `accept`, `accept4`): the worker keeps its inherited socket, which needs none of them;
/// - new processes and programs (`fork`, `vfork`, `execve`, `execveat`) and `clone` without
///   `CLONE_THREAD` (threads keep working);
/// - tracing and other processes' memory (`ptrace`, `process_vm_readv`, `process_vm_writev`),
///   mounts (`mount`, `umount2`, the new mount API), `kexec_load`, `kexec_file_load`;
/// - io_uring (`io_uring_setup`, `io_uring_enter`, `io_uring_register`), whose operations would
///   open sockets and connect without the system calls above;
/// - signals to other processes: `kill` and `tgkill` only when the target is the worker itself
///   (`raise` and `abort` keep working), never `tkill` (any thread of the system), and no process
///   file descriptors (`pidfd_open`, `pidfd_getfd`, `pidfd_send_signal`).
///
/// A refusal is `SECCOMP_RET_TRAP`: the call does not run, the worker's SIGSYS handler
/// (`CHyperMeshSandbox`) makes it return `EPERM` and notes it, and the worker tells the host, which
/// records a `sandbox_refused` violation. If the handler cannot be installed the filter answers
/// `EPERM` directly and nothing is reported. Besides: `ENOSYS` for `clone3` (its flags are in memory
/// the filter cannot read, so libc falls back to `clone`), `EPERM` for x32 system calls on x86_64
/// and for `rt_sigaction` on SIGSYS (the extension cannot take the handler over); everything else
/// is allowed.
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
         ("pidfd_send_signal", 424), ("pidfd_open", 434), ("pidfd_getfd", 438)]
        #elseif arch(arm64)
        [("socket", 198), ("socketpair", 199), ("bind", 200), ("listen", 201), ("accept", 202),
         ("connect", 203), ("accept4", 242), ("execve", 221), ("execveat", 281), ("ptrace", 117),
         ("process_vm_readv", 270), ("process_vm_writev", 271), ("mount", 40), ("umount2", 39),
         ("kexec_load", 104), ("kexec_file_load", 294), ("open_tree", 428), ("move_mount", 429),
         ("fsopen", 430), ("fsconfig", 431), ("fsmount", 432), ("fspick", 433), ("mount_setattr", 442),
         ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427), ("tkill", 130),
         ("pidfd_send_signal", 424), ("pidfd_open", 434), ("pidfd_getfd", 438)]
        #else
        []
        #endif
    }

    #if arch(x86_64)
    static let cloneNumber: UInt32 = 56
    static let sigactionNumber: UInt32 = 13
    static let killNumber: UInt32 = 62
    static let tgkillNumber: UInt32 = 234
    #else
    static let cloneNumber: UInt32 = 220
    static let sigactionNumber: UInt32 = 134
    static let killNumber: UInt32 = 129
    static let tgkillNumber: UInt32 = 131
    #endif
    static let sigsys: UInt32 = 31

    /// The name of a refused system call number, for reports.
    static func name(of number: Int32) -> String {
        if UInt32(bitPattern: number) == cloneNumber { return "clone (a new process)" }
        if UInt32(bitPattern: number) == killNumber { return "kill (another process)" }
        if UInt32(bitPattern: number) == tgkillNumber { return "tgkill (another process)" }
        return refused.first { $0.number == UInt32(bitPattern: number) }?.name ?? "system call \(number)"
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
        for number in [killNumber, tgkillNumber] {
            // kill(pid, ...) / tgkill(tgid, ...): allowed only when args[0] is the worker itself.
            program += [
                Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 4, constant: number),
                Instruction(code: loadWordAbsolute, constant: 16),  // low 32 bits of args[0] (the pid)
                Instruction(code: jumpEqual, jumpTrue: 0, jumpFalse: 1, constant: UInt32(bitPattern: ownProcess)),
                Instruction(code: returnConstant, constant: allow),
                Instruction(code: returnConstant, constant: refusal),
            ]
        }
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

    /// Installs the filter on the calling thread (and the threads it starts later) with
    /// `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)`. Needs no_new_privs or CAP_SYS_ADMIN.
    static func install() -> ConfinementStep {
        guard architecture != nil else {
            return ConfinementStep("seccomp", .unavailable(reason: "no filter for this architecture"))
        }
        let handlerError = hypermesh_sandbox_install_sigsys_reporter()
        guard let program = program(trapRefusals: handlerError == 0) else {
            return ConfinementStep("seccomp", .unavailable(reason: "no filter for this architecture"))
        }
        let how = handlerError == 0 ? "refused (EPERM, reported to the host)" : "EPERM, not reported (SIGSYS handler: \(SystemCalls.describe(handlerError)))"
        let detail = "\(program.count) instructions; \(how): \(refused.map(\.name).joined(separator: ", ")), clone without CLONE_THREAD, kill and tgkill of another process; ENOSYS for clone3"
        let instructions = UnsafeMutablePointer<UInt64>.allocate(capacity: program.count)
        defer { instructions.deallocate() }
        for (index, instruction) in program.enumerated() { instructions[index] = instruction.packed }
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: 16 bytes on 64-bit.
        let fprog = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        defer { fprog.deallocate() }
        fprog.initializeMemory(as: UInt8.self, repeating: 0, count: 16)
        fprog.storeBytes(of: UInt16(program.count), as: UInt16.self)
        fprog.storeBytes(of: UInt(bitPattern: instructions), toByteOffset: 8, as: UInt.self)
        let (result, code) = SystemCalls.prctl(SystemCalls.PR_SET_SECCOMP, SystemCalls.SECCOMP_MODE_FILTER, UInt(bitPattern: fprog))
        if result == 0 { return ConfinementStep("seccomp", .applied, detail: detail) }
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
