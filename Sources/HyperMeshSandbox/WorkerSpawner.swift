#if canImport(Glibc)
import Glibc
#endif
import CHyperMeshSandbox

/// The uid and gid a root host starts its workers as (the operator's choice; see docs/isolation.md).
public struct WorkerUser: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32

    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }
}

/// Starts a `hypermesh-sandbox` process for ``WorkerProcess``: `clone(CLONE_VM | CLONE_VFORK)` (C,
/// in `CHyperMeshSandbox`; as cheap as posix_spawn), then in the child new user, mount, network and
/// IPC namespaces where the kernel allows them, a new session, descriptors 0 and 1 on /dev/null, 2
/// into a pipe, 3 the socket.
///
/// In the new user namespace the worker keeps the host's uid and gid (mapped one to one), or the
/// configured ``WorkerUser`` (a root host: the child switches to it before it unshares); its mounts
/// are private; its network namespace has no interface but
/// a loopback that is down; its IPC namespace has no System V object of the host. Where the kernel
/// refuses the namespaces (no unprivileged user namespaces, a container's seccomp profile), the
/// worker starts without them and the `namespaces` step says why.
///
/// Not a pid namespace: a worker that is PID 1 of its namespace could not die of its own signals
/// (SIGXCPU at its CPU limit, SIGABRT); the host's processes are kept out of reach by Landlock's
/// signal scope and `/proc` rules and by the seccomp filter instead.
enum WorkerSpawner {
    struct Spawned {
        var pid: pid_t
        /// The read end of the worker's standard error.
        var standardError: Int32
        /// The `namespaces` step: applied, or unavailable/failed with the reason.
        var namespaces: ConfinementStep
    }

    static let namespaceNames = "user, mount, network, ipc"

    static func spawn(_ executable: String, socket: Int32, configuration: WorkerConfiguration,
                      arguments extra: [String] = ["--fd", "3"]) throws(WorkerError) -> Spawned {
        var errorPipe: [Int32] = [-1, -1]
        let pipeError = errorPipe.withUnsafeMutableBufferPointer { hypermesh_pipe_cloexec($0.baseAddress) }
        guard pipeError == 0 else { throw .spawnFailed("pipe: \(SystemCalls.describe(pipeError))") }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else {
            let code = errno
            close(errorPipe[0]); close(errorPipe[1])
            throw .spawnFailed("/dev/null: \(SystemCalls.describe(code))")
        }
        defer {
            close(null)
            close(errorPipe[1])
        }
        if let user = configuration.workerUser, geteuid() != 0 {
            close(errorPipe[0])
            throw .spawnFailed("only a host running as root can start workers as uid \(user.uid); this host runs as uid \(geteuid())")
        }
        let arguments = [executable] + extra
        // No Swift backtracer in the worker: it would try to spawn a helper on a crash, which the
        // seccomp filter refuses, and turn every crash into SIGSYS.
        let environment = ["PATH=/usr/bin:/bin", "SWIFT_BACKTRACE=enable=no"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }

        func attempt(namespaces: Bool) -> (pid: pid_t, failure: String?) {
            executable.withCString { path in
                argv.withUnsafeMutableBufferPointer { argumentPointers in
                    envp.withUnsafeMutableBufferPointer { environmentPointers in
                        var request = hypermesh_spawn_request(
                            path: path, argv: argumentPointers.baseAddress, envp: environmentPointers.baseAddress,
                            null_fd: null, stderr_fd: errorPipe[1], socket_fd: socket, namespaces: namespaces ? 1 : 0,
                            worker_uid: configuration.workerUser.map { Int64($0.uid) } ?? -1,
                            worker_gid: configuration.workerUser.map { Int64($0.gid) } ?? -1)
                        var step: UnsafePointer<CChar>?
                        var code: Int32 = 0
                        let pid = hypermesh_sandbox_spawn(&request, &step, &code)
                        if pid > 0 { return (pid, nil) }
                        return (-1, "\(step.map { String(cString: $0) } ?? "spawn"): \(SystemCalls.describe(code))")
                    }
                }
            }
        }

        var namespaceStep: ConfinementStep
        var pid: pid_t = -1
        if configuration.namespaces {
            let result = attempt(namespaces: true)
            if let failure = result.failure {
                namespaceStep = ConfinementStep("namespaces", .unavailable(reason: "the kernel refused new \(namespaceNames) namespaces (\(failure))"))
            } else {
                pid = result.pid
                let who = configuration.workerUser.map { "uid \($0.uid), gid \($0.gid)" } ?? "the host's uid \(geteuid()) and gid \(getegid())"
                namespaceStep = ConfinementStep("namespaces", .applied, detail: "\(namespaceNames); runs as \(who); no network but a loopback that is down; no pid namespace")
            }
        } else {
            namespaceStep = ConfinementStep("namespaces", .unavailable(reason: "switched off by the host's configuration"))
        }
        if pid < 0 {
            let result = attempt(namespaces: false)
            if let failure = result.failure {
                close(errorPipe[0])
                throw .spawnFailed("\(executable): \(failure)")
            }
            pid = result.pid
        }
        return Spawned(pid: pid, standardError: errorPipe[0], namespaces: namespaceStep)
    }
}
