import Foundation
import HTTPTypes
import HyperMeshErrors
import HyperMeshNodeClient
import OpenAPIRuntime

/// The running node a command acts on, through the client generated from docs/node-api.yaml: the
/// one named with `--node`, else one answering on the default socket of the state dir; none with
/// `--offline`. The token comes from `$HYPERMESH_NODE_TOKEN` or the state dir's `node.token`.
///
/// One error model: an error answer of the node (the document's error envelope) is thrown as the
/// same ``ErrorRecord`` a local failure gives (same code, category and exit code); no answer at all
/// is `node.unreachable`; an answer the document does not describe is `node.bad_answer` or
/// `node.unexpected_answer`.
package struct NodeConnection: Sendable {
    package let endpoint: NodeEndpoint
    package let client: Client

    package init(endpoint: NodeEndpoint, token: String?, timeout: Duration = .seconds(300)) throws {
        self.endpoint = endpoint
        self.client = try NodeAPIClient.make(endpoint: endpoint, token: token, timeout: timeout, middlewares: [NodeErrorDocumentMiddleware()])
    }

    package static func client(for host: HostOptions, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> NodeConnection? {
        if host.offline { return nil }
        let state = host.resolvedStateDirectory(environment: environment)
        let token = environment["HYPERMESH_NODE_TOKEN"] ?? NodeToken.read(stateDirectory: state)
        if let named = host.node {
            let endpoint: NodeEndpoint
            do { endpoint = try NodeEndpoint(parsing: named) } catch { throw NodeError(.invalidArgument, error.description) }
            guard await NodeAPIClient.isReachable(endpoint) else {
                throw NodeError(.unreachable, "no node answers on \(named)",
                                cause: "start one with `hypermesh serve`, or drop --node to work offline on the state dir")
            }
            return try NodeConnection(endpoint: endpoint, token: token)
        }
        let endpoint = NodeEndpoint.defaultSocket(stateDirectory: state)
        guard FileManager.default.fileExists(atPath: state.appendingPathComponent("node.sock").path), await NodeAPIClient.isReachable(endpoint) else {
            return nil
        }
        return try NodeConnection(endpoint: endpoint, token: token)
    }

    /// Runs one operation of the generated client, with the errors of the type's documentation.
    package func perform<Result>(_ operation: String, _ body: (Client) async throws -> Result) async throws -> Result {
        do {
            return try await body(client)
        } catch let error as ClientError {
            switch error.underlyingError {
            case let record as ErrorRecord: throw record
            case let error as NodeError: throw error
            default: break
            }
            if error.response != nil {
                throw NodeError(.badAnswer, "the node's answer to \(operation) is not the API document's", cause: "\(error.underlyingError)")
            }
            throw NodeError(.unreachable, "no answer from the node on \(endpoint) to \(operation)", cause: "\(error.underlyingError)")
        }
    }

    /// An answer the generated client decoded but the command does not expect (a 2xx other than
    /// 200, say): `node.unexpected_answer`.
    package static func unexpected(_ operation: String, _ output: some Sendable) -> NodeError {
        NodeError(.unexpectedAnswer, "the node's answer to \(operation) is not one the CLI expects", cause: "\(output)")
    }
}

/// Turns a node's error answer (any status outside 2xx) into the error it carries: the document's
/// `Error` envelope becomes an ``ErrorRecord`` with the node's code, category and message; an
/// answer without the envelope is `node.unexpected_answer` with the start of its body.
struct NodeErrorDocumentMiddleware: ClientMiddleware {
    /// Most bytes of an error answer read: 1 MiB.
    static let maximumErrorBytes = 1 << 20

    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.kind != .successful else { return (response, responseBody) }
        let bytes: [UInt8]
        if let responseBody {
            bytes = try await [UInt8](collecting: responseBody, upTo: Self.maximumErrorBytes)
        } else {
            bytes = []
        }
        if let envelope = try? JSONDecoder().decode(Components.Schemas._Error.self, from: Data(bytes)) {
            throw ErrorRecord(envelope.error)
        }
        throw NodeError(.unexpectedAnswer, "the node answered HTTP \(response.status.code) without an error document",
                        cause: String(decoding: bytes.prefix(500), as: UTF8.self))
    }
}

extension ErrorRecord {
    /// The error a node sent, with its code, category and message.
    init(_ detail: Components.Schemas.ErrorDetail) {
        self.init(code: detail.code, category: HyperMeshErrorCategory(rawValue: detail.category.rawValue) ?? .internal,
                  extension: detail._extension, message: detail.message,
                  causes: detail.causes.map { Cause(code: $0.code, category: $0.category, message: $0.message) })
        if let cause = detail.cause { self.cause = cause }
    }
}
