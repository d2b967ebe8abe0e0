/// An entry waiting in the write queue.
struct AuditPendingEntry: Sendable {
    let entry: AuditEntry
    /// When it was submitted; becomes the record's time.
    let timeMilliseconds: Int64
    /// `true` for `append` (a caller waits for the record), `false` for `enqueue`.
    let isAwaited: Bool
}
