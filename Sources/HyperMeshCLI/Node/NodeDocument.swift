import Foundation

/// Turns a document of one type into the same JSON document of another: the node answers with the
/// generated types of docs/node-api.yaml, built from the documents the CLI prints with `--json`
/// (``ExtensionDocuments``), and the CLI turns the generated types it receives back into those.
///
/// Both sides encode the way the admin API does (sorted keys, ISO 8601 dates with whole seconds).
/// A document that does not fit the target type (a field the API document does not declare as
/// required, a value outside an enum) fails with `node.document_mismatch` rather than being
/// passed on in another shape.
package enum NodeDocument {
    package static func convert<Target: Decodable>(_ value: some Encodable, to target: Target.Type = Target.self) throws -> Target {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(Target.self, from: try encoder.encode(value))
        } catch {
            throw NodeError(.documentMismatch, "a \(type(of: value)) does not fit the API document's \(Target.self)", cause: "\(error)")
        }
    }
}
