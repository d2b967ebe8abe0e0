#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HyperMeshSandbox

/// What can be checked without confining the test process itself (confinement is irreversible:
/// the worker tests apply it in real workers).
@Suite struct ConfinementTests {
    @Test func theSeccompProgramChecksTheArchitectureFirstAndEndsInAllow() throws {
        let program = try #require(SeccompFilter.program())
        #expect(program.count < 256)
        #expect(program[0] == SeccompFilter.Instruction(code: 0x20, constant: 4))
        #expect(program[1].constant == SeccompFilter.architecture)
        #expect(program[2] == SeccompFilter.Instruction(code: 0x06, constant: SeccompFilter.killProcess))
        #expect(program.last == SeccompFilter.Instruction(code: 0x06, constant: SeccompFilter.allow))
        // Every jump lands inside the program.
        for (index, instruction) in program.enumerated() where instruction.code & 0x07 == 0x05 {
            #expect(index + 1 + Int(instruction.jumpTrue) < program.count)
            #expect(index + 1 + Int(instruction.jumpFalse) < program.count)
        }
        let names = Set(SeccompFilter.refused.map(\.name))
        for name in ["socket", "connect", "bind", "listen", "accept", "execve", "execveat", "ptrace",
                     "process_vm_readv", "process_vm_writev", "mount", "kexec_load", "kexec_file_load",
                     "io_uring_setup", "io_uring_enter", "io_uring_register", "tkill", "pidfd_open", "pidfd_getfd", "pidfd_send_signal"] {
            #expect(names.contains(name), "\(name) is not refused")
        }
        #if arch(x86_64)
        #expect(names.contains("fork") && names.contains("vfork"))
        #endif
    }

