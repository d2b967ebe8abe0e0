import HyperMeshStrictJSON
import Foundation

/// Canonical pretty-printing of JSON payloads (for people reading CLI output): keys sorted by
/// UTF-8 bytes, two-space indentation, numbers exactly as written, `/` not escaped.
///
/// Returns nil for bytes that are not strict JSON (RFC 8259: no NaN, no comments, no trailing
/// commas, nesting at most 64 levels); callers show those bytes some other way.
public enum JSONFormatting {
    public static func prettyPrinted(_ data: Data) -> Data? {
        guard let value = try? JSONParser.parse(data) else { return nil }
        return JSONWriter.data(for: value, prettyPrinted: true)
    }
}
