/// One change seen by a watch. For a delete, ``keyValue`` carries the key and the delete's revision
/// as its mod revision; its value is empty and its create revision and version are 0.
public struct EtcdWatchEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case put
        case delete
    }

    public let kind: Kind
    public let keyValue: EtcdKeyValue

    public init(kind: Kind, keyValue: EtcdKeyValue) {
        self.kind = kind
        self.keyValue = keyValue
    }
}
