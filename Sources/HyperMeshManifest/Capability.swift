/// A capability an extension can declare and an operator can grant. Default deny: an extension
/// may use a host function only if the capability guarding it is in its grant.
///
/// Two kinds, one spelling in `extension.json` and in the policy:
/// - the built-in capabilities (``allCases``: `storage`, `networkAccess`, …) that guard the host's
///   own functions;
/// - app capabilities, `app:<name>`, that guard the functions an embedding application adds (see
///   ``app(_:)``). `<name>` is 1–64 characters of `a-z`, `0-9`, `_`, `-` and `.`, starting with a
///   letter; anything else (upper case, spaces, an empty name, another prefix) is not a capability.
///
/// Logging needs no capability. Not guaranteed: that a declared app capability names a function
/// the host offers; a call to a function the host lacks answers UNAVAILABLE.
public struct Capability: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The spelling used in `extension.json` and the policy.
    public let rawValue: String

    /// Accepts a built-in capability's name or a valid `app:<name>`; `nil` for anything else.
    public init?(rawValue: String) {
        if Self.builtInNames.contains(rawValue) {
            self.rawValue = rawValue
        } else if rawValue.hasPrefix(Self.appPrefix), Self.isValidAppName(String(rawValue.dropFirst(Self.appPrefix.count))) {
            self.rawValue = rawValue
        } else {
            return nil
        }
    }

    private init(builtIn name: String) { rawValue = name }

    /// Register asset-type handlers and serve asset requests.
    public static let assetManagement = Capability(builtIn: "assetManagement")
    /// Execute WebAssembly through the host's VM.
    public static let vmExecution = Capability(builtIn: "vmExecution")
    /// Outbound network requests through the host.
    public static let networkAccess = Capability(builtIn: "networkAccess")
    /// Submit operations to consensus.
    public static let consensusAccess = Capability(builtIn: "consensusAccess")
    /// Use the node's transport layer.
    public static let transportAccess = Capability(builtIn: "transportAccess")
    /// Read and write files in the extension's own data folder.
    public static let fileSystemAccess = Capability(builtIn: "fileSystemAccess")
    /// Persistent key-value storage.
    public static let storage = Capability(builtIn: "storage")
    /// Emit events to host listeners.
    public static let events = Capability(builtIn: "events")

    /// The built-in capabilities, in declaration order. App capabilities are open-ended and not listed.
    public static let allCases: [Capability] = [
        .assetManagement, .vmExecution, .networkAccess, .consensusAccess, .transportAccess, .fileSystemAccess, .storage, .events,
    ]

    private static let builtInNames: Set<String> = Set(allCases.map(\.rawValue))

    /// The prefix of app capabilities.
    public static let appPrefix = "app:"

    /// The capability `app:<name>` that guards an application's function, or `nil` if `name` is not
    /// a valid app name.
    public static func app(_ name: String) -> Capability? {
        Capability(rawValue: appPrefix + name)
    }

    /// The app function's name for an `app:<name>` capability; `nil` for a built-in one.
    public var appName: String? {
        rawValue.hasPrefix(Self.appPrefix) ? String(rawValue.dropFirst(Self.appPrefix.count)) : nil
    }

    /// Whether `name` may follow `app:`: 1–64 characters of `a-z`, `0-9`, `_`, `-`, `.`, starting with a letter.
    public static func isValidAppName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else {
            return false
        }
        return bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }

    /// What a refused name should have looked like, for error messages.
    public static var validNamesDescription: String {
        allCases.map(\.rawValue).joined(separator: ", ") + ", or app:<name> (a-z, 0-9, '_', '-', '.', starting with a letter)"
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let capability = Capability(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown capability '\(name)' (known: \(Self.validNamesDescription))")
        }
        self = capability
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}
