import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real OCI registry for tests: Debian's `docker-registry` (distribution 2.8.2) serving from a
/// temporary folder on 127.0.0.1 at a free port, optionally with htpasswd Basic auth (hashes made by
/// `htpasswd -Bbn` from apache2-utils) and optionally over TLS with the test CA's certificate.
/// Both tools are installed by `scripts/bootstrap.sh`.
///
/// ``start(users:tls:)`` returns once `GET /v2/` answers (within 20 s); ``stop()`` kills the process
/// by its id, waits for it and removes the folder. ``accessLog`` is what the process printed (its
/// access log lines read `"GET /v2/… HTTP/1.1" 200 …`), so tests can count requests the registry saw.
///
/// Not guaranteed: the free port is found by binding port 0 and closing it, so another process may
/// take it before the registry binds it (start fails then, it does not hang).
public final class RegistryServer: Sendable {
    public let port: Int
    public let folder: URL
    public let processID: pid_t
    public let usesTLS: Bool
    private let logFile: URL

    /// `127.0.0.1:PORT`: the registry part of references.
    public var registry: String { "127.0.0.1:\(port)" }

    public static let executable = "/usr/bin/docker-registry"

    /// Starts a registry; `users` (name → password) turns on htpasswd auth; `tls` serves HTTPS with
    /// its good certificate (trust `tls.caBundle` in the client).
    public static func start(users: [String: String] = [:], tls: TestTLSCertificates? = nil) async throws -> RegistryServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hm-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        let port = try freePort()
        var config = """
        version: 0.1
        log:
          level: info
          formatter: text
        storage:
          filesystem:
            rootdirectory: \(folder.appendingPathComponent("data").path)
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:\(port)
          relativeurls: true

        """
        if let tls {
            config += """
              tls:
                certificate: \(tls.goodCertificateFile.path)
                key: \(tls.goodKeyFile.path)

            """
        }
        if !users.isEmpty {
            var lines: [String] = []
            for (user, password) in users.sorted(by: { $0.key < $1.key }) {
                lines.append(try htpasswdLine(user: user, password: password, scratch: folder))
            }
            let passwordFile = folder.appendingPathComponent("htpasswd")
            try (lines.joined(separator: "\n") + "\n").write(to: passwordFile, atomically: true, encoding: .utf8)
            config += """
            auth:
              htpasswd:
                realm: hypermesh-test
                path: \(passwordFile.path)

            """
        }
        let configFile = folder.appendingPathComponent("config.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let logFile = folder.appendingPathComponent("registry.log")
        let pid: pid_t
        do {
            pid = try ChildProcess.start([executable, "serve", configFile.path], outputPath: logFile.path)
        } catch {
            throw launchFailure("cannot start \(executable) (scripts/bootstrap.sh installs docker-registry)", cause: error.description)
        }
        let server = RegistryServer(port: port, folder: folder, processID: pid, usesTLS: tls != nil, logFile: logFile)
        do {
            try await server.waitUntilReady()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private init(port: Int, folder: URL, processID: pid_t, usesTLS: Bool, logFile: URL) {
        self.port = port
        self.folder = folder
        self.processID = processID
        self.usesTLS = usesTLS
        self.logFile = logFile
    }

    /// Everything the registry printed so far (its log and access log).
    public var accessLog: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// How many access-log lines record `method` on a path starting with `pathPrefix`.
    public func requestCount(_ method: String, pathPrefix: String) -> Int {
        accessLog.split(separator: "\n").filter { $0.contains("\"\(method) \(pathPrefix)") }.count
    }

    /// Kills the registry (SIGKILL, by process id), reaps it and removes its folder.
    public func stop() {
        kill(processID, SIGKILL)
        _ = try? ChildProcess.wait(processID)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Polls `GET /v2/` (plain HTTP) or the TCP port (TLS) every 50 ms for up to 20 s.
    private func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let status = Self.probe(port: port, sendRequest: !usesTLS), usesTLS || status == 200 || status == 401 { return }
            var status: Int32 = 0
            if waitpid(processID, &status, WNOHANG) == processID {
                throw Self.launchFailure("docker-registry ended at start (\(ChildProcess.describe(status)))", cause: accessLog)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Self.launchFailure("docker-registry did not answer GET /v2/ on port \(port) within 20 s", cause: accessLog)
    }

    /// Connects to 127.0.0.1:`port`; with `sendRequest`, sends `GET /v2/` and answers the status
    /// code; without, answers 0 once the port accepts. Nil when nothing listens yet. Loopback only,
    /// so the calls return at once.
    static func probe(port: Int, sendRequest: Bool) -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        guard sendRequest else { return 0 }
        let request = Array("GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        guard send(descriptor, request, request.count, 0) == request.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let got = recv(descriptor, &buffer, buffer.count, 0)
        guard got >= 12 else { return nil }
        return Int(String(decoding: buffer[9..<12], as: UTF8.self))
    }

    /// A free TCP port on 127.0.0.1 (bound to port 0, read back, closed).
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw launchFailure("cannot open a socket to find a free port") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw launchFailure("cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func launchFailure(_ message: String, cause: String? = nil) -> TestSupportError {
        TestSupportError(code: .launchFailed, message: message, output: cause)
    }

    /// `user:$2y$…` from `htpasswd -Bbn user password`.
    static func htpasswdLine(user: String, password: String, scratch: URL) throws -> String {
        let output = scratch.appendingPathComponent("htpasswd-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let status: Int32
        do {
            status = try ChildProcess.run(["/usr/bin/htpasswd", "-Bbn", user, password], outputPath: output.path)
        } catch {
            throw launchFailure("cannot run htpasswd (scripts/bootstrap.sh installs apache2-utils)", cause: error.description)
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard ChildProcess.exitStatus(status) == 0, let line = text.split(separator: "\n").first, line.hasPrefix("\(user):$2") else {
            throw launchFailure("htpasswd -Bbn failed (\(ChildProcess.describe(status)))", cause: text)
        }
        return String(line)
    }
}
