import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The floor of an isolated call: one AF_UNIX stream socketpair (as ``WorkerProcess`` uses) and a
/// peer that writes back whatever it reads, so that ``roundTrip()`` is `send` of a small frame,
/// the peer's `read` + `write`, and a blocking `recv` of the answer: two context switches and four
/// system calls, no framing, no encoding, no allocation, no deadline, no `poll`.
///
/// Two peers:
/// - ``Peer/process``: `/bin/cat` started with `posix_spawn`, the socket as its standard input and
///   output (another process, as a worker is: the switch changes address space);
/// - ``Peer/thread``: a thread of this process looping on `read` and `write` (same address space).
///
/// Not thread-safe: one caller at a time.
public final class SocketEchoPeer {
    public enum Peer: Sendable { case process, thread }

    private let descriptor: Int32
    private let child: pid_t?
    private var frame: [UInt8]
    private var answer: [UInt8]

    /// Starts the peer; every round trip sends `frameSize` bytes and waits for all of them back.
    public init(_ peer: Peer, frameSize: Int) throws(BenchmarkSetupError) {
        var sockets: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            throw BenchmarkSetupError(.runtimeFailed, "socketpair failed", cause: String(cString: strerror(errno)))
        }
        descriptor = sockets[0]
        frame = (0..<frameSize).map { UInt8(truncatingIfNeeded: $0) }
        answer = [UInt8](repeating: 0, count: frameSize)
        switch peer {
        case .process:
            child = try Self.spawnCat(socket: sockets[1])
            close(sockets[1])
        case .thread:
            child = nil
            let peerSocket = sockets[1]
            let thread = Thread { Self.echo(peerSocket) }
            thread.start()
        }
        guard roundTrip() == frameSize, answer == frame else {
            throw BenchmarkSetupError(.sanityCheckFailed, "the \(peer) echo peer did not answer the first frame")
        }
    }

    deinit {
        close(descriptor)  // the peer reads end of file and ends
        if let child {
            var status: Int32 = 0
            _ = waitpid(child, &status, 0)
        }
    }

    /// Sends the frame and receives it back; returns the bytes received (the frame's size), or -1.
    @inline(__always)
    public func roundTrip() -> Int {
        let count = frame.count
        let sent = frame.withUnsafeBytes { send(descriptor, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
        guard sent == count else { return -1 }
        var received = 0
        while received < count {
            let got = answer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + received, count - received, 0) }
            guard got > 0 else { return -1 }
            received += got
        }
        return received
    }

    /// The thread peer's loop: read whatever arrived, write it back, until end of file.
    private static func echo(_ socket: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        buffer.withUnsafeMutableBytes { bytes in
            while true {
                let count = read(socket, bytes.baseAddress, bytes.count)
                if count <= 0 { break }
                var written = 0
                while written < count {
                    let result = write(socket, bytes.baseAddress! + written, count - written)
                    if result <= 0 { break }
                    written += result
                }
            }
        }
        close(socket)
    }

    private static func spawnCat(socket: Int32) throws(BenchmarkSetupError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, socket, 0)
        posix_spawn_file_actions_adddup2(&actions, socket, 1)
        let arguments = ["/bin/cat"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment: [UnsafeMutablePointer<CChar>?] = [nil]
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/cat", &actions, nil, &argv, &environment)
        guard result == 0 else {
            throw BenchmarkSetupError(.runtimeFailed, "posix_spawn /bin/cat failed", cause: String(cString: strerror(result)))
        }
        return pid
    }
}
