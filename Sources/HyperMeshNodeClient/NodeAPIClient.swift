import AsyncHTTPClient
package import Foundation
import HTTPTypes
import NIOCore
import OpenAPIAsyncHTTPClient
package import OpenAPIRuntime

/// Builds the generated admin API ``Client`` (docs/node-api.yaml) for a node's endpoint, over
/// async-http-client's shared `HTTPClient`.
///
/// The server URL: for TCP `http://HOST:PORT`; for a Unix socket `http+unix://<the socket path,
/// percent-encoded>`, async-http-client's own scheme for a socket (the path is the URL's host, so
/// every `/` in it is encoded as `%2F`). The generated client appends each operation's path to
/// that URL. The document's own `servers` entries (`http://node`, `http://127.0.0.1:7420`) are not
/// used: neither names the socket, which only the caller knows.
///
/// Not guaranteed: a timeout below one second (async-http-client's `TimeAmount` is used as given).
package enum NodeAPIClient {
    /// A client for `endpoint`, sending `token` (if any) as `Authorization: Bearer`. `timeout` is the
    /// most a request may take in all (default 300 seconds: a call into an extension may take long).
    package static func make(endpoint: NodeEndpoint, token: String?, timeout: Duration = .seconds(300),
                             middlewares: [any ClientMiddleware] = []) throws -> Client {
        let transport = AsyncHTTPClientTransport(configuration: .init(client: .shared, timeout: TimeAmount(timeout)))
        var all: [any ClientMiddleware] = []
        if let token { all.append(BearerTokenMiddleware(token: token)) }
        all += middlewares
        return Client(serverURL: try serverURL(for: endpoint), transport: transport, middlewares: all)
    }

    /// The base URL every operation's path is appended to (see the type's documentation).
    package static func serverURL(for endpoint: NodeEndpoint) throws -> URL {
        let text: String
        switch endpoint {
        case .unixSocket(let path):
            let encoded = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? path
            text = "http+unix://\(encoded)"
        case .tcp(let host, let port):
            text = host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        }
        guard let url = URL(string: text) else { throw NodeEndpointError(text: endpoint.description) }
        return url
    }

    /// Whether a node answers `GET /v1/health` on `endpoint` within `timeout` (default one second),
    /// whatever the answer (401 included): something that speaks HTTP listens there.
    package static func isReachable(_ endpoint: NodeEndpoint, timeout: Duration = .seconds(1)) async -> Bool {
        guard let client = try? make(endpoint: endpoint, token: nil, timeout: timeout) else { return false }
        do {
            _ = try await client.health()
            return true
        } catch let error as ClientError {
            // An answer that arrived but is not the document (a 401 error document, say) still answers.
            return error.response != nil
        } catch {
            return false
        }
    }
}

/// Sends `Authorization: Bearer <token>` with every request (the node's admin token, node.token).
package struct BearerTokenMiddleware: ClientMiddleware {
    let token: String

    package init(token: String) { self.token = token }

    package func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                           next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
