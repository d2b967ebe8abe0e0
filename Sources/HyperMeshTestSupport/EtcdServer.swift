import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real single-member etcd for tests: Debian's `etcd-server` (3.4) serving from a temporary
/// folder on 127.0.0.1, with free ports for its client and peer URLs; what it prints goes to a log
/// file in that folder. Installed by `scripts/bootstrap.sh`.
///
/// ``start()`` returns once `GET /health` answers `"health":"true"` (within 20 s; otherwise the
/// process is stopped and the error carries the log's tail). ``stop()`` ends the process
/// (SIGTERM, SIGKILL after 5 s), reaps it and removes the folder. ``restart()`` ends the process
/// but keeps the data and starts etcd again on the same ports; ``suspend()`` and ``resume()``
/// freeze and thaw it (SIGSTOP / SIGCONT) to simulate a member that stops answering.
///
/// Not guaranteed: the free ports are found by binding port 0 and closing it, so another process
/// may take one before etcd binds it (start fails then, it does not hang).
public final class EtcdServer: Sendable {
    public let clientPort: Int
    public let peerPort: Int
    public let folder: URL
    private let logFile: URL
    private let process: EtcdProcessSlot

    public static let executable = "/usr/bin/etcd"

    /// `http://127.0.0.1:PORT`: the client URL to give an etcd client.
    public var endpoint: String { "http://127.0.0.1:\(clientPort)" }

    /// The running etcd's process id (a new one after ``restart()``).
    public var processID: pid_t { process.pid }

    /// Starts etcd in a new temporary folder on free loopback ports.
    public static func start() async throws -> EtcdServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hm-etcd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clientPort: Int
        let peerPort: Int
        do {
            clientPort = try freeLoopbackPort()
            var candidate = try freeLoopbackPort()
            while candidate == clientPort { candidate = try freeLoopbackPort() }
            peerPort = candidate
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        let server = EtcdServer(clientPort: clientPort, peerPort: peerPort, folder: folder)
        do {
            try await server.launch()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private init(clientPort: Int, peerPort: Int, folder: URL) {
        self.clientPort = clientPort
        self.peerPort = peerPort
        self.folder = folder
        self.logFile = folder.appendingPathComponent("etcd.log")
        self.process = EtcdProcessSlot()
    }

    /// Everything etcd printed since it was last started.
    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Ends etcd (SIGTERM, then SIGKILL after 5 s), reaps it and removes its folder. Safe to call
    /// more than once and from `defer`.
    public func stop() {
        endProcess()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Ends etcd as ``stop()`` does but keeps its data (if it still runs), then starts it again on
    /// the same ports and returns once it answers. Leases survive (etcd renews them when it becomes leader again).
    public func restart() async throws {
        endProcess()
        try await launch()
    }

    /// Ends etcd (as ``stop()`` does) but keeps its data and ports; ``restart()`` brings it back.
    public func stopKeepingData() {
        endProcess()
    }

    /// Freezes etcd (SIGSTOP): connections stay open and nothing answers.
    public func suspend() {
        let pid = process.pid
        if pid > 0 { _ = kill(pid, SIGSTOP) }
    }

    /// Thaws a suspended etcd (SIGCONT).
    public func resume() {
        let pid = process.pid
        if pid > 0 { _ = kill(pid, SIGCONT) }
    }

    /// Same as ``resume()``.
    public func `continue`() {
        resume()
    }

    private func launch() async throws {
        let peerURL = "http://127.0.0.1:\(peerPort)"
        let command = [
            Self.executable,
            "--name", "default",
            "--data-dir", folder.appendingPathComponent("data").path,
            "--listen-client-urls", endpoint, "--advertise-client-urls", endpoint,
            "--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
            "--initial-cluster", "default=\(peerURL)",
        ]
        let pid: pid_t
        do {
            pid = try ChildProcess.start(command, outputPath: logFile.path)
        } catch {
            throw Self.launchFailure("cannot start \(Self.executable) (scripts/bootstrap.sh installs etcd-server)", cause: error.description)
        }
        process.pid = pid
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if Self.isHealthy(port: clientPort) { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                process.pid = 0
                throw Self.launchFailure("etcd ended at start (\(ChildProcess.describe(status)))", cause: logTail)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        endProcess()
        throw Self.launchFailure("etcd did not answer GET /health on port \(clientPort) within 20 s", cause: logTail)
    }

    /// SIGKILL (it also ends a suspended process) and reaps it, as `RegistryServer` does: etcd
    /// recovers from its write-ahead log, so a restart on the same folder finds every committed write.
    private func endProcess() {
        let pid = process.take()
        guard pid > 0 else { return }
        _ = kill(pid, SIGKILL)
        _ = try? ChildProcess.wait(pid)
    }

    /// The last 40 lines of the log.
    private var logTail: String {
        log.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
    }

    /// Sends `GET /health` to 127.0.0.1:`port` and looks for `"health":"true"`. Loopback with a
    /// 1 s receive bound, so the call returns quickly.
    private static func isHealthy(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(descriptor, request, request.count, 0) == request.count else { return false }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while answer.count < 16_384 {
            let got = recv(descriptor, &buffer, buffer.count, 0)
            guard got > 0 else { break }
            answer += buffer[0..<got]
        }
        return String(decoding: answer, as: UTF8.self).contains("\"health\":\"true\"")
    }

    /// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed).
    private static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw launchFailure("cannot open a socket to find a free port") }
        defer { close(descriptor) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw launchFailure("cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func launchFailure(_ message: String, cause: String? = nil) -> TestSupportError {
        TestSupportError(code: .launchFailed, message: message, output: cause)
    }
}

/// The process id of the running etcd, shared between threads under a lock; 0 when none runs.
private final class EtcdProcessSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var value: pid_t = 0

    var pid: pid_t {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }

    /// The process id, leaving 0 behind: only one caller ends a given process.
    func take() -> pid_t {
        lock.withLock {
            defer { value = 0 }
            return value
        }
    }
}
