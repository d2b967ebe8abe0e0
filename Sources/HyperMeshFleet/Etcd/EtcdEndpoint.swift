/// A checked etcd client URL: `http://host:port` (a trailing slash is dropped; no path, query or
/// credentials). HTTPS is not supported: the client speaks plain HTTP/1.1 to etcd's gateway, so
/// put etcd on loopback or a private network.
struct EtcdEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `http://host:port`, the prefix of every request URL.
    let baseURL: String

    var description: String { baseURL }

    init(_ text: String) throws(EtcdError) {
        var rest = text
        guard rest.hasPrefix("http://") else {
            throw EtcdError(.endpointInvalid, subject: text, "an etcd endpoint must be an http://host:port URL")
        }
        rest.removeFirst("http://".count)
        while rest.hasSuffix("/") { rest.removeLast() }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        guard !rest.isEmpty, rest.allSatisfy({ allowed.contains($0) }), !rest.hasPrefix(":") else {
            throw EtcdError(.endpointInvalid, subject: text, "an etcd endpoint must be an http://host:port URL without path or credentials")
        }
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            let port = rest[rest.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number) else {
                throw EtcdError(.endpointInvalid, subject: text, "the port of an etcd endpoint must be a number from 1 to 65535")
            }
        }
        baseURL = "http://" + rest
    }
}
