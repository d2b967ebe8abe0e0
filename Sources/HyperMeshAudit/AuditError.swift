/// The only error type the audit log throws.
///
/// `code` says what failed (stable strings, safe to match on), `message` says what happened, where
/// (the file path) and how to fix it, and `cause` carries the underlying SQLite or file-system
/// error text when there is one. Two errors are equal when all three are equal.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Code: String, Sendable, CaseIterable {
        /// The log file could not be created, opened or migrated; nothing was written.
        case openFailed = "audit.open_failed"
        /// Records could not be committed. Every record of the failed batch is lost; none was
        /// partly written, since each batch is one transaction.
        case writeFailed = "audit.write_failed"
        /// Records could not be read, or a stored record could not be decoded.
        case readFailed = "audit.read_failed"
        /// The log was closed; it accepts no more calls.
        case closed = "audit.closed"
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
        let prefix = "[\(code.rawValue)] \(message)"
        guard let cause else { return prefix }
        return "\(prefix) (cause: \(cause))"
    }
}
