/// Structured values drawn from a fuzzer's bytes, front to back. When the bytes run out every
/// draw answers its smallest value, so any input (the empty one too) gives a complete value:
/// harnesses that build a structure (a frame to encode, a package universe) never reject input.
public struct FuzzInput {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte has been drawn.
    public var isExhausted: Bool { position >= bytes.count }

    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func bool() -> Bool { byte() & 1 == 1 }

    /// A value in `range` (at most 16 bits of choice).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = range.upperBound - range.lowerBound + 1
        let raw = width > 256 ? Int(byte()) << 8 | Int(byte()) : Int(byte())
        return range.lowerBound + raw % width
    }

    public mutating func uint32() -> UInt32 {
        (0..<4).reduce(UInt32(0)) { value, _ in value << 8 | UInt32(byte()) }
    }

    public mutating func uint64() -> UInt64 {
        UInt64(uint32()) << 32 | UInt64(uint32())
    }

    public mutating func pick<T>(_ options: [T]) -> T {
        options[int(in: 0...(options.count - 1))]
    }

    /// A length (one byte, at most `limit`), then that many bytes.
    public mutating func bytes(upTo limit: Int) -> [UInt8] {
        let count = min(Int(byte()), limit)
        var result: [UInt8] = []
        result.reserveCapacity(count)
        for _ in 0..<count where !isExhausted { result.append(byte()) }
        return result
    }

    /// Like ``bytes(upTo:)``, read as UTF-8 (invalid sequences replaced).
    public mutating func string(upTo limit: Int) -> String {
        String(decoding: bytes(upTo: limit), as: UTF8.self)
    }

    /// Every byte not drawn yet.
    public mutating func rest() -> [UInt8] {
        guard position < bytes.count else { return [] }
        defer { position = bytes.count }
        return Array(bytes[position...])
    }
}
