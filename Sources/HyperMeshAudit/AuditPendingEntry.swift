/// An entry in the write queue, with the parts of its record that do not depend on its time or
/// its place in the chain computed by the caller's thread before it takes the queue's lock, so
/// that the writer thread, which every caller waits for, does as little per record as it can.
struct AuditPendingEntry: Sendable {
    let entry: AuditEntry
    /// `true` for `append` (a caller waits for the record), `false` for `enqueue`.
    let isAwaited: Bool
    /// Fields 5 to 8 of the record's canonical encoding
    /// (``AuditCanonicalEncoding/content(kind:extensionID:message:sortedDetails:)``).
    let canonicalContent: [UInt8]
    /// The details as stored (``AuditDetailsJSON``).
    let detailsJSON: String
    /// When it was queued, set with the queue's lock held (so times follow queue order); becomes
    /// the record's time.
    var timeMilliseconds: Int64 = 0

    init(entry: AuditEntry, isAwaited: Bool) {
        let sortedDetails = AuditCanonicalEncoding.sortedByUTF8Key(entry.details)
        self.entry = entry
        self.isAwaited = isAwaited
        canonicalContent = AuditCanonicalEncoding.content(
            kind: entry.kind.rawValue, extensionID: entry.extensionID, message: entry.message,
            sortedDetails: sortedDetails)
        detailsJSON = AuditDetailsJSON.encode(sortedDetails: sortedDetails)
    }
}
