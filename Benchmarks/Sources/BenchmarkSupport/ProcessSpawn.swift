#if canImport(Glibc)
import Glibc
#endif

/// The floor of starting a worker: `posix_spawn` of a program with standard input and output on
/// `/dev/null` and an environment of `PATH` only (as ``WorkerProcess`` spawns), then `waitpid`
/// until it has exited. Nothing is exchanged with it.
public struct ProcessSpawn: Sendable {
    public let arguments: [String]

    /// `arguments[0]` is the program's path.
    public init(_ arguments: [String]) {
        self.arguments = arguments
    }

    /// Spawns the program and waits for it; returns its wait status (0 when it exited with 0),
    /// or -1 when it could not be spawned.
    public func run() -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
        defer { for pointer in environment { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, &environment) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return status
    }
}
