/// A failure of the host's state store: a stable code, a message, and the underlying cause.
public struct StateError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The database could not be opened or written.
        case unavailable = "state.unavailable"
        /// A key is empty, too long, or not valid UTF-8.
        case invalidKey = "state.invalid_key"
        /// A write batch is malformed.
        case invalidBatch = "state.invalid_batch"
        /// A write would pass the extension's storage quota; nothing was written.
        case quotaExceeded = "state.quota_exceeded"
    }

    public let code: Code
    public let message: String
    public let cause: String?

    public init(code: Code, message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "[\(code.rawValue)] \(message)" + (cause.map { " (cause: \($0))" } ?? "")
    }
}
