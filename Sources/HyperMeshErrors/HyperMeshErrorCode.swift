/// A stable error code of one error type (the `Domain`), with the category it belongs to.
///
/// Codes are values, not enum cases: a new code is a new static constant, so adding one never
/// breaks a client's `switch` (clients compare with `==` or match with `case .someCode:` and keep a
/// `default`). Each error type declares its codes once, as constants in a constrained extension,
/// with their category:
///
/// ```swift
/// extension HyperMeshErrorCode where Domain == AuditError {
///     public static let openFailed = Self("audit.open_failed", .unavailable)
/// }
/// ```
///
/// ``rawValue`` is the stable string programs and documents use (`audit.open_failed`); it never
/// changes once released. Two codes are equal when their raw values are; the category is part of
/// the declaration, not of the identity. Not guaranteed: that two error types never declare the
/// same raw value (the types' tests check their own lists for duplicates).
public struct HyperMeshErrorCode<Domain>: Hashable, Sendable, CustomStringConvertible {
    /// The stable string, `component.reason` in snake case, e.g. `trust.signature_invalid`.
    public let rawValue: String
    /// What kind of failure the code stands for; the HTTP status and the exit code follow from it.
    public let category: HyperMeshErrorCategory

    public init(_ rawValue: String, _ category: HyperMeshErrorCategory) {
        self.rawValue = rawValue
        self.category = category
    }

    public var description: String { rawValue }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.rawValue == rhs.rawValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

extension HyperMeshErrorCode where Domain: HyperMeshError {
    /// The declared code whose raw value is `rawValue`, or nil (looked up in `Domain.knownCodes`).
    public init?(rawValue: String) {
        guard let known = Domain.knownCodes.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = known
    }

    /// Every declared code of `Domain` (its ``HyperMeshError/knownCodes``).
    public static var allCases: [Self] { Domain.knownCodes }
}
