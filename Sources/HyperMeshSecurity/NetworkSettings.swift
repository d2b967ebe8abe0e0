/// The policy's `network` section: what the host's HTTP function may connect to, whatever the
/// manifests' `networkHosts` allow.
///
/// ```json
/// "network": { "deniedAddresses": ["169.254.0.0/16", "fe80::/10", "127.0.0.0/8", "10.0.0.0/8"] }
/// ```
///
/// Each address a host name resolves to is compared with `deniedAddresses` before the host
/// connects, and the host connects to the address it checked (never resolving the name a second
/// time), so a name on an allowlist cannot be pointed at a denied address (DNS rebinding).
/// What a name rule can promise: the name was resolved once, by this host's resolver, at the
/// time of the request, to an address outside the denied ranges. It cannot promise who answers
/// at that address, nor that the name means tomorrow what it means today.
public struct NetworkSettings: Sendable, Hashable {
    /// Default ``NetworkAddressRange/defaultDenied`` (link-local and unspecified addresses).
    /// Listing ranges replaces the default: add the link-local ranges back if you list your own.
    public var deniedAddresses: [NetworkAddressRange]

    public init(deniedAddresses: [NetworkAddressRange] = NetworkAddressRange.defaultDenied) {
        self.deniedAddresses = deniedAddresses
    }

    /// The denied range `address` (4 or 16 bytes) lies in, or nil if it may be reached.
    public func denyingRange(for address: [UInt8]) -> NetworkAddressRange? {
        deniedAddresses.first { $0.contains(address) }
    }
}

enum NetworkSettingsCoding {
    static let keys = ["deniedAddresses"]

    static func decode(_ value: PolicyJSON, at path: String) throws(PolicyError) -> NetworkSettings {
        let members = try value.object(at: path)
        try members.rejectUnknownKeys(keys, at: path)
        var settings = NetworkSettings()
        if let field = members["deniedAddresses"] {
            var ranges: [NetworkAddressRange] = []
            for (index, text) in try field.strings(at: "\(path).deniedAddresses").enumerated() {
                guard let range = NetworkAddressRange(text) else {
                    throw PolicyError(.badValue, NetworkAddressRange.problem(text) ?? "not an address range", at: "\(path).deniedAddresses[\(index)]")
                }
                ranges.append(range)
            }
            settings.deniedAddresses = ranges
        }
        return settings
    }

    static func encode(_ settings: NetworkSettings) -> [String: Any] {
        ["deniedAddresses": settings.deniedAddresses.map(\.description)]
    }
}
