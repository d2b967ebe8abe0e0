internal import CHyperMeshABI

/// Checked access to the host's `hypermesh_host_api` table: buffer allocation and release, and
/// conversion of `hypermesh_error` values into ``ExtensionError``.
struct HostTable: @unchecked Sendable {
    let api: UnsafePointer<hypermesh_host_api>

    /// Why a table cannot be used, or `nil` if it can. A usable table comes from a host of this
    /// Kit's ABI version, declares a size covering every function of that version, and provides
    /// `alloc` and `free` (the other functions are checked when called).
    static func problem(with api: UnsafePointer<hypermesh_host_api>) -> String? {
        let table = api.pointee
        if table.abi_version != HYPERMESH_ABI_VERSION {
            return "the host speaks ABI \(table.abi_version) but this extension was built for ABI \(HYPERMESH_ABI_VERSION)"
        }
        if Int(table.struct_size) < MemoryLayout<hypermesh_host_api>.size {
            return "the host API table declares \(table.struct_size) bytes, fewer than the \(MemoryLayout<hypermesh_host_api>.size) of ABI \(HYPERMESH_ABI_VERSION)"
        }
        if table.alloc == nil || table.free == nil {
            return "the host API table has no alloc or free function"
        }
        return nil
    }

    /// Allocates `count` bytes with the host's allocator and copies `bytes` into them.
    /// Returns `nil` if the allocator fails. `count` must be positive.
    func copyToHost(_ bytes: UnsafeRawBufferPointer, nulTerminated: Bool) -> UnsafeMutableRawPointer? {
        let total = bytes.count + (nulTerminated ? 1 : 0)
        guard total > 0, let memory = api.pointee.alloc?(total) else { return nil }
        if let base = bytes.baseAddress, bytes.count > 0 {
            memory.copyMemory(from: base, byteCount: bytes.count)
        }
        if nulTerminated {
            memory.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
        }
        return memory
    }

    /// Releases a buffer the host allocated. `nil` is ignored.
    func release(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        api.pointee.free?(pointer)
    }

    /// Copies the bytes of a host-filled buffer and releases it (exactly once).
    func take(_ bytes: hypermesh_bytes) -> [UInt8] {
        defer { release(bytes.data) }
        guard let data = bytes.data, bytes.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: bytes.len))
    }

    /// Copies the message of a host-filled error and releases it (exactly once).
    func takeMessage(_ error: hypermesh_error) -> String? {
        guard let message = error.message else { return nil }
        defer { release(message) }
        return String(cString: message)
    }

    /// Turns a host status into a thrown error. The error's message is released either way.
    func check(_ status: hypermesh_status, _ error: hypermesh_error, operation: String) throws(ExtensionError) {
        let message = takeMessage(error)
        guard status != HYPERMESH_OK else { return }
        let code = ExtensionErrorCode(rawValue: status)
        throw ExtensionError(code: code, message: message ?? "host \(operation) failed with status \(code.name)")
    }

    /// Fills `out` (if given) with `error`: its code and its ``ExtensionError/hostMessage`` copied
    /// into a NUL-terminated buffer from the host's allocator. Returns the status to hand back, which
    /// is never `HYPERMESH_OK`.
    @discardableResult
    func report(_ error: ExtensionError, into out: UnsafeMutablePointer<hypermesh_error>?) -> hypermesh_status {
        let status = error.code.rawValue == HYPERMESH_OK ? ExtensionErrorCode.internal.rawValue : error.code.rawValue
        guard let out else { return status }
        var text = error.hostMessage
        let message = text.withUTF8 { copyToHost(UnsafeRawBufferPointer($0), nulTerminated: true) }
        out.pointee = hypermesh_error(code: status, message: message?.assumingMemoryBound(to: CChar.self))
        return status
    }
}
