import CHyperMeshABI
import Foundation
import HyperMeshStrictJSON

/// A request an extension hands to `http_request`, decoded strictly from JSON:
/// `{"method": "GET", "url": "https://api.example.org/path", "headers": {"k": "v"}, "body": "text",
///   "followRedirects": false}`.
/// `method` defaults to GET, `followRedirects` to false; `headers` and `body` are optional. Only
/// `http` and `https` URLs, with a host and no user part. The headers the host sets itself (`Host`,
/// `Content-Length`, `Connection`, `Transfer-Encoding`) are refused.
struct OutboundHTTPRequest: Sendable {
    enum Scheme: String, Sendable {
        case http, https

        var defaultPort: UInt16 { self == .http ? 80 : 443 }
    }

    let method: String
    let scheme: Scheme
    /// Lower-cased, IPv6 addresses without brackets.
    let host: String
    let port: UInt16
    /// Path and query, starting with `/`.
    let target: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]
    let followRedirects: Bool

    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    static let keys: Set<String> = ["method", "url", "headers", "body", "followRedirects"]
    static let headersSetByTheHost: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]

    /// The host as an allowlist entry and a URL write it: IPv6 in brackets.
    var hostForURL: String { host.contains(":") ? "[\(host)]" : host }
    var authority: String { "\(hostForURL):\(port)" }
    var url: String { "\(scheme.rawValue)://\(authority)\(target)" }

    /// The bytes of the request line and headers as they go on the wire, estimated (the HTTP
    /// library writes them; this counts what it writes for a request like this one).
    var headBytes: Int {
        var count = method.utf8.count + target.utf8.count + 12 + "Host: \(authority)\r\n".utf8.count + 2
        for (name, value) in headers { count += name.utf8.count + value.utf8.count + 4 }
        if !body.isEmpty { count += "Content-Length: \(body.count)\r\n".utf8.count }
        return count
    }

    /// Decodes the request with the strict JSON parser: a duplicate key, an unknown key or a value
    /// of the wrong type is `INVALID_ARGUMENT` naming it.
    static func decode(_ bytes: [UInt8]) throws(HostCallFailure) -> OutboundHTTPRequest {
        let document: JSONValue
        do throws(JSONParseError) {
            document = try JSONParser.parse(Data(bytes))
        } catch {
            throw .invalidArgument("the request is not valid JSON: \(error)")
        }
        guard case .object(let members) = document else { throw .invalidArgument("the request is not a JSON object") }
        var fields: [String: JSONValue] = [:]
        for member in members {
            guard keys.contains(member.key) else {
                throw .invalidArgument("unknown request key '\(member.key)' (allowed: \(keys.sorted().joined(separator: ", ")))")
            }
            guard fields.updateValue(member.value, forKey: member.key) == nil else { throw .invalidArgument("the request key '\(member.key)' appears twice") }
        }
        func string(_ key: String) throws(HostCallFailure) -> String? {
            switch fields[key] {
            case nil: return nil
            case .string(let text): return text
            case let other?: throw .invalidArgument("'\(key)' must be a string, not \(other.kindDescription)")
            }
        }
        let method = (try string("method") ?? "GET").uppercased()
        guard methods.contains(method) else { throw .invalidArgument("unsupported method '\(method)'") }
        guard let text = try string("url") else { throw .invalidArgument("the request needs a 'url' string") }
        var headers: [(String, String)] = []
        switch fields["headers"] {
        case nil: break
        case .object(let map):
            for member in map {
                guard case .string(let value) = member.value else { throw .invalidArgument("'headers' must map names to strings") }
                let name = member.key
                guard isToken(name), !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                    throw .invalidArgument("header '\(name)' is not a valid header")
                }
                guard !headersSetByTheHost.contains(name.lowercased()) else { throw .invalidArgument("header '\(name)' is set by the host") }
                guard !headers.contains(where: { $0.0.lowercased() == name.lowercased() }) else { throw .invalidArgument("header '\(name)' appears twice") }
                headers.append((name, value))
            }
        case let other?: throw .invalidArgument("'headers' must be an object, not \(other.kindDescription)")
        }
        let body = try string("body") ?? ""
        let follow: Bool
        switch fields["followRedirects"] {
        case nil: follow = false
        case .bool(let value): follow = value
        case let other?: throw .invalidArgument("'followRedirects' must be true or false, not \(other.kindDescription)")
        }
        let request = try parse(url: text)
        return OutboundHTTPRequest(method: method, scheme: request.scheme, host: request.host, port: request.port, target: request.target,
                                   headers: headers, body: Array(body.utf8), followRedirects: follow)
    }

    /// The request a redirect (`status`, `Location: location`) leads to: 303, and 301/302 after a
    /// POST, become a GET without a body; 307 and 308 keep the method and body. A relative
    /// location resolves against this request's URL.
    func redirected(status: Int, location: String) throws(HostCallFailure) -> OutboundHTTPRequest {
        guard let base = URL(string: url), let resolved = URL(string: location, relativeTo: base)?.absoluteURL else {
            throw .unavailable("the redirect from \(url) has a malformed Location '\(location)'")
        }
        let next = try Self.parse(url: resolved.absoluteString)
        let becomesGet = status == 303 || ((status == 301 || status == 302) && method == "POST")
        return OutboundHTTPRequest(method: becomesGet ? "GET" : method, scheme: next.scheme, host: next.host, port: next.port,
                                   target: next.target, headers: headers, body: becomesGet ? [] : body, followRedirects: followRedirects)
    }

    private static func parse(url text: String) throws(HostCallFailure) -> (scheme: Scheme, host: String, port: UInt16, target: String) {
        guard let url = URLComponents(string: text) else { throw .invalidArgument("'\(text)' is not a URL") }
        guard let scheme = Scheme(rawValue: url.scheme?.lowercased() ?? "") else {
            throw .invalidArgument("only http and https URLs are supported (got '\(url.scheme ?? "")')")
        }
        guard var host = url.host?.lowercased(), !host.isEmpty, url.user == nil, url.password == nil else {
            throw .invalidArgument("the URL needs a host and no user part")
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = url.port.map({ UInt16(exactly: $0) }) ?? scheme.defaultPort, port > 0 else {
            throw .invalidArgument("the port of '\(text)' is not 1 to 65535")
        }
        let path = url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath
        return (scheme, host, port, path + (url.percentEncodedQuery.map { "?\($0)" } ?? ""))
    }

    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
