/// What the registry does when the security layer decides to stop an extension. Installed by the
/// registry when it creates the extension's ``SecurityContext``; both run the registry's own
/// lifecycle operation on a new task (the decision is taken on the caller's thread, which may be
/// inside the extension's own call).
struct SecurityReactions: Sendable {
    /// Record the suspension durably (run on the deciding thread, before it returns, so that the
    /// suspension outlives the process even if it ends right after).
    let persistSuspension: @Sendable (String) -> Void
    /// Suspend the extension with this reason (it stays suspended until an operator resumes it).
    let suspend: @Sendable (String) -> Void
    /// Unload the extension and mark it failed with this cause.
    let terminate: @Sendable (String) -> Void

    static let none = SecurityReactions(persistSuspension: { _ in }, suspend: { _ in }, terminate: { _ in })
}
