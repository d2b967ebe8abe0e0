import HyperMeshManifest

/// What one extension may use: the capabilities it declared, split by the operator's policy into
/// granted, refused and pending. Default deny: a declared capability the policy neither allows nor
/// denies is *pending*, not granted.
///
/// An extension with pending capabilities is not activated (an update that declares a new
/// capability waits for `hypermesh ext grant`, and the running version keeps serving). Refused
/// capabilities do not block activation: the operator decided, and every use is denied.
public struct CapabilityGrant: Sendable, Hashable {
    public let declared: Set<Capability>
    public let granted: Set<Capability>
    public let refused: Set<Capability>
    public let pending: Set<Capability>

    public init(declared: Set<Capability>, allowed: Set<Capability>, denied: Set<Capability>) {
        self.declared = declared
        refused = declared.intersection(denied)
        granted = declared.intersection(allowed).subtracting(denied)
        pending = declared.subtracting(allowed).subtracting(denied)
    }

    /// Every declared capability is decided (granted or refused).
    public var isSettled: Bool { pending.isEmpty }

    /// Grants every declared capability: for hosts without an operator policy (tests, embedding).
    public static func everythingDeclared(_ declared: Set<Capability>) -> CapabilityGrant {
        CapabilityGrant(declared: declared, allowed: declared, denied: [])
    }
}
