import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The host's HTTP/1.1 client for extensions: one request per connection over a plain TCP socket
/// (no TLS, no redirects, no proxy), with a connect and read timeout, and a byte budget checked
/// as bytes arrive: ``send(_:budget:)`` stops reading and fails the moment the response passes
/// what `budget` grants, so a quota is never overrun by more than one read (at most 16 KiB).
///
/// Written on sockets rather than URLSession so that the budget holds byte for byte and nothing
/// is buffered that the extension was not entitled to. Not guaranteed: that the name resolves to
/// the same address the operator had in mind (the allowlist compares names, not addresses).
enum HTTPClient {
    static let timeoutSeconds = 10
    static let chunk = 16 * 1024

    struct Response: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
    }

    enum Failure: Error {
        /// The budget refused `wanted` more bytes.
        case budgetExceeded(used: Int)
        case connection(String)
        case malformed(String)
    }

    /// Sends `request`. `budget(n)` is asked before every `n` bytes sent or received and returns
    /// whether they may be used.
    static func send(_ request: HTTPRequestSpec, budget: (Int) -> Bool) throws(Failure) -> Response {
        let socket = try connect(host: request.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: request.port)
        defer { close(socket) }
        let outgoing = request.wireBytes
        guard budget(outgoing.count) else { throw .budgetExceeded(used: 0) }
        var sent = 0
        while sent < outgoing.count {
            let count = outgoing.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw .connection("send failed: \(String(cString: strerror(errno)))") }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw .connection(errno == EAGAIN || errno == EWOULDBLOCK ? "no answer within \(timeoutSeconds) s" : "receive failed: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            guard budget(count) else { throw .budgetExceeded(used: outgoing.count + received.count) }
            received.append(contentsOf: buffer[0..<count])
        }
        return try HTTPResponseParser.parse(received)
    }

    private static func connect(host: String, port: UInt16) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connection("cannot resolve '\(host)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.pointee.ai_protocol)
            guard descriptor >= 0 else { continue }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                return descriptor
            }
            lastError = String(cString: strerror(errno))
            close(descriptor)
        }
        throw .connection("cannot connect to \(host):\(port): \(lastError)")
    }
}
