import Hummingbird
import OpenAPIHummingbird
package import OpenAPIRuntime
import Synchronization

/// The routes of the API document, as the generated server registers them (path template such as
/// `/v1/extensions/{id}`, and method), so that the node can answer 405 with an `Allow` header for
/// a method a path does not have, from the document itself rather than from a second list.
final class NodeRouteTable: Sendable {
    private let routes = Mutex<[(template: [Substring], method: HTTPRequest.Method)]>([])

    func add(path: String, method: HTTPRequest.Method) {
        routes.withLock { $0.append((Self.components(path), method)) }
    }

    /// The methods registered for the template `path` matches (`{name}` matches one non-empty component).
    func methods(forPath path: String) -> Set<HTTPRequest.Method> {
        let given = Self.components(path)
        return routes.withLock { routes in
            Set(routes.filter { route in
                route.template.count == given.count && zip(route.template, given).allSatisfy { template, part in
                    (template.hasPrefix("{") && template.hasSuffix("}") && !part.isEmpty) || template == part
                }
            }.map(\.method))
        }
    }

    private static func components(_ path: String) -> [Substring] {
        path.split(separator: "/", omittingEmptySubsequences: false)
    }
}

/// The transport the generated server registers its operations on: Hummingbird's router (through
/// swift-openapi-hummingbird), noting each route in a ``NodeRouteTable``.
struct NodeRecordingTransport: ServerTransport {
    let router: Router<BasicRequestContext>
    let table: NodeRouteTable

    func register(_ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
                  method: HTTPRequest.Method, path: String) throws {
        try router.register(handler, method: method, path: path)
        table.add(path: path, method: method)
    }
}
