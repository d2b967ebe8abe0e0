import Foundation

/// One operation of a transaction's success or failure branch.
public enum EtcdOperation: Sendable, Hashable {
    /// Writes `value` at `key`, attached to the lease when one is given.
    case put(String, Data, lease: Int64?)
    /// Deletes `key` (nothing happens when it does not exist).
    case delete(String)
    /// Deletes every key that starts with the prefix.
    case deletePrefix(String)
    /// Reads `key`; its ``EtcdRange`` appears in ``EtcdTransactionResult/ranges``.
    case get(String)
    /// Reads every key that starts with the prefix; the range appears in the result's ranges.
    case getPrefix(String)

    /// A put without a lease.
    public static func put(_ key: String, _ value: Data) -> Self { .put(key, value, lease: nil) }
}
