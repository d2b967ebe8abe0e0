import Foundation

/// A small HTTP/1.1 client for the node's admin API, over its Unix socket or TCP: one request per
/// connection (`Connection: close`), blocking, with a timeout on connect and on each read.
struct NodeClient: Sendable {
    let endpoint: NodeEndpoint
    let token: String?
    /// Seconds to wait for the connection and for each read. Default 300 (a call may take long).
    var timeoutSeconds = 300

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
    }

    /// Whether a node answers `GET /v1/health` within a second (whatever the answer, even 401).
    func isReachable() -> Bool {
        var probe = self
        probe.timeoutSeconds = 1
        return (try? probe.send("GET", "/v1/health")) != nil
    }

    /// Sends one request and returns the response.
    func send(_ method: String, _ path: String, body: [UInt8] = [], contentType: String = "application/json") throws(NodeClientError) -> Response {
        let socket = try connect()
        defer { close(socket) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: hypermesh-node\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if !body.isEmpty { head += "Content-Type: \(contentType)\r\n" }
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "\r\n"
        try write(socket, Array(head.utf8) + body)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw NodeClientError("reading the node's answer failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return try Self.parse(received)
    }

    private func connect() throws(NodeClientError) -> Int32 {
        switch endpoint {
        case .unixSocket(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw NodeClientError("socket path too long: \(path)") }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw NodeClientError("socket: \(String(cString: strerror(errno)))") }
            setTimeout(socket)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard result == 0 else {
                let reason = String(cString: strerror(errno))
                close(socket)
                throw NodeClientError("no node answers on \(path): \(reason)")
            }
            return socket
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
                throw NodeClientError("cannot resolve \(host)")
            }
            defer { freeaddrinfo(list) }
            var current: UnsafeMutablePointer<addrinfo>? = first
            var lastError = "no address"
            while let info = current {
                let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
                if socket >= 0 {
                    setTimeout(socket)
                    if Glibc.connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socket }
                    lastError = String(cString: strerror(errno))
                    close(socket)
                }
                current = info.pointee.ai_next
            }
            throw NodeClientError("no node answers on \(endpoint): \(lastError)")
        }
    }

    private func setTimeout(_ socket: Int32) {
        var time = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    private func write(_ socket: Int32, _ bytes: [UInt8]) throws(NodeClientError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw NodeClientError("sending to the node failed: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    /// Parses a whole HTTP/1.1 response (status line, headers, a body by Content-Length, chunked,
    /// or up to the end of the connection).
    static func parse(_ bytes: [UInt8]) throws(NodeClientError) -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw NodeClientError("the node's answer has no complete header")
        }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw NodeClientError("bad status line: \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunk(body)
        } else if let length = headers["content-length"].flatMap(Int.init), length <= body.count {
            body = Array(body.prefix(length))
        }
        return Response(status: status, headers: headers, body: body)
    }

    private static func dechunk(_ bytes: [UInt8]) throws(NodeClientError) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16) else {
                throw NodeClientError("bad chunked body")
            }
            if size == 0 { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { throw NodeClientError("truncated chunked body") }
            output.append(contentsOf: bytes[start..<(start + size)])
            index = start + size + 2
        }
        return output
    }
}

struct NodeClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
