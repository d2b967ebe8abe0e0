/// A capability an extension can declare and an operator can grant. Default deny: an extension
/// may use a host function only if the capability guarding it is in its grant.
///
/// Logging needs no capability. The raw values are the spelling used in `extension.json`.
public enum Capability: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Register asset-type handlers and serve asset requests.
    case assetManagement
    /// Execute WebAssembly through the host's VM.
    case vmExecution
    /// Outbound network requests through the host.
    case networkAccess
    /// Submit operations to consensus.
    case consensusAccess
    /// Use the node's transport layer.
    case transportAccess
    /// Read and write files in the extension's own data folder.
    case fileSystemAccess
    /// Persistent key-value storage.
    case storage
    /// Emit events to host listeners.
    case events

    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}
