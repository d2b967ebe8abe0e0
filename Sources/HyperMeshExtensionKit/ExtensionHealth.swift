/// What an extension reports about itself when the host asks (`health` in the C ABI).
///
/// Encoded as the JSON object the header specifies: `{"status":"healthy"|"degraded"|"unhealthy",
/// "detail":"..."}` (`detail` is omitted when `nil`). The host decides what to do with it; the
/// report is not a guarantee that the next call succeeds.
public struct ExtensionHealth: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case healthy
        case degraded
        case unhealthy
    }

    public var status: Status
    /// Free text for operators, e.g. counts or the failing dependency. Default `nil`.
    public var detail: String?

    public init(status: Status, detail: String? = nil) {
        self.status = status
        self.detail = detail
    }

    /// `healthy` with no detail: what an extension reports unless it overrides `health()`.
    public static let healthy = ExtensionHealth(status: .healthy)
}
