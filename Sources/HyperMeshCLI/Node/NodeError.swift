import HyperMeshErrors

/// A failure at the edges, before any extension is involved: a request the admin API refuses, a
/// node that cannot be reached, an argument the command line refuses (`cli.invalid_argument`,
/// ArgumentParser's `ValidationError` thrown where a command reports its own errors). Its category gives the HTTP status
/// (``HyperMeshErrorCategory/httpStatus``) and the CLI's exit code like every other error's.
struct NodeError: HyperMeshError, Equatable {
    let code: HyperMeshErrorCode<NodeError>
    /// The extension the request named, when there is one.
    let extensionID: String?
    let message: String
    private let storedCause: HyperMeshErrorCause?

    init(_ code: HyperMeshErrorCode<NodeError>, extensionID: String? = nil, _ message: String, cause: String? = nil) {
        self.code = code
        self.extensionID = extensionID
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }

    var subject: String? { extensionID }
    var underlyingError: (any Error & Sendable)? { storedCause?.error }

    static var knownCodes: [HyperMeshErrorCode<NodeError>] {
        [.badRequest, .unauthorized, .notFound, .methodNotAllowed, .tooLarge, .shuttingDown, .unreachable, .badAnswer,
         .unexpectedAnswer, .probeFailed, .invalidArgument]
    }
}

extension HyperMeshErrorCode where Domain == NodeError {
    /// The request is malformed: a bad extension id, a body that is not the expected JSON, a bad
    /// query parameter.
    static var badRequest: Self { Self("node.bad_request", .invalidInput) }
    /// The bearer token is missing or wrong.
    static var unauthorized: Self { Self("node.unauthorized", .unauthenticated) }
    /// No such route.
    static var notFound: Self { Self("node.not_found", .notFound) }
    /// The route exists, not with this method.
    static var methodNotAllowed: Self { Self("node.method_not_allowed", .invalidInput) }
    /// The request body is over the route's limit.
    static var tooLarge: Self { Self("node.too_large", .tooLarge) }
    /// The node is shutting down and takes no new calls.
    static var shuttingDown: Self { Self("node.shutting_down", .unavailable) }
    /// No node answers where the command looked (`--node`, or the state dir's socket).
    static var unreachable: Self { Self("node.unreachable", .unavailable) }
    /// The node answered 2xx with a document the CLI cannot decode (a version mismatch).
    static var badAnswer: Self { Self("node.bad_answer", .internal) }
    /// The node answered an error without the JSON error document (a proxy in between, a crash).
    static var unexpectedAnswer: Self { Self("node.unexpected_answer", .unavailable) }
    /// An argument or option the command refuses (an unknown capability, a bad `--since`), also when
    /// the node's API passes it on.
    static var invalidArgument: Self { Self("cli.invalid_argument", .invalidInput) }
    /// `hypermesh doctor` could not run the isolation probe.
    static var probeFailed: Self { Self("isolation.probe_failed", .unavailable) }
}
