import HyperMeshAudit
import Logging

/// Where the security layer writes its records: the host's ``AuditLog`` when it has one (the CLI
/// and a node always do; an embedding host may run without), and the log in every case.
///
/// ``record(_:_:_:details:)`` is durable: it returns after the record is committed, so a denial,
/// a violation or a suspension is on disk before the host call that caused it returns.
/// ``note(_:_:_:details:)`` queues a record for the next group commit (lifecycle changes,
/// host-call counts): cheap, committed within the audit log's flush interval.
///
/// A record that cannot be written is logged at `critical` level with the audit error; the act
/// it describes has already been refused or performed, so nothing else changes.
public struct SecurityAudit: Sendable {
    public let log: AuditLog?
    let logger: Logger

    public init(log: AuditLog?, logger: Logger) {
        self.log = log
        self.logger = logger
    }

    /// A host without an audit log (records go to the log only).
    public static func none(logger: Logger) -> SecurityAudit { SecurityAudit(log: nil, logger: logger) }

    @discardableResult
    public func record(_ kind: AuditKind, _ extensionID: String?, _ message: String, details: [String: String] = [:]) -> Bool {
        guard let log else { return true }
        do {
            try log.append(AuditEntry(kind: kind, extensionID: extensionID, message: message, details: details))
            return true
        } catch {
            logger.critical("audit record lost: \(error)", metadata: ["extension": "\(extensionID ?? "-")", "kind": "\(kind.rawValue)"])
            return false
        }
    }

    public func note(_ kind: AuditKind, _ extensionID: String?, _ message: String, details: [String: String] = [:]) {
        log?.enqueue(AuditEntry(kind: kind, extensionID: extensionID, message: message, details: details))
    }

    /// Commits every queued record.
    public func flush() {
        do {
            try log?.flush()
        } catch {
            logger.critical("audit flush failed: \(error)")
        }
    }
}
