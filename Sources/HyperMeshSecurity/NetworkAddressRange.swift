#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address range in CIDR notation (`169.254.0.0/16`, `fe80::/10`), or one
/// address (`127.0.0.1`, `::1`: a /32 or /128). The policy's `network.deniedAddresses` holds these;
/// the host's HTTP function compares them with every address a name resolves to, before it connects.
///
/// An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`) is compared as the IPv4 address it maps, so
/// a mapped form cannot slip past an IPv4 rule.
public struct NetworkAddressRange: Sendable, Hashable, CustomStringConvertible {
    /// 4 or 16 bytes, with the bits past `prefixLength` cleared.
    public let network: [UInt8]
    public let prefixLength: Int

    /// Parses `text`; nil if it is not an address or CIDR range (see ``problem(_:)`` for why).
    public init?(_ text: String) {
        guard Self.problem(text) == nil, let (address, length) = Self.parse(text) else { return nil }
        self.network = Self.masked(address, prefixLength: length)
        self.prefixLength = length
    }

    /// Why `text` is not an address range, or nil if it is.
    public static func problem(_ text: String) -> String? {
        guard let (_, length) = parse(text) else {
            return "'\(text)' is not an IPv4 or IPv6 address or CIDR range (e.g. 169.254.0.0/16, fe80::/10, 127.0.0.1)"
        }
        _ = length
        return nil
    }

    /// Whether `address` (4 or 16 bytes, as ``NetworkAddress/bytes``) lies in this range.
    public func contains(_ address: [UInt8]) -> Bool {
        let address = Self.unmapped(address)
        guard address.count == network.count else { return false }
        return Self.masked(address, prefixLength: prefixLength) == network
    }

    public var description: String {
        "\(NetworkAddressRange.text(of: network))/\(prefixLength)"
    }

    /// The ranges denied when the policy has no `network.deniedAddresses`: link-local addresses
    /// (`169.254.0.0/16`, `fe80::/10`; the cloud metadata services live there) and the
    /// unspecified addresses (`0.0.0.0/8`, `::/128`). Loopback and private ranges are not denied
    /// by default (a node on a private network calls its neighbours); an operator denies them
    /// by listing them.
    public static let defaultDenied: [NetworkAddressRange] = ["169.254.0.0/16", "fe80::/10", "0.0.0.0/8", "::/128"].compactMap { NetworkAddressRange($0) }

    /// The bytes of an IPv4 or IPv6 address literal (no brackets), or nil.
    public static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The text form of a 4- or 16-byte address.
    public static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        guard ok else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func parse(_ text: String) -> (address: [UInt8], prefixLength: Int)? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = addressBytes(String(parts[0])) else { return nil }
        let maximum = address.count * 8
        guard parts.count == 2 else { return (address, maximum) }
        guard let length = Int(parts[1]), parts[1].allSatisfy(\.isNumber), (0...maximum).contains(length) else { return nil }
        return (address, length)
    }

    private static func unmapped(_ address: [UInt8]) -> [UInt8] {
        guard address.count == 16, address[0..<10].allSatisfy({ $0 == 0 }), address[10] == 0xff, address[11] == 0xff else { return address }
        return Array(address[12..<16])
    }

    private static func masked(_ address: [UInt8], prefixLength: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let bitsKept = min(max(prefixLength - index * 8, 0), 8)
            return bitsKept == 8 ? byte : byte & ~(UInt8(0xff) >> bitsKept)
        }
    }
}
