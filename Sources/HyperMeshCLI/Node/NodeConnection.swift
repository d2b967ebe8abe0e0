import Foundation

/// Finds the running node a command should act on: the one named with `--node`, else one answering
/// on the default socket of the state dir; none with `--offline`. The token comes from
/// `$HYPERMESH_NODE_TOKEN` or the state dir's `node.token`.
enum NodeConnection {
    static func client(for host: HostOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> NodeClient? {
        if host.offline { return nil }
        let state = host.resolvedStateDirectory(environment: environment)
        let token = environment["HYPERMESH_NODE_TOKEN"] ?? NodeToken.read(stateDirectory: state)
        if let named = host.node {
            let client = NodeClient(endpoint: try NodeEndpoint(parsing: named), token: token)
            guard client.isReachable() else {
                throw NodeError(.unreachable, "no node answers on \(named)",
                                cause: "start one with `hypermesh serve`, or drop --node to work offline on the state dir")
            }
            return client
        }
        let client = NodeClient(endpoint: .defaultSocket(stateDirectory: state), token: token)
        guard FileManager.default.fileExists(atPath: state.appendingPathComponent("node.sock").path), client.isReachable() else { return nil }
        return client
    }
}

extension NodeClient {
    /// Sends a request and decodes the JSON document of a 2xx answer; an error answer is thrown as
    /// its ``ErrorRecord`` (printed by the command like a local error).
    func document<Document: Decodable>(_ method: String, _ path: String, body: [UInt8] = [], as type: Document.Type) throws -> Document {
        let response = try send(method, path, body: body)
        try Self.check(response)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Document.self, from: Data(response.body))
        } catch {
            throw NodeError(.badAnswer, "the node's answer to \(method) \(path) is not the expected document", cause: "\(error)")
        }
    }

    /// Throws the error of a non-2xx answer.
    static func check(_ response: Response) throws {
        guard !(200..<300).contains(response.status) else { return }
        struct Envelope: Decodable { var error: ErrorRecord }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(response.body)) { throw envelope.error }
        throw NodeError(.unexpectedAnswer, "the node answered HTTP \(response.status) without an error document",
                          cause: String(decoding: response.body.prefix(500), as: UTF8.self))
    }

    /// `path` with each component percent-encoded.
    static func path(_ components: String...) -> String {
        "/" + components.map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? $0 }
            .joined(separator: "/")
    }
}
