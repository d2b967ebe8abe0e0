import HyperMeshErrors

/// A failure at the edges, before any extension is involved: a request the admin API refuses, a
/// node that cannot be reached, an argument the command line refuses (`cli.invalid_argument`,
/// ArgumentParser's `ValidationError` thrown where a command reports its own errors). Its category gives the HTTP status
/// (``HyperMeshErrorCategory/httpStatus``) and the CLI's exit code like every other error's.
package struct NodeError: HyperMeshError, Equatable {
    package let code: HyperMeshErrorCode<NodeError>
    /// The extension the request named, when there is one.
    package let extensionID: String?
    package let message: String
    private let storedCause: HyperMeshErrorCause?

    package init(_ code: HyperMeshErrorCode<NodeError>, extensionID: String? = nil, _ message: String, cause: String? = nil) {
        self.code = code
        self.extensionID = extensionID
        self.message = message
        self.storedCause = HyperMeshErrorCause(text: cause)
    }

    package var subject: String? { extensionID }
    package var underlyingError: (any Error & Sendable)? { storedCause?.error }

    package static var knownCodes: [HyperMeshErrorCode<NodeError>] {
        [.badRequest, .unauthorized, .notFound, .methodNotAllowed, .tooLarge, .shuttingDown, .unreachable, .badAnswer,
         .unexpectedAnswer, .documentMismatch, .probeFailed, .invalidArgument]
    }
}

extension HyperMeshErrorCode where Domain == NodeError {
    /// The request is malformed: a bad extension id, a body that is not the expected JSON, a bad
    /// query parameter.
    package static var badRequest: Self { Self("node.bad_request", .invalidInput) }
    /// The bearer token is missing or wrong.
    package static var unauthorized: Self { Self("node.unauthorized", .unauthenticated) }
    /// No such route.
    package static var notFound: Self { Self("node.not_found", .notFound) }
    /// The route exists, not with this method (the answer's `Allow` header lists the methods it has).
    package static var methodNotAllowed: Self { Self("node.method_not_allowed", .invalidInput) }
    /// The request body is over the route's limit.
    package static var tooLarge: Self { Self("node.too_large", .tooLarge) }
    /// The node is shutting down and takes no new calls.
    package static var shuttingDown: Self { Self("node.shutting_down", .unavailable) }
    /// No node answers where the command looked (`--node`, or the state dir's socket).
    package static var unreachable: Self { Self("node.unreachable", .unavailable) }
    /// The node answered 2xx with a document the CLI cannot decode (a version mismatch).
    package static var badAnswer: Self { Self("node.bad_answer", .internal) }
    /// A document that does not fit the admin API's document (docs/node-api.yaml): the node built
    /// an answer the document does not describe, or the CLI received one. A bug on one side.
    package static var documentMismatch: Self { Self("node.document_mismatch", .internal) }
    /// The node answered an error without the JSON error document (a proxy in between, a crash).
    package static var unexpectedAnswer: Self { Self("node.unexpected_answer", .unavailable) }
    /// An argument or option the command refuses (an unknown capability, a bad `--since`), also when
    /// the node's API passes it on.
    package static var invalidArgument: Self { Self("cli.invalid_argument", .invalidInput) }
    /// `hypermesh doctor` could not run the isolation probe.
    package static var probeFailed: Self { Self("isolation.probe_failed", .unavailable) }
}
