import CHyperMeshABI
import Foundation
import HyperMeshState

/// Decodes the JSON batch of the host API's `storage_apply`:
/// `[{"op":"put","key":K,"value":V}, {"op":"delete","key":K}]`, V a UTF-8 string.
enum StorageBatch {
    private struct Entry: Decodable {
        let op: String
        let key: String
        let value: String?
    }

    static func decode(_ bytes: [UInt8]) throws -> [StorageWrite] {
        let entries: [Entry]
        do {
            entries = try JSONDecoder().decode([Entry].self, from: Data(bytes))
        } catch {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "storage batch is not a JSON array of {op, key, value}: \(error)")
        }
        return try entries.enumerated().map { index, entry in
            switch entry.op {
            case "put":
                guard let value = entry.value else {
                    throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "storage batch entry \(index): put needs a string 'value'")
                }
                return .put(key: entry.key, value: Array(value.utf8))
            case "delete":
                return .delete(key: entry.key)
            default:
                throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "storage batch entry \(index): unknown op '\(entry.op)' (use put or delete)")
            }
        }
    }
}
