import Foundation
import HyperMeshAudit
import HyperMeshExtensions

/// Where a host keeps its audit log: `audit.sqlite` in the state dir.
enum AuditLocation {
    static let fileName = "audit.sqlite"

    static func file(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent(fileName)
    }

    static func open(stateDirectory: URL) throws -> AuditLog {
        do {
            return try AuditLog(file: file(stateDirectory: stateDirectory))
        } catch {
            throw ExtensionError(.auditFailed, extensionID: nil, "cannot open the audit log", cause: error.description)
        }
    }
}
