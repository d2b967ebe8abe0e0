import Foundation
import HyperMeshTrust

/// Where the operator's trust store is: `--trust-store`, else `$HYPERMESH_TRUST_STORE`, else
/// `trust/` in the state directory.
enum TrustStoreLocation {
    static func resolve(explicit: String?, stateDirectory: URL,
                        environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let fromEnvironment = environment["HYPERMESH_TRUST_STORE"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        return TrustStore.defaultDirectory(stateDirectory: stateDirectory)
    }
}
