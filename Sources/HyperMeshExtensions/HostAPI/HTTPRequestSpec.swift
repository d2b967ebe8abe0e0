import CHyperMeshABI
import Foundation

/// A request an extension hands to the host's HTTP function, decoded strictly from JSON:
/// `{"method": "GET", "url": "http://127.0.0.1:8080/path", "headers": {"k": "v"}, "body": "text"}`.
/// `method` defaults to GET; `headers` and `body` are optional. Only `http` URLs: this host has no
/// TLS client (documented in `docs/security.md`).
struct HTTPRequestSpec: Sendable, Equatable {
    let method: String
    let host: String
    let port: UInt16
    /// Path and query, starting with `/`.
    let target: String
    let headers: [(String, String)]
    let body: [UInt8]

    static func == (lhs: HTTPRequestSpec, rhs: HTTPRequestSpec) -> Bool {
        lhs.method == rhs.method && lhs.host == rhs.host && lhs.port == rhs.port && lhs.target == rhs.target
            && lhs.body == rhs.body && lhs.headers.map { "\($0.0):\($0.1)" } == rhs.headers.map { "\($0.0):\($0.1)" }
    }

    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    static func decode(_ bytes: [UInt8]) throws(HostCallFailure) -> HTTPRequestSpec {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "the request is not a JSON object")
        }
        let known: Set<String> = ["method", "url", "headers", "body"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "unknown request key '\(unknown)' (allowed: method, url, headers, body)")
        }
        let method = (object["method"] as? String ?? "GET").uppercased()
        guard methods.contains(method) else { throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "unsupported method '\(method)'") }
        guard let text = object["url"] as? String, let url = URLComponents(string: text) else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "the request needs a 'url' string")
        }
        guard url.scheme?.lowercased() == "http" else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "only http URLs are supported (got '\(url.scheme ?? "")')")
        }
        guard let host = url.host?.lowercased(), !host.isEmpty, url.user == nil, url.password == nil else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "the URL needs a host and no user part")
        }
        var headers: [(String, String)] = []
        if let given = object["headers"] {
            guard let map = given as? [String: String] else { throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "'headers' must map names to strings") }
            for (name, value) in map.sorted(by: { $0.key < $1.key }) {
                guard Self.isToken(name), !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                    throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "header '\(name)' is not a valid header")
                }
                guard !["host", "content-length", "connection", "transfer-encoding"].contains(name.lowercased()) else {
                    throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "header '\(name)' is set by the host")
                }
                headers.append((name, value))
            }
        }
        guard object["body"] == nil || object["body"] is String else { throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "'body' must be a string") }
        let path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        let target = path + (url.percentEncodedQuery.map { "?\($0)" } ?? "")
        return HTTPRequestSpec(method: method, host: host.hasPrefix("[") ? host : (host.contains(":") ? "[\(host)]" : host),
                               port: UInt16(url.port ?? 80), target: target, headers: headers,
                               body: Array((object["body"] as? String ?? "").utf8))
    }

    /// The request as bytes on the wire (HTTP/1.1, one request per connection).
    var wireBytes: [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
