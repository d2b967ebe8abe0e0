import CHyperMeshABI
import Foundation

/// One live instance of a native extension: the `hypermesh_extension` that `create` returned,
/// bound to its ``HostContext``. Calls are synchronous C calls on the calling thread.
///
/// Concurrency: the owning ``ExtensionInstance`` admits calls through its ``CallGate``.
/// `activate`, `deactivate` and `destroy` are serialized by the registry, never concurrent with
/// each other.
///
/// Not guaranteed: anything about an extension that misbehaves in-process (crashes, corrupts
/// memory, never returns). In-process native code is trusted; isolation is a separate mode.
final class NativeInstance: ExtensionRuntime, @unchecked Sendable {
    let image: NativeImage
    let context: HostContext
    private var extensionPointer: UnsafeMutablePointer<hypermesh_extension>?
    private let handleFunction: HandleFunction

    typealias HandleFunction = @convention(c) (
        UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int, UnsafePointer<UInt8>?, Int,
        UnsafeMutablePointer<hypermesh_bytes>?, UnsafeMutablePointer<hypermesh_error>?
    ) -> hypermesh_status

    /// Calls the library's `create` with the shared host table and this extension's context.
    init(image: NativeImage, context: HostContext) throws(ExtensionError) {
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        guard let created = image.create(HostAPIBroker.table, HostAPIBroker.handle(for: context), &error) else {
            let message = CBuffers.takeMessage(&error)
            throw ExtensionError(.createFailed, extensionID: context.extensionID,
                                 "hypermesh_extension_create returned NULL", cause: message ?? "no message (status \(error.code))")
        }
        guard created.pointee.struct_size >= UInt32(MemoryLayout<hypermesh_extension>.offset(of: \.handle)! + MemoryLayout<HandleFunction?>.size),
              let handle = created.pointee.handle else {
            image.destroy(created)
            throw ExtensionError(.createFailed, extensionID: context.extensionID,
                                 "hypermesh_extension_create returned an instance without a handle function")
        }
        self.image = image
        self.context = context
        self.extensionPointer = created
        self.handleFunction = handle
    }

    var extensionID: String { context.extensionID }

    /// Sends one request and lends the output to `body` without copying it; the buffer is freed
    /// when `body` returns, so `body` must not keep it. Output bytes and error messages are
    /// released here (host-owned `free`).
    func call<Result>(
        method: String, input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) throws(ExtensionError) -> Result {
        guard let pointer = extensionPointer else {
            throw ExtensionError(.notActive, extensionID: extensionID, "the instance was destroyed")
        }
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let methodLength = method.utf8.count
        let status = method.withCString { name in
            input.withUnsafeBufferPointer { bytes in
                handleFunction(pointer.pointee.instance, name, methodLength,
                               bytes.baseAddress, bytes.count, &output, &error)
            }
        }
        defer { free(output.data) }
        guard status == HYPERMESH_OK else {
            let message = CBuffers.takeMessage(&error)
            throw ExtensionError(.methodFailed, extensionID: extensionID,
                                 "method '\(method)' failed with \(StatusName.of(status))",
                                 cause: message)
        }
        return body(UnsafeBufferPointer(start: output.data, count: output.data == nil ? 0 : output.len))
    }

    /// Calls the optional `activate` entry. A missing entry means "nothing to do".
    func activate() throws(ExtensionError) {
        try lifecycleCall(\.activate, code: .activationFailed, what: "activate")
    }

    /// Calls the optional `deactivate` entry.
    func deactivate() throws(ExtensionError) {
        try lifecycleCall(\.deactivate, code: .deactivationFailed, what: "deactivate")
    }

    /// The extension's own health report (JSON), if it has a `health` entry.
    func reportedHealth() throws(ExtensionError) -> [UInt8]? {
        guard let pointer = extensionPointer, hypermesh_extension_has_health(pointer) != 0, let health = pointer.pointee.health else { return nil }
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = health(pointer.pointee.instance, &output, &error)
        let message = CBuffers.takeMessage(&error)
        let bytes = CBuffers.take(&output)
        guard status == HYPERMESH_OK else {
            throw ExtensionError(.methodFailed, extensionID: extensionID, "health failed with \(StatusName.of(status))", cause: message)
        }
        return bytes
    }

