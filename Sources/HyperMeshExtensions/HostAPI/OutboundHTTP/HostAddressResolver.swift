import HyperMeshSecurity
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Resolves the host of an outbound request to addresses, once, so that the address the policy
/// checks is the address the client connects to (the client is told to use it and never resolves
/// the name itself).
///
/// Blocking (`getaddrinfo`): called on the call's own thread, never on the cooperative pool.
enum HostAddressResolver {
    /// The addresses of `host` (4 or 16 bytes each, in the resolver's order, duplicates removed).
    /// An address literal resolves to itself without asking the resolver.
    static func resolve(_ host: String, port: UInt16) throws(HostCallFailure) -> [[UInt8]] {
        if let literal = NetworkAddressRange.addressBytes(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unavailable("[http.name_not_resolved] cannot resolve '\(host)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var addresses: [[UInt8]] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            guard let socketAddress = current.pointee.ai_addr else { continue }
            let bytes: [UInt8]
            switch current.pointee.ai_family {
            case AF_INET:
                bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                }
            case AF_INET6:
                bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
            default: continue
            }
            if !addresses.contains(bytes) { addresses.append(bytes) }
        }
        guard !addresses.isEmpty else { throw .unavailable("[http.name_not_resolved] '\(host)' has no IPv4 or IPv6 address") }
        return addresses
    }
}
