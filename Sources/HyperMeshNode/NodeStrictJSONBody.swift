package import Foundation
import HTTPTypes
import HyperMeshCLI
import HyperMeshStrictJSON
package import OpenAPIRuntime

/// Reads the JSON request bodies of the admin API (a grant's decision) strictly, before the
/// generated layer decodes them: with the project's strict parser (``JSONParser``), a duplicate key
/// or an explicit `null` is refused with 400 `node.bad_request`. The generated decoder would take
/// the last of two duplicate keys, and read `"deny": null` as an absent `deny`; no field of the
/// document is nullable. Bodies of other content types are passed on untouched, and so is a call's
/// input whatever its content type says: the document passes it to the extension unchanged (the
/// extension judges it, and a call's body may be larger than the admin routes' limit).
struct NodeStrictJSONBody: ServerMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        guard let body, operationID != Operations.CallExtension.id,
              request.headerFields[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            return try await next(request, body, metadata)
        }
        let bytes = try await [UInt8](collecting: body, upTo: NodeAPI.maximumOtherBodyBytes)
        let value: JSONValue
        do {
            value = try JSONParser.parse(Data(bytes))
        } catch {
            throw NodeError(.badRequest, "the body is not JSON (\(operationID)): \(error.description)")
        }
        if let problem = Self.problem(in: value, path: "$") {
            throw NodeError(.badRequest, "the body does not fit the API document (\(operationID)): \(problem)")
        }
        return try await next(request, HTTPBody(bytes), metadata)
    }

    /// The first duplicate key or `null` in `value`, with its JSON path.
    static func problem(in value: JSONValue, path: String) -> String? {
        switch value {
        case .null:
            return "\(path) is null; leave the field out instead"
        case .object(let members):
            var seen: Set<String> = []
            for member in members {
                guard seen.insert(member.key).inserted else { return "\(path) has the key \"\(member.key)\" twice" }
                if let problem = problem(in: member.value, path: "\(path).\(member.key)") { return problem }
            }
            return nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let problem = problem(in: element, path: "\(path)[\(index)]") { return problem }
            }
            return nil
        case .string, .number, .bool:
            return nil
        }
    }
}
