import CHyperMeshABI
import Foundation
import HyperMeshWasm

/// The `hypermesh` imports of a WebAssembly guest, answered by the very functions of the native
/// host table (``HostAPIBroker/table``) with the guest's ``HostContext``: the same capability, rate
/// and quota checks, the same audit records and violations, for both kinds of extension.
///
/// Arguments are copied out of guest memory after a bounds check (a bad pointer is
/// `wasm.out_of_bounds`, before the host acts); the `out_ptr`/`out_len` cells are checked before the
/// broker runs, so an effect never happens for a call that then traps on its result cells.
final class WasmBrokerBindings: WasmHostBindings {
    let context: HostContext

    init(context: HostContext) {
        self.context = context
    }

    func invoke(_ function: WasmHostImport, _ a: [UInt32], memory: GuestMemory) throws(WasmError) -> WasmHostResult {
        let table = HostAPIBroker.table.pointee
        let handle = HostAPIBroker.handle(for: context)
        switch function {
        case .log:
            let text = try memory.bytes(a[1], a[2], "the log message")
            text.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { table.log!(handle, Int32(bitPattern: a[0]), $0.baseAddress, $0.count) }
            }
            return .ok
        case .storageGet:
            let key = try memory.bytes(a[0], a[1], "the key")
            return try Self.withResult(memory, a[2], a[3]) { out, error in
                Self.chars(key) { table.storage_get!(handle, $0, key.count, out, error) }
            }
        case .storagePut:
            let key = try memory.bytes(a[0], a[1], "the key"), value = try memory.bytes(a[2], a[3], "the value")
            return Self.status { error in
                Self.chars(key) { k in value.withUnsafeBufferPointer { table.storage_put!(handle, k, key.count, $0.baseAddress, value.count, error) } }
            }
        case .storageDelete:
            let key = try memory.bytes(a[0], a[1], "the key")
            return Self.status { error in Self.chars(key) { table.storage_delete!(handle, $0, key.count, error) } }
        case .storageList:
            let prefix = try memory.bytes(a[0], a[1], "the prefix")
            return try Self.withResult(memory, a[2], a[3]) { out, error in
                Self.chars(prefix) { table.storage_list!(handle, $0, prefix.count, out, error) }
            }
        case .storageApply:
            let batch = try memory.bytes(a[0], a[1], "the batch")
            return Self.status { error in batch.withUnsafeBufferPointer { table.storage_apply!(handle, $0.baseAddress, batch.count, error) } }
        case .registerAssetType:
            let type = try memory.bytes(a[0], a[1], "the asset type")
            return Self.status { error in Self.chars(type) { table.register_asset_type!(handle, $0, type.count, error) } }
        case .emitEvent:
            let topic = try memory.bytes(a[0], a[1], "the topic"), payload = try memory.bytes(a[2], a[3], "the payload")
            return Self.status { error in
                Self.chars(topic) { t in payload.withUnsafeBufferPointer { table.emit_event!(handle, t, topic.count, $0.baseAddress, payload.count, error) } }
            }
        case .fileRead:
            let path = try memory.bytes(a[0], a[1], "the path")
            return try Self.withResult(memory, a[2], a[3]) { out, error in
                Self.chars(path) { table.file_read!(handle, $0, path.count, out, error) }
            }
        case .fileWrite:
            let path = try memory.bytes(a[0], a[1], "the path"), data = try memory.bytes(a[2], a[3], "the data")
            return Self.status { error in
                Self.chars(path) { p in data.withUnsafeBufferPointer { table.file_write!(handle, p, path.count, $0.baseAddress, data.count, error) } }
            }
        case .fileList:
            let path = try memory.bytes(a[0], a[1], "the path")
            return try Self.withResult(memory, a[2], a[3]) { out, error in
                Self.chars(path) { table.file_list!(handle, $0, path.count, out, error) }
            }
        case .httpRequest:
            let request = try memory.bytes(a[0], a[1], "the request")
            return try Self.withResult(memory, a[2], a[3]) { out, error in
                request.withUnsafeBufferPointer { table.http_request!(handle, $0.baseAddress, request.count, out, error) }
            }
        case .consensusSubmit:
            let kind = try memory.bytes(a[0], a[1], "the operation kind"), payload = try memory.bytes(a[2], a[3], "the payload")
            return try Self.withResult(memory, a[4], a[5]) { out, error in
                Self.chars(kind) { k in payload.withUnsafeBufferPointer { table.consensus_submit!(handle, k, kind.count, $0.baseAddress, payload.count, out, error) } }
            }
        case .output, .errorMessage, .lastError:
            throw WasmError(.hostError, "\(function.name) is answered by the wasm runtime, not the broker")
        }
    }

    /// Runs a broker function that only returns a status.
    private static func status(_ body: (UnsafeMutablePointer<hypermesh_error>) -> hypermesh_status) -> WasmHostResult {
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = body(&error)
        let message = CBuffers.takeMessage(&error)
        return WasmHostResult(status: status, message: status == HYPERMESH_OK ? nil : message)
    }

    /// Runs a broker function that fills a `hypermesh_bytes`; on success places the bytes in guest
    /// memory and writes their offset and length to the guest's `out_ptr` and `out_len` cells.
    private static func withResult(
        _ memory: GuestMemory, _ outPointer: UInt32, _ outLength: UInt32,
        _ body: (UnsafeMutablePointer<hypermesh_bytes>, UnsafeMutablePointer<hypermesh_error>) -> hypermesh_status
    ) throws(WasmError) -> WasmHostResult {
        try memory.check(outPointer, 4, "out_ptr")
        try memory.check(outLength, 4, "out_len")
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = body(&output, &error)
        let message = CBuffers.takeMessage(&error)
        let bytes = CBuffers.take(&output)
        guard status == HYPERMESH_OK else { return WasmHostResult(status: status, message: message) }
        let offset = try memory.place(bytes)
        try memory.writeUInt32(offset, at: outPointer, "out_ptr")
        try memory.writeUInt32(UInt32(bytes.count), at: outLength, "out_len")
        return .ok
    }

    /// Lends `bytes` as a `const char *` (not NUL-terminated: every broker function takes a length).
    private static func chars<Result>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress) }
        }
    }
}
