/// The rules for a `networkHosts` entry: `host` or `host:port`, where host is a lower-case DNS
/// name (letters, digits, `-`, `.`), an IPv4 address, or an IPv6 address in brackets, and port is
/// 1…65535. No scheme, path, user or wildcard: the host API compares entries literally.
public enum NetworkHostRules {
    /// Why `entry` is not a valid allowlist entry, or nil if it is.
    public static func problem(_ entry: String) -> String? {
        if entry.isEmpty { return "it is empty" }
        if entry.contains("://") { return "it has a scheme; write only the host, e.g. api.example.org:443" }
        if entry.contains("/") { return "it has a path; write only the host" }
        if entry.contains("@") { return "it has a user part; write only the host" }
        guard let (host, port) = split(entry) else { return "the port must be a number from 1 to 65535" }
        _ = port
        if host.hasPrefix("[") {
            let inner = host.dropFirst().dropLast()
            guard host.hasSuffix("]"), !inner.isEmpty, inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }),
                  inner == inner.lowercased() else {
                return "an IPv6 address must be lower-case hexadecimal in brackets, e.g. [::1]:8080"
            }
            return nil
        }
        guard host.count <= 253, !host.isEmpty else { return "the host name must have 1 to 253 characters" }
        guard host.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }) else {
            return "the host must be lower-case letters, digits, '-' and '.'"
        }
        if host.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return "the host has an empty label"
        }
        return nil
    }

    /// Splits `host:port` (port nil when absent); nil if the port is not 1…65535.
    public static func split(_ entry: String) -> (host: String, port: UInt16?)? {
        let portSeparator: String.Index?
        if entry.hasPrefix("[") {
            guard let close = entry.lastIndex(of: "]") else { return (entry, nil) }
            portSeparator = entry[close...].firstIndex(of: ":")
        } else {
            portSeparator = entry.lastIndex(of: ":")
        }
        guard let separator = portSeparator else { return (entry, nil) }
        let portText = entry[entry.index(after: separator)...]
        guard let port = UInt16(portText), port > 0 else { return nil }
        return (String(entry[..<separator]), port)
    }

    /// Whether `host` (lower-cased) on `port` is allowed by `entries`: an entry with a port
    /// matches that port only, one without matches every port.
    public static func allows(_ entries: [String], host: String, port: UInt16) -> Bool {
        let host = host.lowercased()
        return entries.contains { entry in
            guard let (entryHost, entryPort) = split(entry) else { return false }
            return entryHost == host && (entryPort == nil || entryPort == port)
        }
    }
}
