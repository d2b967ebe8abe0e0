/// The storage quota a write must respect: at most `bytes` in all, of which `otherBytes` are
/// already used outside the key-value store (the extension's files).
public struct StorageLimit: Sendable, Hashable {
    public let bytes: UInt64
    public let otherBytes: UInt64

    public init(bytes: UInt64, otherBytes: UInt64 = 0) {
        self.bytes = bytes
        self.otherBytes = otherBytes
    }
}
