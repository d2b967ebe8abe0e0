import WasmKit

/// The guest's linear memory as host functions see it: every read and write is checked against
/// the memory's current size before it happens, so a pointer from the guest can never reach the
/// host's own memory. A range outside memory is ``WasmErrorCode/outOfBounds``, which ends the call.
///
/// ``place(_:)`` copies bytes into memory obtained from the guest's `hypermesh_alloc`; the
/// allocation then belongs to the guest (see `docs/wasm-abi.md`, "Memory ownership").
public struct GuestMemory {
    let memory: Memory
    let allocate: (UInt32) throws(WasmError) -> UInt32

    /// The memory's current size in bytes.
    public var byteCount: Int { memory.byteCount }

    /// Checks that `length` bytes at `offset` lie inside memory. A zero length is always valid
    /// (nothing is touched), whatever the offset.
    public func check(_ offset: UInt32, _ length: UInt32, _ what: String) throws(WasmError) {
        guard length > 0 else { return }
        let end = UInt64(offset) + UInt64(length)
        guard end <= UInt64(memory.byteCount) else {
            throw WasmError(.outOfBounds,
                            "\(what) at offset \(offset) with length \(length) ends past the guest's memory of \(memory.byteCount) bytes")
        }
    }

    /// A copy of `length` bytes at `offset`.
    public func bytes(_ offset: UInt32, _ length: UInt32, _ what: String) throws(WasmError) -> [UInt8] {
        try check(offset, length, what)
        guard length > 0 else { return [] }
        return memory.withUnsafeBufferPointer(offset: UInt(offset), count: Int(length)) { Array($0) }
    }

    /// Lends `length` bytes at `offset` to `body` without copying; `body` must not keep the pointer.
    public func withBytes<Result>(
        _ offset: UInt32, _ length: UInt32, _ what: String, _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(WasmError) -> Result {
        try check(offset, length, what)
        guard length > 0 else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return memory.withUnsafeBufferPointer(offset: UInt(offset), count: Int(length), body)
    }

    /// Copies `bytes` to `offset`.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt32, _ what: String) throws(WasmError) {
        guard bytes.count <= Int(UInt32.max) else {
            throw WasmError(.outOfBounds, "\(what) of \(bytes.count) bytes does not fit a 32-bit memory")
        }
        try check(offset, UInt32(bytes.count), what)
        guard !bytes.isEmpty else { return }
        memory.withUnsafeMutableBufferPointer(offset: UInt(offset), count: bytes.count) { target in
            target.copyMemory(from: bytes)
        }
    }

    /// Copies `bytes` to `offset`, which the caller has checked (``check(_:_:_:)``) for `bytes.count`.
    func copyChecked(_ bytes: UnsafeRawBufferPointer, to offset: UInt32) {
        guard !bytes.isEmpty else { return }
        memory.withUnsafeMutableBufferPointer(offset: UInt(offset), count: bytes.count) { $0.copyMemory(from: bytes) }
    }

    /// Copies `bytes` to `offset`.
    public func write(_ bytes: [UInt8], at offset: UInt32, _ what: String) throws(WasmError) {
        guard bytes.count <= Int(UInt32.max) else {
            throw WasmError(.outOfBounds, "\(what) of \(bytes.count) bytes does not fit a 32-bit memory")
        }
        try check(offset, UInt32(bytes.count), what)
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { source in
            memory.withUnsafeMutableBufferPointer(offset: UInt(offset), count: source.count) { $0.copyMemory(from: source) }
        }
    }

    /// Writes a little-endian `u32` at `offset` (no alignment is required).
    public func writeUInt32(_ value: UInt32, at offset: UInt32, _ what: String) throws(WasmError) {
        try check(offset, 4, what)
        withUnsafeBytes(of: value.littleEndian) { source in
            memory.withUnsafeMutableBufferPointer(offset: UInt(offset), count: 4) { $0.copyMemory(from: source) }
        }
    }

    /// Allocates `bytes.count` bytes with the guest's `hypermesh_alloc`, copies `bytes` there and
    /// returns the offset. An allocator that returns 0 (out of memory) ends the call with a trap.
    public func place(_ bytes: [UInt8]) throws(WasmError) -> UInt32 {
        guard bytes.count <= Int(Int32.max) else {
            throw WasmError(.hostError, "a result of \(bytes.count) bytes does not fit a 32-bit memory")
        }
        let offset = try allocate(UInt32(bytes.count))
        try write(bytes, at: offset, "the block hypermesh_alloc returned")
        return offset
    }
}
