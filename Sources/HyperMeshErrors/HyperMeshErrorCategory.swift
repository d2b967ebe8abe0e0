/// What kind of failure an error is, independent of which component raised it. Every edge of the
/// runtime derives its answer from the category alone: the node's HTTP status (``httpStatus``) and
/// the CLI's exit code (``exitCode``); the `--json` error document carries it as ``rawValue``.
///
/// The raw values are stable (they appear in JSON documents and the HTTP API). Categories are a
/// closed set on purpose, so that every edge maps each of them; a new category is a new minor
/// version of the runtime. Codes, not categories, are the extensible part (``HyperMeshErrorCode``).
public enum HyperMeshErrorCategory: String, Sendable, Hashable, CaseIterable {
    /// The request, a file or a document is malformed or breaks a rule (a bad manifest, a policy
    /// value of the wrong type, an unknown argument). Fix the input and try again.
    case invalidInput = "invalid_input"
    /// The caller did not prove who it is (the node's bearer token is missing or wrong).
    case unauthenticated
    /// The operator's policy or a security state refuses the act (capability not granted, extension
    /// suspended, a quota spent).
    case forbidden
    /// The thing named does not exist (an extension, a route, a file).
    case notFound = "not_found"
    /// The request clashes with the current state (not active, already registered, depended upon,
    /// a grant still pending, another transition in progress).
    case conflict
    /// A request or a document is larger than its limit.
    case tooLarge = "too_large"
    /// More requests than the rate limit admits; retry later.
    case rateLimited = "rate_limited"
    /// The extension itself failed: its method returned an error, it trapped, crashed or passed its
    /// deadline. The host is fine.
    case extensionFailed = "extension_failed"
    /// Something that must be intact is not: a package differs from its signed digests, a
    /// signature does not verify, a certificate or package is revoked, the audit chain is broken.
    case integrity
    /// A service needed is not there or not answering (the node, the state database, a worker, a
    /// confinement layer the operator requires). Retrying later may help.
    case unavailable
    /// A failure of the host itself or its environment (a file that cannot be written, a bug).
    case `internal`

    /// The HTTP status the node answers with for an error of this category.
    ///
    /// invalidInput 400, unauthenticated 401, forbidden 403, notFound 404, conflict 409, tooLarge 413,
    /// extensionFailed 422, integrity 422, rateLimited 429, internal 500, unavailable 503.
    public var httpStatus: Int {
        switch self {
        case .invalidInput: 400
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .tooLarge: 413
        case .extensionFailed, .integrity: 422
        case .rateLimited: 429
        case .internal: 500
        case .unavailable: 503
        }
    }

    /// The process exit code of a `hypermesh` command that fails with an error of this category.
    ///
    /// - 1 (``HyperMeshExitCode/refused``): the request was refused or is invalid — invalid input,
    ///   not found, conflict, forbidden, unauthenticated, too large, rate limited, or the
    ///   extension's own failure.
    /// - 2 (``HyperMeshExitCode/integrityFailure``): tampering — a digest, a signature, a revocation
    ///   or the audit chain.
    /// - 69 (``HyperMeshExitCode/unavailable``, `EX_UNAVAILABLE`): the node or a service is not
    ///   answering.
    /// - 70 (``HyperMeshExitCode/internalFailure``, `EX_SOFTWARE`): a failure of the host itself.
    ///
    /// 0 is success and 64 (`EX_USAGE`) stays ArgumentParser's code for a usage error.
    public var exitCode: Int32 {
        switch self {
        case .invalidInput, .unauthenticated, .forbidden, .notFound, .conflict, .tooLarge, .rateLimited, .extensionFailed:
            HyperMeshExitCode.refused
        case .integrity: HyperMeshExitCode.integrityFailure
        case .unavailable: HyperMeshExitCode.unavailable
        case .internal: HyperMeshExitCode.internalFailure
        }
    }
}

/// The exit codes of the `hypermesh` command, as documented in the README and `docs/errors.md`.
public enum HyperMeshExitCode {
    /// Success.
    public static let success: Int32 = 0
    /// Refused or invalid: the command could not do what was asked (see ``HyperMeshErrorCategory/exitCode``).
    public static let refused: Int32 = 1
    /// An integrity failure: a tampered package, a signature that does not verify, a broken audit chain.
    public static let integrityFailure: Int32 = 2
    /// ArgumentParser's code for a usage error (unknown option, missing argument), `EX_USAGE`.
    public static let usage: Int32 = 64
    /// The node (or another service) is unreachable, `EX_UNAVAILABLE`.
    public static let unavailable: Int32 = 69
    /// An internal failure of the host, `EX_SOFTWARE`.
    public static let internalFailure: Int32 = 70
}
