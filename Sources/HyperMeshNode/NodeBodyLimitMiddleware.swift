import HyperMeshCLI
import Hummingbird

/// Answers 413 (`node.too_large`) at once to a request whose `Content-Length` is over its route's
/// body limit, before the body is read and before the token is checked: a client cannot make the
/// node wait for (or buffer) a body it would refuse anyway, with or without a token. The answer
/// says `Connection: close`.
///
/// Limits: ``NodeAPI/maximumCallBodyBytes`` (16 MiB) for a call, ``NodeAPI/maximumOtherBodyBytes``
/// (1 MiB) for every other request. (A `Content-Length` that is not a number is answered 400 by the
/// HTTP parser before this runs; should one get here, it counts as over every limit.)
///
/// Once the answer is written, what the client keeps sending is read and thrown away, up to
/// ``maximumDiscardedBytes`` (32 MiB), so that a client that writes its whole body before reading
/// (like `hypermesh`'s own client) gets the answer instead of a broken pipe; then the connection
/// is closed. Not guaranteed: a body sent without `Content-Length` (chunked) is only refused when the
/// route reads past its limit.
struct NodeBodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The most bytes of a refused body read (and thrown away) after the answer.
    static var maximumDiscardedBytes: Int { 32 << 20 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let declared = request.headers[.contentLength] else { return try await next(request, context) }
        let limit = Self.limit(forPath: request.uri.path)
        if let length = Int(declared.trimmingCharacters(in: .whitespaces)), length >= 0, length <= limit {
            return try await next(request, context)
        }
        let record = ErrorRecord(NodeError(.tooLarge,
                                           "the request body (Content-Length: \(declared)) is over this route's limit of \(limit) bytes; nothing of it was read"))
        let document = ByteBuffer(bytes: NodeErrorResponse.encoded(["error": record]))
        let body = request.body
        return Response(status: .contentTooLarge, headers: [.contentType: "application/json", .connection: "close"],
                        body: ResponseBody(contentLength: document.readableBytes) { writer in
                            try await writer.write(document)
                            try await writer.finish(nil)
                            await Self.discard(body)
                        })
    }

    /// Reads and drops what is left of a refused body, up to ``maximumDiscardedBytes``.
    static func discard(_ body: RequestBody) async {
        var discarded = 0
        do {
            for try await buffer in body {
                discarded += buffer.readableBytes
                if discarded > maximumDiscardedBytes { return }
            }
        } catch {
            return
        }
    }

    /// The body limit of the route at `path`: the call limit for `/v1/extensions/<id>/call/<method>`.
    static func limit(forPath path: String) -> Int {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", "v1", "extensions", id, "call", method
        if components.count == 6, components[1] == "v1", components[2] == "extensions", components[4] == "call" {
            return NodeAPI.maximumCallBodyBytes
        }
        return NodeAPI.maximumOtherBodyBytes
    }
}
