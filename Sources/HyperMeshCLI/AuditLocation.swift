import Foundation
import HyperMeshAudit

/// Where a host keeps its audit log: `audit.sqlite` in the state dir.
enum AuditLocation {
    static let fileName = "audit.sqlite"

    static func file(stateDirectory: URL) -> URL {
        stateDirectory.appendingPathComponent(fileName)
    }

    static func open(stateDirectory: URL) throws -> AuditLog {
        // An AuditError passes through with its own code (audit.open_failed), not re-coded.
        try AuditLog(file: file(stateDirectory: stateDirectory))
    }
}
