package import Foundation

/// Where a node listens, and where the CLI looks for one: a Unix socket (the default,
/// `<state dir>/node.sock`) or `host:port` over TCP.
package enum NodeEndpoint: Sendable, Equatable, CustomStringConvertible {
    case unixSocket(path: String)
    case tcp(host: String, port: Int)

    /// The socket file the node creates in `stateDirectory` when no `--listen` is given.
    package static func defaultSocket(stateDirectory: URL) -> NodeEndpoint {
        .unixSocket(path: stateDirectory.appendingPathComponent("node.sock").path)
    }

    /// Parses `--listen` / `--node`: `HOST:PORT`, `[IPv6]:PORT`, `unix:PATH` or a path starting with `/`.
    package init(parsing text: String) throws(NodeEndpointError) {
        if text.hasPrefix("unix:") {
            self = .unixSocket(path: String(text.dropFirst(5)))
            return
        }
        if text.hasPrefix("/") {
            self = .unixSocket(path: text)
            return
        }
        var rest = text
        if rest.hasPrefix("http://") { rest.removeFirst(7) }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (0...65_535).contains(port) else {
            throw NodeEndpointError(text: text)
        }
        var host = String(rest[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw NodeEndpointError(text: text) }
        self = .tcp(host: host, port: port)
    }

    /// Whether only this machine can reach the endpoint: a Unix socket, or TCP on a loopback address.
    package var isLocalOnly: Bool {
        switch self {
        case .unixSocket: return true
        case .tcp(let host, _): return host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }
    }

    package var description: String {
        switch self {
        case .unixSocket(let path): return "unix:\(path)"
        case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }
}

/// A `--listen` or `--node` value that is not an endpoint.
package struct NodeEndpointError: Error, CustomStringConvertible {
    package let text: String
    package var description: String {
        "'\(text)' is not an endpoint: give HOST:PORT (127.0.0.1:7420, [::1]:7420), unix:PATH or an absolute socket path"
    }
}
