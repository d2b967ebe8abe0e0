/// Why bytes read from the host–worker socket are not a valid frame or message. Every malformed
/// input ends here as a value; the decoder never traps on what it reads.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The frame declares a length above ``SandboxProtocol/maximumFrameSize``.
    case oversized(length: UInt32, maximum: UInt32)
    /// The frame declares length 0: no room for the type byte.
    case emptyFrame
    /// The stream ended inside a frame (`have` of `need` bytes).
    case truncatedFrame(have: Int, need: Int)
    /// The type byte names no message of this protocol version.
    case unknownType(UInt8)
    /// A field runs past the end of the payload.
    case truncatedPayload(message: String, field: String)
    /// A field has a value the protocol does not allow (bad flag, bad UTF-8, bad enum value).
    case invalidField(message: String, field: String, reason: String)
    /// The payload has bytes after its last field.
    case trailingBytes(message: String, count: Int)
    /// The peer speaks another protocol version.
    case versionMismatch(local: UInt32, remote: UInt32)
    /// A message arrived where the protocol expects another one.
    case unexpectedMessage(expected: String, received: String)

    public var description: String {
        switch self {
        case .oversized(let length, let maximum): return "frame of \(length) bytes exceeds the maximum of \(maximum)"
        case .emptyFrame: return "frame of length 0 (no type byte)"
        case .truncatedFrame(let have, let need): return "stream ended inside a frame (\(have) of \(need) bytes)"
        case .unknownType(let type): return "unknown message type \(type)"
        case .truncatedPayload(let message, let field): return "\(message): payload ends inside field '\(field)'"
        case .invalidField(let message, let field, let reason): return "\(message): field '\(field)' is invalid: \(reason)"
        case .trailingBytes(let message, let count): return "\(message): \(count) bytes after the last field"
        case .versionMismatch(let local, let remote): return "protocol version mismatch: this side speaks \(local), the peer \(remote)"
        case .unexpectedMessage(let expected, let received): return "expected \(expected), received \(received)"
        }
    }
}
