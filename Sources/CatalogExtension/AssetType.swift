import HyperMeshExtensionKit

/// The kinds of asset the Catalog stores. Requests spell them with the raw value (`document`,
/// `configuration`, `wasm-module`, `binary`); the host knows them as ``registeredName``
/// (`catalog.document`, …), registered when the Catalog activates.
enum AssetType: String, Sendable, CaseIterable, Codable, Comparable {
    case binary
    case configuration
    case document
    case wasmModule = "wasm-module"

    /// The asset-type name registered with the host.
    var registeredName: String { "catalog.\(rawValue)" }

    /// The known spellings, sorted, for error messages.
    static let knownNames = allCases.map(\.rawValue).sorted()

    /// Parses a request's `type` field; an unknown type is an invalid argument listing the known ones.
    init(field text: String, path: String = "type") throws(ExtensionError) {
        guard let type = AssetType(rawValue: text) else {
            throw .invalidArgument("unknown asset type '\(text)' in '\(path)'; known types: \(Self.knownNames.joined(separator: ", "))")
        }
        self = type
    }

    static func < (lhs: AssetType, rhs: AssetType) -> Bool { lhs.rawValue < rhs.rawValue }
}
