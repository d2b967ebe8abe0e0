/// The one error type of an extension: a stable ``code`` (what the host sees as `hypermesh_status`),
/// a ``message`` saying what went wrong, where and how to fix it, and an optional ``cause``.
///
/// Errors thrown by an extension are handed to the host as a `hypermesh_error` whose message is
/// ``hostMessage``. Errors reported by the host (storage, events, …) arrive here with the host's
/// status as the code and the host's message verbatim.
public struct ExtensionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ExtensionErrorCode
    public var message: String
    /// The underlying failure, if any (e.g. a decoder's description). Not parsed by anyone.
    public var cause: String?

    public init(code: ExtensionErrorCode, message: String, cause: String? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// Malformed input: bad JSON, a missing or invalid field.
    public static func invalidArgument(_ message: String, cause: String? = nil) -> ExtensionError {
        ExtensionError(code: .invalidArgument, message: message, cause: cause)
    }

    /// The thing the request names does not exist.
    public static func notFound(_ message: String, cause: String? = nil) -> ExtensionError {
        ExtensionError(code: .notFound, message: message, cause: cause)
    }

    /// The extension does not implement the method.
    public static func unknownMethod(_ message: String, cause: String? = nil) -> ExtensionError {
        ExtensionError(code: .unknownMethod, message: message, cause: cause)
    }

    /// The request clashes with existing state (already exists, version not newer, …).
    public static func conflict(_ message: String, cause: String? = nil) -> ExtensionError {
        ExtensionError(code: .conflict, message: message, cause: cause)
    }

    /// A service the extension needs is not available.
    public static func unavailable(_ message: String, cause: String? = nil) -> ExtensionError {
        ExtensionError(code: .unavailable, message: message, cause: cause)
    }

    /// A bug or an unexpected failure.
    public static func `internal`(_ message: String, cause: String? = nil) -> ExtensionError {
        ExtensionError(code: .internal, message: message, cause: cause)
    }

    /// The text handed to the host: the message, followed by ` (cause: …)` when there is a cause.
    public var hostMessage: String {
        guard let cause else { return message }
        return "\(message) (cause: \(cause))"
    }

    public var description: String { "[\(code.name)] \(hostMessage)" }
}
