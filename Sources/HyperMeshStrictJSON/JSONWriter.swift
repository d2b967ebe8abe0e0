import Foundation

/// Writes a ``JSONValue`` in canonical form: object keys sorted by their UTF-8 bytes, numbers as
/// written in their ``JSONNumber`` text, strings with the minimal escapes (`"`, `\`, and control
/// characters; everything else is written as UTF-8, including `/`).
///
/// Pretty output indents by two spaces, puts `": "` between key and value, writes empty objects
/// and arrays as `{}` and `[]`, and ends with a newline. Compact output has no whitespace at all.
/// Duplicate keys are written as they are (the writer does not deduplicate).
public enum JSONWriter {
    public static func data(for value: JSONValue, prettyPrinted: Bool) -> Data {
        var output: [UInt8] = []
        write(value, into: &output, indent: prettyPrinted ? 0 : nil)
        if prettyPrinted { output.append(0x0A) }
        return Data(output)
    }

    /// `indent` is the current nesting level in pretty mode, nil in compact mode.
    private static func write(_ value: JSONValue, into output: inout [UInt8], indent: Int?) {
        switch value {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .number(let number): output += Array(number.text.utf8)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                separate(index, into: &output, indent: indent)
                write(element, into: &output, indent: indent.map { $0 + 1 })
            }
            close("]", count: elements.count, into: &output, indent: indent)
        case .object(let members):
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            output.append(UInt8(ascii: "{"))
            for (index, member) in sorted.enumerated() {
                separate(index, into: &output, indent: indent)
                writeString(member.key, into: &output)
                output += Array((indent == nil ? ":" : ": ").utf8)
                write(member.value, into: &output, indent: indent.map { $0 + 1 })
            }
            close("}", count: sorted.count, into: &output, indent: indent)
        }
    }

    /// Before the element at `index`: a comma after the first, and in pretty mode a new line.
    private static func separate(_ index: Int, into output: inout [UInt8], indent: Int?) {
        if index > 0 { output.append(UInt8(ascii: ",")) }
        if let indent { newline(into: &output, level: indent + 1) }
    }

    private static func close(_ bracket: Unicode.Scalar, count: Int, into output: inout [UInt8], indent: Int?) {
        if count > 0, let indent { newline(into: &output, level: indent) }
        output.append(UInt8(ascii: bracket))
    }

    private static func newline(into output: inout [UInt8], level: Int) {
        output.append(0x0A)
        output += Array(repeating: UInt8(ascii: " "), count: level * 2)
    }

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): output += Array("\\\\".utf8)
            case 0x0A: output += Array("\\n".utf8)
            case 0x0D: output += Array("\\r".utf8)
            case 0x09: output += Array("\\t".utf8)
            case 0x08: output += Array("\\b".utf8)
            case 0x0C: output += Array("\\f".utf8)
            case 0x00..<0x20:
                let digits = String(byte, radix: 16, uppercase: false)
                output += Array(("\\u00" + (digits.count == 1 ? "0" : "") + digits).utf8)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