    var stateHandOver: StateHandOverEntries {
        guard let pointer = extensionPointer else { return .none }
        return StateHandOverEntries(exports: hypermesh_extension_has_export_state(pointer) != 0,
                                    imports: hypermesh_extension_has_import_state(pointer) != 0)
    }

    func exportState() throws(ExtensionError) -> [UInt8] {
        guard let pointer = extensionPointer, hypermesh_extension_has_export_state(pointer) != 0, let export = pointer.pointee.export_state else {
            throw ExtensionError(.stateHandOverFailed, extensionID: extensionID, "the instance has no export_state entry")
        }
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = export(pointer.pointee.instance, &output, &error)
        let message = CBuffers.takeMessage(&error)
        let state = CBuffers.take(&output)
        guard status == HYPERMESH_OK else {
            throw ExtensionError(.stateHandOverFailed, extensionID: extensionID, "export_state failed with \(StatusName.of(status))", cause: message)
        }
        return state
    }

    func importState(_ state: [UInt8]) throws(ExtensionError) {
        guard let pointer = extensionPointer, hypermesh_extension_has_import_state(pointer) != 0, let function = pointer.pointee.import_state else {
            throw ExtensionError(.stateHandOverFailed, extensionID: extensionID, "the instance has no import_state entry")
        }
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = state.withUnsafeBufferPointer { function(pointer.pointee.instance, $0.baseAddress, $0.count, &error) }
        let message = CBuffers.takeMessage(&error)
        guard status == HYPERMESH_OK else {
            throw ExtensionError(.stateHandOverFailed, extensionID: extensionID, "import_state failed with \(StatusName.of(status))", cause: message)
        }
    }

    /// Calls `destroy` once; later calls do nothing. The context stays alive until this returns.
    func destroy() {
        guard let pointer = extensionPointer else { return }
        extensionPointer = nil
        withExtendedLifetime(context) { image.destroy(pointer) }
    }

    deinit { destroy() }

    private func lifecycleCall(
        _ entry: KeyPath<hypermesh_extension, (@convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<hypermesh_error>?) -> hypermesh_status)?>,
        code: ExtensionErrorCode, what: String
    ) throws(ExtensionError) {
        guard let pointer = extensionPointer else {
            throw ExtensionError(code, extensionID: extensionID, "the instance was destroyed")
        }
        guard let function = pointer.pointee[keyPath: entry] else { return }
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = function(pointer.pointee.instance, &error)
        let message = CBuffers.takeMessage(&error)
        guard status == HYPERMESH_OK else {
            throw ExtensionError(code, extensionID: extensionID, "\(what) failed with \(StatusName.of(status))", cause: message)
        }
    }
}

/// Readable names of `hypermesh_status` values, for messages.
enum StatusName {
    static func of(_ status: hypermesh_status) -> String {
        switch status {
        case HYPERMESH_OK: return "OK"
        case HYPERMESH_ERR_INVALID_ARGUMENT: return "INVALID_ARGUMENT"
        case HYPERMESH_ERR_NOT_FOUND: return "NOT_FOUND"
        case HYPERMESH_ERR_UNKNOWN_METHOD: return "UNKNOWN_METHOD"
        case HYPERMESH_ERR_PERMISSION_DENIED: return "PERMISSION_DENIED"
        case HYPERMESH_ERR_QUOTA_EXCEEDED: return "QUOTA_EXCEEDED"
        case HYPERMESH_ERR_CONFLICT: return "CONFLICT"
        case HYPERMESH_ERR_UNAVAILABLE: return "UNAVAILABLE"
        case HYPERMESH_ERR_INTERNAL: return "INTERNAL"
        default: return "status \(status)"
        }
    }
}
