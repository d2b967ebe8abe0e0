import Foundation

/// One key as etcd stores it. Keys are UTF-8 strings here (etcd allows any bytes; keys that are not
/// valid UTF-8 are decoded with replacement characters, so use UTF-8 keys).
public struct EtcdKeyValue: Sendable, Hashable {
    public let key: String
    /// The value; empty for the key of a delete event.
    public let value: Data
    /// The revision at which the key was created (since its last delete).
    public let createRevision: Int64
    /// The revision of the last change to the key.
    public let modRevision: Int64
    /// How many times the key was written since it was created (1 after creation; 0 after a delete).
    public let version: Int64
    /// The lease the key is attached to; 0 when none.
    public let lease: Int64

    public init(key: String, value: Data, createRevision: Int64, modRevision: Int64, version: Int64, lease: Int64) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
        self.version = version
        self.lease = lease
    }
}
