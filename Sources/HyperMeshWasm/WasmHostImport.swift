import HyperMeshManifest

/// One function of the `hypermesh` import module: its name, its signature (every parameter is an
/// `i32`; it returns an `i32` status or nothing) and the capability it needs. The table is
/// ``all``; `docs/wasm-abi.md` documents each entry.
public enum WasmHostImport: String, Sendable, Hashable, CaseIterable {
    case output
    case errorMessage = "error_message"
    case lastError = "last_error"
    case log
    case storageGet = "storage_get"
    case storagePut = "storage_put"
    case storageDelete = "storage_delete"
    case storageList = "storage_list"
    case storageApply = "storage_apply"
    case registerAssetType = "register_asset_type"
    case emitEvent = "emit_event"
    case fileRead = "file_read"
    case fileWrite = "file_write"
    case fileList = "file_list"
    case httpRequest = "http_request"
    case consensusSubmit = "consensus_submit"

    /// The import module every host function lives in.
    public static let moduleName = "hypermesh"

    /// The function's name in the import module.
    public var name: String { rawValue }

    /// How many `i32` parameters it takes.
    public var parameterCount: Int {
        switch self {
        case .output, .errorMessage, .lastError, .storageDelete, .storageApply, .registerAssetType: return 2
        case .log: return 3
        case .storageGet, .storagePut, .storageList, .emitEvent, .fileRead, .fileWrite, .fileList, .httpRequest: return 4
        case .consensusSubmit: return 6
        }
    }

    /// Whether it returns an `i32` status (`output`, `error_message` and `log` return nothing).
    public var returnsStatus: Bool {
        switch self {
        case .output, .errorMessage, .log: return false
        default: return true
        }
    }

    /// The capability the manifest must declare for a module to import it; `nil` for the
    /// functions every guest may use.
    public var capability: Capability? {
        switch self {
        case .output, .errorMessage, .lastError, .log: return nil
        case .storageGet, .storagePut, .storageDelete, .storageList, .storageApply: return .storage
        case .registerAssetType: return .assetManagement
        case .emitEvent: return .events
        case .fileRead, .fileWrite, .fileList: return .fileSystemAccess
        case .httpRequest: return .networkAccess
        case .consensusSubmit: return .consensusAccess
        }
    }

    /// The signature as text, for messages: `(i32, i32) -> i32`.
    public var signature: String {
        "(" + Array(repeating: "i32", count: parameterCount).joined(separator: ", ") + ")" + (returnsStatus ? " -> i32" : "")
    }
}
