/// Fixed-width little-endian integers and length-prefixed fields: the building blocks of every byte
/// string that is hashed in this module.
enum ByteEncoding {
    /// The 8 bytes of `value`, least significant first.
    static func uint64LittleEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }

    /// The 8 bytes of `value` in two's complement, least significant first.
    static func int64LittleEndian(_ value: Int64) -> [UInt8] {
        uint64LittleEndian(UInt64(bitPattern: value))
    }

    /// `uint64LittleEndian(bytes.count) ‖ bytes`: a field whose end is known without looking at
    /// what follows it.
    static func lengthPrefixed(_ bytes: some Collection<UInt8>) -> [UInt8] {
        uint64LittleEndian(UInt64(bytes.count)) + Array(bytes)
    }

    /// The first 8 bytes of `bytes` read as a little-endian unsigned integer (missing bytes count as zero).
    static func uint64FromLittleEndianPrefix(_ bytes: some Collection<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for (position, byte) in bytes.prefix(8).enumerated() {
            value |= UInt64(byte) << (8 * UInt64(position))
        }
        return value
    }
}
