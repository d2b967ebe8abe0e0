import CHyperMeshABI
import Foundation

/// Checks and converts the raw arguments of host functions: NULL with a non-zero length, invalid
/// UTF-8 and empty required strings are `INVALID_ARGUMENT`, never a crash.
enum HostArguments {
    static func string(_ pointer: UnsafePointer<CChar>?, _ length: Int) -> String? {
        guard length > 0 else { return "" }
        guard let pointer else { return nil }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(validating: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    static func requireString(_ pointer: UnsafePointer<CChar>?, _ length: Int, _ what: String, allowEmpty: Bool = false) throws -> String {
        guard let text = string(pointer, length) else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(what) is NULL or not valid UTF-8")
        }
        if text.isEmpty && !allowEmpty {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(what) is empty")
        }
        return text
    }

    static func requireBytes(_ pointer: UnsafePointer<UInt8>?, _ length: Int, _ what: String) throws -> [UInt8] {
        guard length > 0 else { return [] }
        guard let pointer else {
            throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "\(what) is NULL with length \(length)")
        }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    static func fill(_ output: UnsafeMutablePointer<hypermesh_bytes>?, with bytes: [UInt8]) throws {
        guard let output else { throw HostCallFailure(HYPERMESH_ERR_INVALID_ARGUMENT, "output buffer pointer is NULL") }
        output.pointee = CBuffers.allocate(bytes)
    }

    /// `value` as compact JSON bytes.
    static func json(_ value: Any) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("null".utf8))
    }
}
