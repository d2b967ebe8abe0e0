import HyperMeshCLI
import Hummingbird

/// Admits a request only with `Authorization: Bearer <token>` when the node requires a token;
/// others get 401 with a JSON error. `/v1/health` is also guarded: nothing is public.
struct NodeAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// nil when the endpoint is a Unix socket, whose file mode (0600) is the access control.
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), NodeToken.matches(String(header.dropFirst(7)), token) else {
            return NodeErrorResponse.response(NodeError(.unauthorized,
                                                        header.isEmpty ? "this node requires a token: send Authorization: Bearer <the token in node.token of its state dir>"
                                                                       : "the token is wrong"))
        }
        return try await next(request, context)
    }
}
