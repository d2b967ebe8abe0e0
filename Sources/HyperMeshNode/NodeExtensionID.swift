import HyperMeshCLI
import HyperMeshExtensions
import HyperMeshManifest

/// The extension a route names (`/v1/extensions/{id}/...`), checked before the route acts: an id
/// that does not follow the manifest's identifier rules (``IdentifierRules``) is `node.bad_request`
/// (400), naming the id and what is wrong with it; with ``registered(_:node:)``, an id the node has
/// not registered is `registry.unknown_extension` (404). Nothing is read or written for a refused id.
enum NodeExtensionID {
    /// `id`, if it is a valid extension identifier.
    static func valid(_ id: String) throws -> String {
        if let problem = IdentifierRules.extensionIDProblem(id) {
            throw NodeError(.badRequest, "'\(id)' is not a valid extension id: \(problem)")
        }
        return id
    }

    /// `id`, if it is valid and registered on this node.
    static func registered(_ id: String, node: NodeRuntime) async throws -> String {
        let id = try valid(id)
        guard await node.registry.registeredIDs.contains(id) else {
            throw ExtensionError(.unknownExtension, extensionID: id, "no extension with this id is registered on this node; see GET /v1/extensions")
        }
        return id
    }
}
