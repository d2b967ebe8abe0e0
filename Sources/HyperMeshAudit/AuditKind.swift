/// The category of an audit record.
///
/// Raw values are snake_case and are stored in the log and covered by each record's hash, so they
/// never change once released. New kinds may be added later; a reader built before a kind existed
/// cannot decode records of that kind (``AuditLog/records(extensionID:since:kinds:limit:)`` then
/// throws `audit.read_failed`), although ``AuditLog/verify()`` still checks them, since it hashes
/// the stored text and does not need to understand it.
public enum AuditKind: String, Sendable, Codable, CaseIterable {
    /// An extension was installed, loaded, started, stopped, unloaded or removed.
    case lifecycle
    /// A package signature, certificate chain or file digest was checked.
    case verification
    /// A permission or capability was granted to an extension.
    case grant
    /// A request from an extension was refused.
    case denial
    /// An extension broke a policy rule or exceeded a quota.
    case violation
    /// An extension was suspended.
    case suspension
    /// A suspended extension was allowed to run again.
    case resume
    /// Periodic counts of the host calls an extension made.
    case hostCalls = "host_calls"
    /// The security policy was loaded or changed.
    case policy
    /// A consensus proof or operation was validated or rejected.
    case consensus
    /// Unusual behaviour was detected.
    case anomaly
    /// A package was pulled, installed, updated, rolled back or uninstalled through the store, or
    /// refused on the way (a bad digest, signature or index).
    case distribution
    /// A fleet node prefetched, activated or rolled back a version for a rollout, refused a peer,
    /// moved a rollout to its next phase, or lost or regained etcd.
    case fleet
}