    /// Runs the program the way the kernel would, on chosen system call data.
    @Test func theProgramAnswersAsDocumented() throws {
        let program = try #require(SeccompFilter.program(ownProcess: 4_242))
        let arch = try #require(SeccompFilter.architecture)
        func run(nr: UInt32, arch: UInt32, flags: UInt32 = 0, arguments: [UInt32]? = nil) -> UInt32 {
            let arguments = arguments ?? [flags]
            var accumulator: UInt32 = 0
            var pc = 0
            while pc < program.count {
                let instruction = program[pc]
                switch instruction.code {
                case 0x20:
                    switch instruction.constant {
                    case 0: accumulator = nr
                    case 4: accumulator = arch
                    case 16, 24, 32, 40, 48, 56:
                        let index = Int(instruction.constant - 16) / 8
                        accumulator = index < arguments.count ? arguments[index] : 0
                    default: Issue.record("unexpected load offset \(instruction.constant)"); return 0
                    }
                    pc += 1
                case 0x15: pc += 1 + Int(accumulator == instruction.constant ? instruction.jumpTrue : instruction.jumpFalse)
                case 0x35: pc += 1 + Int(accumulator >= instruction.constant ? instruction.jumpTrue : instruction.jumpFalse)
                case 0x45: pc += 1 + Int(accumulator & instruction.constant != 0 ? instruction.jumpTrue : instruction.jumpFalse)
                case 0x06: return instruction.constant
                default: Issue.record("unexpected opcode \(instruction.code)"); return 0
                }
            }
            Issue.record("ran off the end")
            return 0
        }
        let eperm = SeccompFilter.error(1)
        let trap = SeccompFilter.trap
        for (_, number) in SeccompFilter.refused { #expect(run(nr: number, arch: arch) == trap) }
        #expect(run(nr: SeccompFilter.clone3Number, arch: arch) == SeccompFilter.error(38))
        #expect(run(nr: SeccompFilter.cloneNumber, arch: arch, flags: 0x11) == trap)  // fork-like clone
        // The SIGSYS handler cannot be replaced; other signal handlers can.
        #expect(run(nr: SeccompFilter.sigactionNumber, arch: arch, flags: SeccompFilter.sigsys) == eperm)
        #expect(run(nr: SeccompFilter.sigactionNumber, arch: arch, flags: 10) == SeccompFilter.allow)
        #expect(run(nr: SeccompFilter.cloneNumber, arch: arch, flags: 0x3D0F00) == SeccompFilter.allow)  // pthread_create's flags
        // Signals: only to the worker itself (pid 4242 here).
        // kill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, prlimit64, sched_*, migrate/move_pages.
        for entry in SeccompFilter.targetingOwnProcess {
            #expect(run(nr: entry.number, arch: arch, flags: 4_242) == SeccompFilter.allow, "\(entry.name)")
            #expect(run(nr: entry.number, arch: arch, flags: 1) == trap, "\(entry.name)")
            // 0 is "the caller" for prlimit64 and the scheduler calls, the process group for kill.
            #expect(run(nr: entry.number, arch: arch, flags: 0) == (entry.selfIsZero ? SeccompFilter.allow : trap), "\(entry.name)")
            #expect(run(nr: entry.number, arch: arch, flags: UInt32(bitPattern: -1)) == trap, "\(entry.name)")  // kill(-1, ...): everyone
        }
        // setpriority(PRIO_PROCESS, who) and ioprio_set(IOPRIO_WHO_PROCESS, who): the worker only.
        #expect(run(nr: SeccompFilter.setpriorityNumber, arch: arch, arguments: [0, 0]) == SeccompFilter.allow)
        #expect(run(nr: SeccompFilter.setpriorityNumber, arch: arch, arguments: [0, 4_242]) == SeccompFilter.allow)
        #expect(run(nr: SeccompFilter.setpriorityNumber, arch: arch, arguments: [0, 77]) == trap)
        #expect(run(nr: SeccompFilter.setpriorityNumber, arch: arch, arguments: [2, 0]) == trap)  // PRIO_USER: every process of the uid
        #expect(run(nr: SeccompFilter.ioprioSetNumber, arch: arch, arguments: [1, 0]) == SeccompFilter.allow)
        #expect(run(nr: SeccompFilter.ioprioSetNumber, arch: arch, arguments: [1, 77]) == trap)
        // fcntl: signal-driven I/O refused, everything else allowed.
        for command: UInt32 in [8, 10, 15] { #expect(run(nr: SeccompFilter.fcntlNumber, arch: arch, arguments: [3, command, 77]) == trap) }
        #expect(run(nr: SeccompFilter.fcntlNumber, arch: arch, arguments: [3, 4, 0o20000 | 0o4000]) == trap)  // F_SETFL O_ASYNC
        #expect(run(nr: SeccompFilter.fcntlNumber, arch: arch, arguments: [3, 4, 0o4000]) == SeccompFilter.allow)  // F_SETFL O_NONBLOCK
        #expect(run(nr: SeccompFilter.fcntlNumber, arch: arch, arguments: [3, 1, 0]) == SeccompFilter.allow)  // F_GETFD
        for request: UInt32 in [0x5412, 0x541C, 0x8901, 0x8902] { #expect(run(nr: SeccompFilter.ioctlNumber, arch: arch, arguments: [0, request]) == trap) }
        #expect(run(nr: SeccompFilter.ioctlNumber, arch: arch, arguments: [0, 0x5401]) == SeccompFilter.allow)  // TCGETS
        #expect(run(nr: 0, arch: arch) == SeccompFilter.allow)  // read / io_setup
        #expect(run(nr: 1, arch: arch) == SeccompFilter.allow)
        #expect(run(nr: 0, arch: 0x4000_0003) == SeccompFilter.killProcess)  // i386
        #if arch(x86_64)
        #expect(run(nr: 0x4000_0000 | 41, arch: arch) == eperm)  // x32 socket
        #endif
    }

    @Test func withoutTheSigsysHandlerRefusalsArePlainEPERM() throws {
        let program = try #require(SeccompFilter.program(trapRefusals: false))
        #expect(!program.contains { $0.code == 0x06 && $0.constant == SeccompFilter.trap })
        #expect(program.contains { $0.code == 0x06 && $0.constant == SeccompFilter.error(1) })
    }

    @Test func cgroupDetectionReportsSomethingConcrete() {
        let support = Cgroups.detect()
        // Whatever this machine has, detection names it or says why not.
        #expect(support.version != .none || support.problem != nil)
        if support.version == .v2 { #expect(support.memoryFolder == support.cpuFolder) }
        print("cgroup support here: \(support)")
    }
}

extension ConfinementTests {
    /// A layer is engaged only when every one of its steps applied; a required layer that is not
    /// is named with the failing step and why.
    @Test func aRequiredLayerIsEngagedOnlyWhenEachOfItsStepsApplied() {
        let report = ConfinementReport(steps: [
            ConfinementStep("namespaces", .unavailable(reason: "the kernel refused")),
            ConfinementStep("rlimit.as", .applied), ConfinementStep("rlimit.nproc", .unavailable(reason: "root")),
            ConfinementStep("no_new_privs", .applied), ConfinementStep("seccomp", .applied),
            ConfinementStep("landlock", .applied),
        ])
        #expect(ConfinementLayer.seccomp.isEngaged(in: report))
        #expect(ConfinementLayer.landlock.isEngaged(in: report))
        #expect(!ConfinementLayer.rlimits.isEngaged(in: report))
        #expect(!ConfinementLayer.cgroup.isEngaged(in: report))
        #expect(ConfinementLayer.missing(in: report, required: [.landlock, .seccomp]) == nil)
        let missing = ConfinementLayer.missing(in: report, required: [.seccomp, .rlimits, .namespaces])
        #expect(missing?.layer == .namespaces)
        #expect(missing?.reason.contains("the kernel refused") == true)
        #expect(ConfinementLayer.missing(in: report, required: [.rlimits])?.reason.contains("rlimit.nproc") == true)
        #expect(ConfinementLayer.cgroup.problem(in: report)?.contains("not taken") == true)
    }

    /// The rights a ruleset handles grow with the ABI; what an older ABI cannot enforce is named.
    @Test func landlockRightsFollowTheKernelsABIAndNameWhatTheyCannotEnforce() {
        let first = LandlockRights(abi: 1)
        #expect(first.handledNetwork == 0 && first.scoped == 0)
        #expect(first.unenforced.count == 5)
        #expect(first.unenforced.contains { $0.contains("TCP") })
        let fourth = LandlockRights(abi: 4)
        #expect(fourth.handledNetwork == 3)
        #expect(fourth.unenforced.contains { $0.contains("signals") })
        let seventh = LandlockRights(abi: 7)
        #expect(seventh.unenforced.isEmpty)
        #expect(seventh.scoped == 3)
        #expect(seventh.handledFileSystem & LandlockRights.writeFile != 0)
        #expect(seventh.readAndExecute & LandlockRights.writeFile == 0)
    }

    /// What the worker would print as a log line reaches the host with control characters shown.
    @Test func workerLogLinesShowControlCharactersInsteadOfActingOnThem() {
        #expect(WorkerLogRelay.sanitized(Array("plain text\twith tab".utf8)) == "plain text\twith tab")
        #expect(WorkerLogRelay.sanitized(Array("red\u{1B}[31m".utf8)) == "red\\x1B[31m")
        #expect(WorkerLogRelay.sanitized(Array("back\roverwrite".utf8)) == "back\\x0Doverwrite")
        #expect(WorkerLogRelay.sanitized(Array("café ✓".utf8)) == "café ✓")
        #expect(WorkerLogRelay.sanitized([0x66, 0xFF, 0xC3]) == "f\\xFF\\xC3")
    }
}

extension ConfinementTests {
    /// The host works out a worker's cgroup folders itself (it never removes a path the worker
    /// names): one `hypermesh-<pid>` per controller folder it detects, none when no limit asks.
    @Test func theHostDerivesAWorkersCgroupFolders() {
        #expect(Cgroups.folders(ofWorker: 4_242, memory: false, cpu: false).isEmpty)
        let support = Cgroups.detect()
        let expected = Set([support.memoryFolder, support.cpuFolder].compactMap { $0 }.map { "\($0)/hypermesh-4242" })
        #expect(Set(Cgroups.folders(ofWorker: 4_242, memory: true, cpu: true)) == expected)
        #expect(Cgroups.folders(ofWorker: 4_242, memory: true, cpu: false) == support.memoryFolder.map { ["\($0)/hypermesh-4242"] } ?? [])
    }
}
