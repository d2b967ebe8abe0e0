import Synchronization

/// Maps asset types to the extension that handles them, so a request for an asset type reaches
/// its handler. Extensions claim types through the host API's `register_asset_type` (which needs
/// the `assetManagement` capability); a type belongs to one extension at a time.
///
/// Routing itself goes through ``ExtensionRegistry/callAsset(type:method:input:)`` so that every
/// call is admitted by the registry like any other.
public final class AssetManager: Sendable {
    private let handlers = Mutex<[String: String]>([:])

    public init() {}

    /// Claims `assetType` for `extensionID`. Registering the same pair twice is fine.
    public func register(assetType: String, extensionID: String) throws(ExtensionError) {
        let owner: String? = handlers.withLock { table in
            if let owner = table[assetType], owner != extensionID { return owner }
            table[assetType] = extensionID
            return nil
        }
        if let owner {
            throw ExtensionError(.assetTypeTaken, extensionID: extensionID,
                                 "asset type '\(assetType)' is already handled by \(owner)")
        }
    }

    /// The extension that handles `assetType`, if any.
    public func handler(for assetType: String) -> String? {
        handlers.withLock { $0[assetType] }
    }

    /// Every asset type with its handler, sorted by type.
    public func allHandlers() -> [(assetType: String, extensionID: String)] {
        handlers.withLock { $0.map { ($0.key, $0.value) } }.sorted { $0.assetType < $1.assetType }
    }

    /// Asset types handled by one extension.
    public func assetTypes(of extensionID: String) -> [String] {
        handlers.withLock { $0.filter { $0.value == extensionID }.map(\.key) }.sorted()
    }

    /// Releases every type `extensionID` handles (on deactivation).
    public func unregisterAll(of extensionID: String) {
        handlers.withLock { table in table = table.filter { $0.value != extensionID } }
    }
}
