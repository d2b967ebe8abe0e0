/// Little-endian primitives of the sandbox wire protocol: fixed-width integers, and
/// length-prefixed (u32) byte strings and UTF-8 strings. Pure: no I/O.
struct WireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }

    mutating func u32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func u64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }

    mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }

    mutating func data(_ value: [UInt8]) {
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func string(_ value: String) { data(Array(value.utf8)) }

    mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    mutating func optionalData(_ value: [UInt8]?) {
        bool(value != nil)
        if let value { data(value) }
    }

    mutating func optionalU64(_ value: UInt64?) {
        bool(value != nil)
        if let value { u64(value) }
    }
}

/// Reads what ``WireWriter`` wrote; every read checks the remaining length and throws
/// ``FrameError`` instead of reading past the end.
struct WireReader {
    private let bytes: ArraySlice<UInt8>
    private var position: Int
    /// What is being decoded, for messages ("call", "load"...).
    let context: String

    init(_ bytes: ArraySlice<UInt8>, context: String) {
        self.bytes = bytes
        self.position = bytes.startIndex
        self.context = context
    }

    var remaining: Int { bytes.endIndex - position }

    private mutating func take(_ count: Int, _ field: String) throws(FrameError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else {
            throw FrameError.truncatedPayload(message: context, field: field)
        }
        defer { position += count }
        return bytes[position..<position + count]
    }

    mutating func u8(_ field: String) throws(FrameError) -> UInt8 {
        try take(1, field).first!
    }

    mutating func u32(_ field: String) throws(FrameError) -> UInt32 {
        var value: UInt32 = 0
        for (index, byte) in try take(4, field).enumerated() { value |= UInt32(byte) << UInt32(8 * index) }
        return value
    }

    mutating func u64(_ field: String) throws(FrameError) -> UInt64 {
        var value: UInt64 = 0
        for (index, byte) in try take(8, field).enumerated() { value |= UInt64(byte) << UInt64(8 * index) }
        return value
    }

    mutating func i32(_ field: String) throws(FrameError) -> Int32 { Int32(bitPattern: try u32(field)) }

    mutating func bool(_ field: String) throws(FrameError) -> Bool {
        switch try u8(field) {
        case 0: return false
        case 1: return true
        case let other: throw FrameError.invalidField(message: context, field: field, reason: "flag \(other) is neither 0 nor 1")
        }
    }

    mutating func data(_ field: String) throws(FrameError) -> [UInt8] {
        let count = try u32(field)
        guard Int(count) <= remaining else { throw FrameError.truncatedPayload(message: context, field: field) }
        return Array(try take(Int(count), field))
    }

    mutating func string(_ field: String) throws(FrameError) -> String {
        let raw = try data(field)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw FrameError.invalidField(message: context, field: field, reason: "not valid UTF-8")
        }
        return text
    }

    mutating func optionalString(_ field: String) throws(FrameError) -> String? {
        try bool(field) ? try string(field) : nil
    }

    mutating func optionalData(_ field: String) throws(FrameError) -> [UInt8]? {
        try bool(field) ? try data(field) : nil
    }

    mutating func optionalU64(_ field: String) throws(FrameError) -> UInt64? {
        try bool(field) ? try u64(field) : nil
    }

    /// Throws if bytes are left over after the last field.
    func finish() throws(FrameError) {
        guard remaining == 0 else { throw FrameError.trailingBytes(message: context, count: remaining) }
    }
}
