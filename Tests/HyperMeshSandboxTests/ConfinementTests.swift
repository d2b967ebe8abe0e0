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
        func run(nr: UInt32, arch: UInt32, flags: UInt32 = 0) -> UInt32 {
            var accumulator: UInt32 = 0
            var pc = 0
            while pc < program.count {
                let instruction = program[pc]
                switch instruction.code {
                case 0x20:
                    switch instruction.constant {
                    case 0: accumulator = nr
                    case 4: accumulator = arch
                    case 16: accumulator = flags
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
        for number in [SeccompFilter.killNumber, SeccompFilter.tgkillNumber] {
            #expect(run(nr: number, arch: arch, flags: 4_242) == SeccompFilter.allow)
            #expect(run(nr: number, arch: arch, flags: 1) == trap)
            #expect(run(nr: number, arch: arch, flags: 0) == trap)  // kill(0, ...): the process group
            #expect(run(nr: number, arch: arch, flags: UInt32(bitPattern: -1)) == trap)  // kill(-1, ...): everyone
        }
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
    /// A host that is PID 1 (a container's init) still gets workers; any other parent is watched.
    @Test func theOrphanWatchdogWatchesEveryParentButInit() {
        #expect(!OrphanWatchdog.watches(parent: 1))
        #expect(OrphanWatchdog.watches(parent: getpid()))
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
