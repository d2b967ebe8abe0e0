import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a program with `posix_spawn`, its stdout and stderr written to a file, stdin from
/// /dev/null, and waits for it (or lets the caller wait, e.g. to kill it first) (retrying `waitpid` on EINTR). Thread-safe: nothing is shared
/// between calls.
public enum ChildProcess {
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `command` (an absolute executable path and its arguments); returns the raw wait status.
    /// Standard error goes to `errorPath`, or to `outputPath` when it is nil.
    public static func run(_ command: [String], outputPath: String, errorPath: String? = nil) throws(SpawnError) -> Int32 {
        try wait(start(command, outputPath: outputPath, errorPath: errorPath))
    }

    /// Starts `command` as ``run(_:outputPath:errorPath:)`` does and returns its process id at once;
    /// the caller must ``wait(_:)`` for it.
    public static func start(_ command: [String], outputPath: String, errorPath: String? = nil) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errorPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, &argv, environ)
        guard spawned == 0 else {
            throw SpawnError(description: "posix_spawn \(command[0]): \(String(cString: strerror(spawned)))")
        }
        return pid
    }

    /// Waits for `pid` to end; returns the raw wait status.
    public static func wait(_ pid: pid_t) throws(SpawnError) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw SpawnError(description: "waitpid: \(String(cString: strerror(errno)))")
            }
        }
        return status
    }

    /// The exit status of a normally ended child, or nil if a signal ended it.
    public static func exitStatus(_ status: Int32) -> Int32? {
        status & 0x7f == 0 ? (status >> 8) & 0xff : nil
    }

    /// "exit status N" or "killed by signal N" for a raw wait status.
    public static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        return signal == 0 ? "exit status \((status >> 8) & 0xff)" : "killed by signal \(signal)"
    }
}
