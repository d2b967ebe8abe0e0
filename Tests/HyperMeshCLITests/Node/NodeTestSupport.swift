import Foundation
@testable import HyperMeshCLI
import HyperMeshNodeClient
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import HyperMeshTrust
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A `hypermesh serve` child process on a harness's search path and state dir. SIGKILLed when it
/// is released without having been stopped.
final class NodeProcess: Sendable {
    let pid: pid_t
    let endpoint: NodeEndpoint
    let log: URL
    /// The raw wait status once the process has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    private init(pid: pid_t, endpoint: NodeEndpoint, log: URL) {
        self.pid = pid
        self.endpoint = endpoint
        self.log = log
    }

    deinit {
        if reaped.withLock({ $0 }) == nil {
            kill(pid, SIGKILL)
            _ = try? ChildProcess.wait(pid)
        }
    }

    /// Starts `hypermesh serve` on `cli`'s extensions and state dir (`--listen` when given) and
    /// waits until it answers on its endpoint.
    static func start(_ cli: CLIHarness, listen: String? = nil, drainTimeout: Int? = nil, extra: [String] = []) async throws -> NodeProcess {
        var arguments = [CLIHarness.executable.path, "serve", "--path", cli.extensions.path, "--state-dir", cli.state.path] + extra
        if let listen { arguments += ["--listen", listen] }
        if let drainTimeout { arguments += ["--drain-timeout", String(drainTimeout)] }
        let log = cli.root.appendingPathComponent("node-\(UUID().uuidString.prefix(8)).log")
        let pid = try ChildProcess.start(arguments, outputPath: log.path)
        let endpoint = try listen.map { try NodeEndpoint(parsing: $0) } ?? .defaultSocket(stateDirectory: cli.state)
        let node = NodeProcess(pid: pid, endpoint: endpoint, log: log)
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if let status = node.exitStatus() {
                throw NodeTestFailure("the node exited (\(ChildProcess.describe(status))) before answering:\n\(node.output)")
            }
            if case .answered = RawHTTP.exchange(endpoint, "GET", "/v1/ping", timeoutSeconds: 5) { return node }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NodeTestFailure("the node did not answer on \(endpoint) within 180 s:\n\(node.output)")
    }

    /// What the node wrote to stdout and stderr so far.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// The raw wait status if the process has ended (reaping it), else nil.
    func exitStatus() -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, WNOHANG) } while result == -1 && errno == EINTR
            guard result == pid else { return nil }
            reaped = status
            return status
        }
    }

    /// Waits at most `timeout` for the process to end; its raw wait status, or nil if it still runs.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exitStatus() { return status }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return exitStatus()
    }

    func signal(_ number: Int32) {
        kill(pid, number)
    }

    /// SIGTERM, then waits (generously) for the exit; its exit status, or nil after a timeout
    /// (the process is then killed).
    @discardableResult
    func stop() async -> Int32? {
        signal(SIGTERM)
        guard let status = await waitForExit(timeout: .seconds(120)) else {
            kill(pid, SIGKILL)
            return nil
        }
        return ChildProcess.exitStatus(status)
    }
}

struct NodeTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A minimal HTTP/1.1 client that reports exactly what came back: no connection, nothing, a
/// partial answer, or a complete one (a whole header, and a body of the announced length).
enum RawHTTP {
    enum Outcome: Sendable {
        /// The connection could not be made (refused, or the socket file is gone).
        case noConnection(String)
        /// Connected, but the connection ended (or failed) before a single byte came back.
        case noAnswer(String)
        /// Some bytes came back, but not a whole response.
        case truncated([UInt8], String)
        case answered(Response)
    }

    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() -> [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }

