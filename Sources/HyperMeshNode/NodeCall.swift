import HyperMeshCLI
import HyperMeshExtensions

/// `POST /v1/extensions/{id}/call/{method}`: a call into an active extension. A node does not
/// activate on demand (an operator's `deactivate` stops the traffic); a refused call says why the
/// extension does not serve: unknown, a broken package, suspended, waiting for a grant, or not active.
enum NodeCall {
    static func call(_ node: NodeRuntime, id: String, method: String, input: [UInt8]) async throws -> [UInt8] {
        do {
            return try await node.registry.call(id, method: method, input: input)
        } catch {
            guard error.code == .notActive || error.code == .unknownExtension else { throw error }
            try await node.session.requireUsable(id)
            if case .suspended(let reason) = try await node.registry.state(of: id) {
                throw ExtensionError(.suspended, extensionID: id, "the extension is suspended (\(reason)); an operator must resume it: hypermesh ext resume \(id)")
            }
            let pending = try await node.registry.info(id).grant.pending.map(\.rawValue).sorted()
            if !pending.isEmpty {
                throw ExtensionError(.grantPending, extensionID: id,
                                     "the extension waits for the operator's decision on \(pending.joined(separator: ", ")): hypermesh ext grant \(id) \(pending.joined(separator: " ")), then hypermesh ext activate \(id)")
            }
            throw ExtensionError(.notActive, extensionID: id, "the extension is not active on this node (\(try await node.registry.state(of: id).name)); activate it with `hypermesh ext activate \(id)`")
        }
    }
}
