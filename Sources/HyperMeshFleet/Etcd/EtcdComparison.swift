import Foundation

/// One condition of a transaction, on one key. A key that does not exist has create revision,
/// mod revision and version 0, so `.createRevision(key, equals: 0)` means "the key is absent".
/// A `.value` comparison on an absent key is false.
public enum EtcdComparison: Sendable, Hashable {
    /// How a comparison compares the key's field with the given value.
    public enum Relation: String, Sendable, Hashable {
        case equal = "EQUAL"
        case notEqual = "NOT_EQUAL"
        case less = "LESS"
        case greater = "GREATER"
    }

    case modRevision(String, Relation, Int64)
    case createRevision(String, Relation, Int64)
    case version(String, Relation, Int64)
    case value(String, Relation, Data)

    /// The key's last change happened at `revision`.
    public static func modRevision(_ key: String, equals revision: Int64) -> Self { .modRevision(key, .equal, revision) }
    /// The key was created at `revision`; 0: the key does not exist.
    public static func createRevision(_ key: String, equals revision: Int64) -> Self { .createRevision(key, .equal, revision) }
    /// The key was written `version` times since its creation; 0: the key does not exist.
    public static func version(_ key: String, equals version: Int64) -> Self { .version(key, .equal, version) }
    /// The key's value is exactly `value` (false when the key does not exist).
    public static func value(_ key: String, equals value: Data) -> Self { .value(key, .equal, value) }

    /// The key the comparison is about.
    public var key: String {
        switch self {
        case .modRevision(let key, _, _), .createRevision(let key, _, _), .version(let key, _, _), .value(let key, _, _): key
        }
    }
}
