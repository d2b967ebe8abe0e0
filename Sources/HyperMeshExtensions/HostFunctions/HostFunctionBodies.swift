import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState

/// The bodies of the host functions that do more than one step: quota checks against the
/// caller's ``SecurityContext`` and the mapping of each refusal to a violation. Called by the
/// built-in declarations (``HostFunctionSet/builtIn``) after the call was admitted (capability and rate).
enum HostFunctionBodies {
    static func storageGet(_ host: HostContext, _ key: String) throws -> [UInt8] {
        guard let value = try host.storage.get(key) else {
            throw HostCallFailure(HYPERMESH_ERR_NOT_FOUND, "no value stored under '\(key)'")
        }
        return value
    }

    /// Applies storage writes within the storage quota (key-value bytes plus file bytes): all of
    /// them or, past the quota, none, as a `storage_quota` violation.
    static func storageApply(_ host: HostContext, _ writes: [StorageWrite]) throws {
        let limit = host.security.quotas.storageBytes.map { StorageLimit(bytes: $0, otherBytes: host.files.usedBytes()) }
        do throws(StateError) {
            try host.storage.apply(writes, limit: limit)
        } catch {
            guard error.code == .quotaExceeded else { throw error }
            throw host.security.violation(.storageQuota, status: HYPERMESH_ERR_QUOTA_EXCEEDED, error.message,
                                          details: ["quota_bytes": "\(limit?.bytes ?? 0)"])
        }
    }

    /// Runs a file operation; maps an attempt to leave the data folder to a `path_escape`
    /// violation and the other refusals to their statuses.
    static func files<Result>(_ host: HostContext, _ body: (ConfinedFiles) throws(ConfinedFileError) -> Result) throws -> Result {
        do throws(ConfinedFileError) {
            return try body(host.files)
        } catch {
            switch error {
            case .escape(let message):
                throw host.security.violation(.pathEscape, status: HYPERMESH_ERR_PERMISSION_DENIED, message)
            case .quota(let message):
                throw host.security.violation(.storageQuota, status: HYPERMESH_ERR_QUOTA_EXCEEDED, message)
            case .invalid(let message): throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, message)
            case .notFound(let message): throw HostCallFailure(HYPERMESH_ERR_NOT_FOUND, message)
            case .io(let message): throw HostCallFailure(HYPERMESH_ERR_UNAVAILABLE, message)
            }
        }
    }

    static func fileWrite(_ host: HostContext, _ path: String, _ bytes: [UInt8]) throws {
        let quota = host.security.quotas.storageBytes
        let keyValueBytes = quota == nil ? 0 : UInt64(try host.storage.usedBytes())
        try files(host) { files throws(ConfinedFileError) in
            try files.write(path, bytes, limit: quota, otherBytes: keyValueBytes)
        }
    }

    /// One HTTP request (see ``HTTPRequestFunction``).
    static func httpRequest(_ host: HostContext, _ requestBytes: [UInt8]) throws -> [UInt8] {
        try HTTPRequestFunction.perform(host, requestBytes)
    }
}
