/// What a caller asks the audit log to record.
///
/// The log adds the sequence number, the time and the hashes when the entry is written (see
/// ``AuditRecord``). `details` defaults to empty. Strings are stored and hashed exactly as given
/// (their UTF-8 bytes, no Unicode normalization); embedded NUL characters are kept. Nothing limits
/// their size: callers that record text an extension controls should truncate it themselves.
public struct AuditEntry: Sendable, Equatable {
    /// The category of the event.
    public var kind: AuditKind
    /// The extension the event concerns, or `nil` for events of the host itself.
    public var extensionID: String?
    /// A human-readable sentence saying what happened.
    public var message: String
    /// Structured facts about the event. Keys are unique under Swift `String` equality, so two
    /// keys that differ only in Unicode normalization cannot both be present.
    public var details: [String: String]

    public init(kind: AuditKind, extensionID: String? = nil, message: String, details: [String: String] = [:]) {
        self.kind = kind
        self.extensionID = extensionID
        self.message = message
        self.details = details
    }
}
