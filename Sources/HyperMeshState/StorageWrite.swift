/// One write in an atomic batch (see ``ExtensionStorage/apply(_:)``).
public enum StorageWrite: Sendable, Hashable {
    case put(key: String, value: [UInt8])
    case delete(key: String)

    public var key: String {
        switch self {
        case .put(let key, _), .delete(let key): return key
        }
    }
}
