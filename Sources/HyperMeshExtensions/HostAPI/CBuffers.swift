import CHyperMeshABI
import Foundation

/// Buffers that cross the C boundary. They are allocated with `malloc` (the host table's `alloc`)
/// and released with `free` (its `free`), whichever side ends up owning them.
enum CBuffers {
    static func allocate(_ bytes: [UInt8]) -> hypermesh_bytes {
        guard !bytes.isEmpty, let memory = malloc(bytes.count) else { return hypermesh_bytes(data: nil, len: 0) }
        let data = memory.bindMemory(to: UInt8.self, capacity: bytes.count)
        bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: bytes.count) }
        return hypermesh_bytes(data: data, len: bytes.count)
    }

    /// A NUL-terminated copy of `text`, owned by the receiver.
    static func duplicate(_ text: String) -> UnsafeMutablePointer<CChar>? {
        strdup(text)
    }

    /// Takes ownership of `bytes` (frees them) and returns a Swift copy.
    static func take(_ bytes: inout hypermesh_bytes) -> [UInt8] {
        defer {
            free(bytes.data)
            bytes = hypermesh_bytes(data: nil, len: 0)
        }
        guard let data = bytes.data, bytes.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: bytes.len))
    }

    /// Takes ownership of an error's message (frees it) and returns it.
    static func takeMessage(_ error: inout hypermesh_error) -> String? {
        defer {
            free(error.message)
            error.message = nil
        }
        return error.message.map { String(cString: $0) }
    }
}
