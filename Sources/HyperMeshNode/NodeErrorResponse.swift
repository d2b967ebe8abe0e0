package import Foundation
import HyperMeshCLI
import HyperMeshErrors
import Hummingbird

/// The error envelope of docs/node-api.yaml as a Hummingbird response, for what answers before an
/// operation runs (the middleware: token, body limit, no such route or method, a request that does
/// not fit the document). The status is the error category's (``HyperMeshErrorCategory/httpStatus``)
/// unless `status` is given (405 for `node.method_not_allowed`, whose category is `invalid_input`).
enum NodeErrorResponse {
    static func response(_ error: any Error, status: HTTPResponse.Status? = nil, headers: HTTPFields = [:]) -> Response {
        let record = ErrorRecord(error)
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status ?? HTTPResponse.Status(code: record.resolvedCategory.httpStatus), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: encoded(["error": record]))))
    }

    /// A document as the admin API encodes it: sorted keys, ISO 8601 dates, `{}` if it cannot be encoded.
    static func encoded(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
