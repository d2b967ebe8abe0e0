/// What the host does when the anomaly detector fires for an extension, from the policy file.
/// Ordered by severity; the default is ``alert``.
public enum AnomalyAction: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Write it to the log and the audit trail only.
    case log
    /// Also publish a `hypermesh.security.anomaly` event on the host's event bus.
    case alert
    /// Also lower the extension's operations-per-second to the policy's throttle rate.
    case throttle
    /// Also suspend the extension until an operator resumes it.
    case suspend
    /// Also unload the extension (it ends `failed` with the anomaly as the cause).
    case terminate

    public static func < (lhs: AnomalyAction, rhs: AnomalyAction) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
