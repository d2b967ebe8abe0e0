#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
internal import CHyperMeshABI

extension ExtensionHost {
    /// The entries of the folder at `path` (relative to the data folder; "" for the data folder
    /// itself), sorted by name. Needs `fileSystemAccess`.
    public func fileList(_ path: String = "") throws(ExtensionError) -> [FileEntry] {
        let list = try function(table.api.pointee.file_list, "file_list")
        var entries = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(path) { list(context, $0, $1, &entries, &error) }
        let bytes = table.take(entries)
        try table.check(status, error, operation: "file_list")
        do {
            return try JSONDecoder().decode([FileEntry].self, from: Data(bytes))
        } catch {
            throw .internal("the host's file_list answer is not the documented JSON", cause: "\(error)")
        }
    }
}

/// One entry of ``ExtensionHost/fileList(_:)``.
public struct FileEntry: Sendable, Decodable, Equatable {
    public let name: String
    /// `file`, `folder`, `link` or `other`.
    public let kind: String
    /// The size in bytes (files; 0 or the host's figure for the rest).
    public let size: UInt64
}
