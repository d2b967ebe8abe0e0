import HyperMeshErrors

/// Why a fleet operation failed: a rollout that cannot be written or changed, a package a node
/// cannot get or activate, a peer that served something else than it advertised. The subject
/// names the rollout, the package or the peer.
public struct FleetError: HyperMeshError, Hashable {
    public typealias Code = HyperMeshErrorCode<FleetError>

    public let code: Code
    public let message: String
    public let subject: String?
    private let storedCause: HyperMeshErrorCause?

    public var underlyingError: (any Error & Sendable)? { storedCause?.error }

    public init(_ code: Code, subject: String?, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.subject = subject
        self.message = message
        self.storedCause = cause.map { HyperMeshErrorCause($0) }
    }
}

extension HyperMeshErrorCode where Domain == FleetError {
    /// A fleet option or a value read from etcd does not fit (a node id, a label, a key's JSON).
    public static var configurationInvalid: Self { Self("fleet.configuration_invalid", .invalidInput) }
    /// No rollout of that extension is recorded in etcd.
    public static var rolloutUnknown: Self { Self("fleet.rollout_unknown", .notFound) }
    /// Another writer changed the rollout between our read and our write (the etcd transaction's
    /// comparison failed), or a rollout of the extension is still running.
    public static var rolloutConflict: Self { Self("fleet.rollout_conflict", .conflict) }
    /// The package could not be brought into the store from any peer nor from the registry (the
    /// last failure is the cause).
    public static var pullFailed: Self { Self("fleet.pull_failed", .unavailable) }
    /// A peer served bytes whose digest is not the one asked for, or a package that does not verify:
    /// it is avoided from then on.
    public static var peerRefused: Self { Self("fleet.peer_refused", .integrity) }
    /// The node could not activate (or roll back to) the version the rollout asks for.
    public static var activationFailed: Self { Self("fleet.activation_failed", .extensionFailed) }
    /// A rollout the caller waited for ended rolled back (a wave failed its health gate) or aborted.
    public static var rolledBack: Self { Self("fleet.rolled_back", .extensionFailed) }
    /// A rollout the caller waited for did not finish in the time given (it goes on).
    public static var waitTimedOut: Self { Self("fleet.wait_timed_out", .unavailable) }
}

extension FleetError {
    public static var knownCodes: [Code] {
        [.configurationInvalid, .rolloutUnknown, .rolloutConflict, .pullFailed, .peerRefused, .activationFailed, .rolledBack, .waitTimedOut]
    }
}
