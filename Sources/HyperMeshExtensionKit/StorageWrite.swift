/// One write in an atomic batch applied with ``ExtensionHost/storageApply(_:)``.
///
/// Values are UTF-8 strings because that is what the host's `storage_apply` batch format carries
/// (`{"op":"put","key":K,"value":V}`); store binary data encoded (e.g. Base64) or use
/// ``ExtensionHost/storagePut(_:_:)`` for a single raw write.
public enum StorageWrite: Sendable, Hashable, Encodable {
    case put(key: String, value: String)
    case delete(key: String)

    /// The key this write touches.
    public var key: String {
        switch self {
        case .put(let key, _), .delete(let key): key
        }
    }

    private enum CodingKeys: String, CodingKey {
        case op, key, value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .put(let key, let value):
            try container.encode("put", forKey: .op)
            try container.encode(key, forKey: .key)
            try container.encode(value, forKey: .value)
        case .delete(let key):
            try container.encode("delete", forKey: .op)
            try container.encode(key, forKey: .key)
        }
    }
}
