import HyperMeshCLI
import HyperMeshErrors
import Hummingbird
package import OpenAPIRuntime

/// Turns what is refused outside the operations into the admin API's JSON error, like every other
/// error of the node:
/// - no such route: 404 `node.not_found`; a route of the document without this method: 405
///   `node.method_not_allowed` with `Allow` listing the methods it has (``NodeRouteTable``);
/// - a request the generated layer cannot decode (a query parameter or body that does not fit the
///   document): 400 `node.bad_request`, saying what does not fit;
/// - any other error: its category's status (an untyped one is 500 `internal.untyped_error`).
struct NodeErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: NodeRouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            // The operations answer their own errors; what reaches here failed in the generated
            // layer. Before the operation ran (no input): the request does not fit the document.
            if let typed = error.underlyingError as? any HyperMeshError { return NodeErrorResponse.response(typed) }
            if error.operationInput == nil {
                return NodeErrorResponse.response(NodeError(.badRequest, "the request does not fit the API document (\(error.operationID)): \(error.causeDescription)",
                                                            cause: "\(error.underlyingError)"))
            }
            return NodeErrorResponse.response(NodeError(.documentMismatch, "the answer to \(error.operationID) could not be sent: \(error.causeDescription)",
                                                        cause: "\(error.underlyingError)"))
        } catch let error as any HTTPResponseError {
            switch error.status {
            case .notFound:
                let allowed = routes.methods(forPath: request.uri.path)
                if !allowed.isEmpty {
                    let list = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                    return NodeErrorResponse.response(NodeError(.methodNotAllowed, "\(request.method.rawValue) is not a method of \(request.uri.path); it has \(list)"),
                                                      status: .methodNotAllowed, headers: [.allow: list])
                }
                return NodeErrorResponse.response(NodeError(.notFound, "no route \(request.method.rawValue) \(request.uri.path); see docs/node-api.yaml"))
            case .contentTooLarge:
                return NodeErrorResponse.response(NodeError(.tooLarge, "the request body is over this route's limit"))
            default:
                return NodeErrorResponse.response(NodeError(.badRequest, (error as? HTTPError)?.body ?? error.status.reasonPhrase))
            }
        } catch {
            return NodeErrorResponse.response(error)
        }
    }
}
