import Hummingbird

/// Turns what the router itself refuses (no such route, a wrong method, a body over the limit) into
/// the admin API's JSON error, like every other error of the node.
struct NodeErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return NodeResponses.error(error)
        }
    }
}