        /// The `error.code` of an error answer.
        var errorCode: String? { (json()["error"] as? [String: Any])?["code"] as? String }
    }

    /// One request on a new connection. With `declaredLength`, the request says
    /// `Content-Length: <declaredLength>` whatever `body` holds (only `body` is sent). With
    /// `untilWholeResponse`, reading stops as soon as a whole response came back, instead of at the
    /// end of the connection.
    static func exchange(_ endpoint: NodeEndpoint, _ method: String, _ path: String, body: [UInt8] = [],
                         token: String? = nil, declaredLength: String? = nil, untilWholeResponse: Bool = false,
                         timeoutSeconds: Int = 120) -> Outcome {
        let socket: Int32
        switch connect(endpoint, timeoutSeconds: timeoutSeconds) {
        case .success(let descriptor): socket = descriptor
        case .failure(let error): return .noConnection(error.description)
        }
        defer { close(socket) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: node\r\nConnection: close\r\nContent-Length: \(declaredLength ?? String(body.count))\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        var failure: String?
        while sent < request.count {
            let count = request.withUnsafeBytes { send(socket, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = "send: \(String(cString: strerror(errno)))"
                break
            }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while failure == nil {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = "recv: \(String(cString: strerror(errno)))"
                break
            }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
            if untilWholeResponse, parse(received) != nil { break }
        }
        if received.isEmpty { return .noAnswer(failure ?? "closed without an answer") }
        guard let response = parse(received) else { return .truncated(received, failure ?? "closed mid-answer") }
        return .answered(response)
    }

    /// The response in `bytes` if they hold a whole one (a body of exactly Content-Length bytes, or
    /// a terminated chunked body).
    static func parse(_ bytes: [UInt8]) -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let rest = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            var index = 0
            while true {
                guard let lineEnd = (index..<max(index, rest.count - 1)).first(where: { rest[$0] == 13 && rest[$0 + 1] == 10 }),
                      let size = Int(String(decoding: rest[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16)
                else { return nil }
                if size == 0 { return Response(status: status, headers: headers, body: body) }
                let start = lineEnd + 2
                guard start + size + 2 <= rest.count else { return nil }
                body.append(contentsOf: rest[start..<(start + size)])
                index = start + size + 2
            }
        }
        guard let length = headers["content-length"].flatMap(Int.init), rest.count == length else { return nil }
        return Response(status: status, headers: headers, body: rest)
    }

    private static func connect(_ endpoint: NodeEndpoint, timeoutSeconds: Int) -> Result<Int32, NodeTestFailure> {
        func reason() -> String { String(cString: strerror(errno)) }
        var time = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        switch endpoint {
        case .unixSocket(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return .failure(NodeTestFailure("path too long")) }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { return .failure(NodeTestFailure("socket: \(reason())")) }
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard result == 0 else {
                let failure = NodeTestFailure("connect: \(reason())")
                close(socket)
                return .failure(failure)
            }
            return .success(socket)
        case .tcp(let host, let port):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return .failure(NodeTestFailure("not an IPv4 address: \(host)")) }
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { return .failure(NodeTestFailure("socket: \(reason())")) }
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else {
                let failure = NodeTestFailure("connect: \(reason())")
                close(socket)
                return .failure(failure)
            }
            return .success(socket)
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw NodeTestFailure("socket failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                Glibc.bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw NodeTestFailure("cannot bind a free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Requests to a spawned node as they go over the wire (``RawHTTP``), for the end-to-end tests
/// that look at what the generated client hides (status lines, headers, raw bodies).
struct NodeHTTP {
    let endpoint: NodeEndpoint
    let token: String?

    /// One request; an unexpected transport failure is recorded as a test issue (and answers status 0).
    func request(_ method: String, _ path: String, body: String = "", sourceLocation: SourceLocation = #_sourceLocation) -> RawHTTP.Response {
        switch RawHTTP.exchange(endpoint, method, path, body: Array(body.utf8), token: token) {
        case .answered(let response):
            return response
        case let other:
            Issue.record("\(method) \(path): \(other)", sourceLocation: sourceLocation)
            return RawHTTP.Response(status: 0, headers: [:], body: [])
        }
    }
}

extension CLIHarness {
    static let catalogID = "org.hypermesh.catalog"

    /// Builds the Catalog and stages it as a package signed by ``developmentCA`` (trusted by the
    /// harness's trust store); with `grant`, the policy allows what it declares. `quotas`
    /// overrides the manifest's quotas in the policy, `anomaly` the anomaly detector's settings.
    func stageCatalog(grant: Bool, quotas: Quotas = Quotas(), anomaly: AnomalySettings? = nil) throws {
        let package = extensions.appendingPathComponent(Self.catalogID)
        try PackageStager.stageCatalog(into: package)
        let ca = try Self.developmentCA.get()
        try ca.sign(packageAt: package)
        try TrustStore.addRoot(ca.root, to: trustStore)
        var policy = try PolicyFile.load(from: policyFile)
        var rule = policy.extensions[Self.catalogID] ?? PolicyRule()
        if grant { rule.allow.formUnion(Self.catalogCapabilities) }
        rule.quotas = quotas
        rule.anomaly = anomaly
        policy.extensions[Self.catalogID] = rule
        try PolicyFile.save(policy, to: policyFile)
    }

    /// What the Catalog's manifest declares.
    static let catalogCapabilities: Set<Capability> = [.assetManagement, .consensusAccess, .events, .storage, .vmExecution]
}

/// A value that threads share, behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}
