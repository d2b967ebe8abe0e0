import Foundation
/// Parses a complete HTTP/1.1 response (read until the server closed the connection): status
/// line, headers, and a body framed by `Content-Length`, by chunked transfer coding, or by the
/// end of the connection.
enum HTTPResponseParser {
    static func parse(_ bytes: [UInt8]) throws(HTTPClient.Failure) -> HTTPClient.Response {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
            throw .malformed("the response has no complete header")
        }
        guard let head = String(validating: bytes[0..<headEnd], as: UTF8.self) else { throw .malformed("the header is not UTF-8") }
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]), (100...599).contains(status) else {
            throw .malformed("bad status line")
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("bad header line '\(line)'") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let rest = Array(bytes[(headEnd + 4)...])
        let header = { (name: String) in headers.first { $0.0.lowercased() == name }?.1 }
        if header("transfer-encoding")?.lowercased() == "chunked" {
            return HTTPClient.Response(status: status, headers: headers, body: try dechunk(rest))
        }
        if let length = header("content-length") {
            guard let count = Int(length), count >= 0, count <= rest.count else { throw .malformed("the body is shorter than its Content-Length") }
            return HTTPClient.Response(status: status, headers: headers, body: Array(rest[0..<count]))
        }
        return HTTPClient.Response(status: status, headers: headers, body: rest)
    }

    static func dechunk(_ bytes: [UInt8]) throws(HTTPClient.Failure) -> [UInt8] {
        var body: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: index),
                  let sizeText = String(validating: bytes[index..<lineEnd], as: UTF8.self)?.split(separator: ";").first,
                  let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw .malformed("bad chunk size")
            }
            index = lineEnd + 2
            if size == 0 { return body }
            guard index + size + 2 <= bytes.count else { throw .malformed("a chunk is cut short") }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], Array(bytes[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}
