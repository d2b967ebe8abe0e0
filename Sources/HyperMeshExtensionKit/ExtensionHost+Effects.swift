#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
internal import CHyperMeshABI

/// Files in the extension's data folder, HTTP to the hosts its manifest lists, and consensus:
/// each needs its capability (`fileSystemAccess`, `networkAccess`, `consensusAccess`) granted by
/// the operator, and each refusal arrives as an ``ExtensionError`` with the host's status.
extension ExtensionHost {
    /// The bytes of the file at `path` (relative to the data folder), or nil if there is none.
    public func fileRead(_ path: String) throws(ExtensionError) -> [UInt8]? {
        let read = try function(table.api.pointee.file_read, "file_read")
        var data = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(path) { read(context, $0, $1, &data, &error) }
        let bytes = table.take(data)
        if status == HYPERMESH_ERR_NOT_FOUND {
            _ = table.takeMessage(error)
            return nil
        }
        try table.check(status, error, operation: "file_read")
        return bytes
    }

    /// Creates or replaces the file at `path`, creating its folders.
    public func fileWrite(_ path: String, _ bytes: [UInt8]) throws(ExtensionError) {
        let write = try function(table.api.pointee.file_write, "file_write")
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(path) { pathPointer, pathLength in
            bytes.withUnsafeBufferPointer { write(context, pathPointer, pathLength, $0.baseAddress, $0.count, &error) }
        }
        try table.check(status, error, operation: "file_write")
    }

    /// One HTTP request, as the JSON the host function takes; returns the response JSON.
    public func httpRequest(_ requestJSON: [UInt8]) throws(ExtensionError) -> [UInt8] {
        let request = try function(table.api.pointee.http_request, "http_request")
        var response = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = requestJSON.withUnsafeBufferPointer { request(context, $0.baseAddress, $0.count, &response, &error) }
        let bytes = table.take(response)
        try table.check(status, error, operation: "http_request")
        return bytes
    }

    /// The host's consensus decision on an operation of `kind` with `payload`.
    public func submitForConsensus(kind: String, payload: [UInt8]) throws(ExtensionError) -> ConsensusDecision {
        let submit = try function(table.api.pointee.consensus_submit, "consensus_submit")
        var decision = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = Self.withText(kind) { kindPointer, kindLength in
            payload.withUnsafeBufferPointer { submit(context, kindPointer, kindLength, $0.baseAddress, $0.count, &decision, &error) }
        }
        let bytes = table.take(decision)
        try table.check(status, error, operation: "consensus_submit")
        do {
            return try JSONDecoder().decode(ConsensusDecision.self, from: Data(bytes))
        } catch {
            throw .internal("the host's consensus decision is not the documented JSON", cause: "\(error)")
        }
    }
}

/// The host's answer to ``ExtensionHost/submitForConsensus(kind:payload:)``: apply the operation
/// only if `accepted`; `verdicts` says, per proof (space, stake, work, time), what was found.
public struct ConsensusDecision: Sendable, Decodable, Equatable {
    public let accepted: Bool
    public let verdicts: [String: String]
}
