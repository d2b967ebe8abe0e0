/// An event an extension published through the host API's `emit_event`.
public struct ExtensionEvent: Sendable, Hashable {
    public let extensionID: String
    public let topic: String
    public let payload: [UInt8]
}

/// The bus extension events travel on: host listeners subscribe with `subscribe()`.
public typealias EventBus = Broadcast<ExtensionEvent>
