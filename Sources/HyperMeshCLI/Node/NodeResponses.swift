import Foundation
import HyperMeshErrors
import Hummingbird

/// JSON responses of the admin API: documents encoded like the CLI's `--json` output, and errors
/// as `{"error": {"code", "category", "extension", "message", "cause", "causes"}}` (``ErrorRecord``).
enum NodeResponses {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = encoded(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// An error as the JSON error document. What the HTTP layer refuses (no such route, a body over
    /// the limit, which NIO reports as its own error type) keeps its status and gets a `node.*` code.
    /// A document as the admin API encodes it: sorted keys, ISO 8601 dates, `{}` if it cannot be encoded.
    static func encoded(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// The status is the error category's (``HyperMeshErrorCategory/httpStatus``), for every error.
    static func error(_ error: any Error) -> Response {
        if let http = error as? any HTTPResponseError {
            let code: HyperMeshErrorCode<NodeError> = switch http.status {
            case .notFound: .notFound
            case .contentTooLarge: .tooLarge
            case .methodNotAllowed: .methodNotAllowed
            default: .badRequest
            }
            let message = (http as? HTTPError)?.body ?? http.status.reasonPhrase
            return json(["error": ErrorRecord(NodeError(code, message))], status: http.status)
        }
        let record = ErrorRecord(error)
        return json(["error": record], status: HTTPResponse.Status(code: record.resolvedCategory.httpStatus))
    }

    static func error(_ code: HyperMeshErrorCode<NodeError>, _ message: String, extension id: String? = nil) -> Response {
        error(NodeError(code, extensionID: id, message))
    }

    static func bytes(_ bytes: [UInt8], contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
