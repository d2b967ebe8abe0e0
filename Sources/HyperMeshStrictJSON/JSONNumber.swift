/// A JSON number kept as its literal text, so integers of any size are read exactly (no detour
/// through `Double`).
public struct JSONNumber: Sendable, Equatable {
    /// The literal as written, e.g. `-12`, `1.5e3`. Always valid JSON number syntax when it comes
    /// from ``JSONParser``.
    public var text: String

    /// What the literal is worth when an unsigned integer is expected.
    public enum IntegerValue: Sendable, Equatable {
        /// An exact non-negative integer (`1.0`, `1e3` and `-0` are integers, as in JSON Schema).
        case value(UInt64)
        /// The value has a non-zero fractional part, e.g. `1.5`.
        case fractional
        /// An integer below zero.
        case negative
        /// An integer above `UInt64.max`.
        case tooLarge
    }

    public init(text: String) { self.text = text }

    public init(_ value: UInt64) { self.text = String(value) }

    /// The exact integer value of the literal, computed on its digits.
    public var integerValue: IntegerValue {
        var bytes = Substring(text).utf8[...]
        let isNegative = bytes.first == UInt8(ascii: "-")
        if isNegative { bytes = bytes.dropFirst() }
        let exponentMark = bytes.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = exponentMark.map { bytes[..<$0] } ?? bytes
        let exponentText = exponentMark.map { bytes[bytes.index(after: $0)...] }
        let point = mantissa.firstIndex(of: UInt8(ascii: "."))
        let integerDigits = point.map { mantissa[..<$0] } ?? mantissa
        let fractionDigits = point.map { mantissa[mantissa.index(after: $0)...] } ?? mantissa[mantissa.endIndex...]

        var digits = Array(integerDigits) + Array(fractionDigits)
        var exponent = Self.saturatingExponent(exponentText) - fractionDigits.count
        while let first = digits.first, first == UInt8(ascii: "0") { digits.removeFirst() }
        if digits.isEmpty { return .value(0) }
        while let last = digits.last, last == UInt8(ascii: "0") {
            digits.removeLast()
            exponent += 1
        }
        if exponent < 0 { return .fractional }
        if isNegative { return .negative }
        // UInt64.max has 20 digits.
        guard digits.count + exponent <= 20 else { return .tooLarge }
        digits += Array(repeating: UInt8(ascii: "0"), count: exponent)
        guard let value = UInt64(String(decoding: digits, as: UTF8.self)) else { return .tooLarge }
        return .value(value)
    }

    /// The exponent's value clamped to ±1_000_000_000, far beyond anything that changes the result.
    private static func saturatingExponent(_ text: Substring.UTF8View.SubSequence?) -> Int {
        guard var bytes = text else { return 0 }
        var sign = 1
        if bytes.first == UInt8(ascii: "-") { sign = -1 }
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        var magnitude = 0
        for byte in bytes where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            magnitude = Swift.min(magnitude * 10 + Int(byte - UInt8(ascii: "0")), 1_000_000_000)
        }
        return sign * magnitude
    }
}
