/// The errors the log raises, with their messages in one place.
extension AuditError {
    static func openFailed(path: String, cause: any Error) -> AuditError {
        AuditError(
            code: .openFailed,
            message: "Could not open the audit log at \(path). Check that the folder is writable and that the "
                + "file is an audit log database; if it is another kind of file or is damaged, move it aside "
                + "(keep it as evidence) and open a new log, or restore it from a backup.",
            cause: String(describing: cause))
    }

    static func writeFailed(path: String, count: Int, cause: any Error) -> AuditError {
        AuditError(
            code: .writeFailed,
            message: "Could not commit \(count) audit record(s) to \(path); they were not written. Check free "
                + "disk space and file permissions, and that no other program holds a write lock on the file; "
                + "then append the entry again.",
            cause: String(describing: cause))
    }

    static func enqueuedRecordsLost(path: String, lostCount: Int, cause: AuditError) -> AuditError {
        AuditError(
            code: .writeFailed,
            message: "\(lostCount) enqueued audit record(s) could not be committed to \(path) and are lost. "
                + "Fix the cause below; later entries are written normally. If this error came from append, "
                + "that entry was not appended: append it again.",
            cause: cause.description)
    }

    static func headMissing(path: String) -> AuditError {
        AuditError(
            code: .writeFailed,
            message: "The head row of the audit log at \(path) is missing, so the chain cannot be continued "
                + "safely: the file was changed outside AuditLog. Run verify() and investigate; keep the file "
                + "as evidence and start a new log at another path.")
    }

    static func readFailed(path: String, cause: any Error) -> AuditError {
        AuditError(
            code: .readFailed,
            message: "Could not read the audit log at \(path). Check that the file still exists and is readable; "
                + "if it is damaged, run verify() to locate the damage.",
            cause: String(describing: cause))
    }

    static func undecodableRecord(path: String, sequence: Int64, problem: String) -> AuditError {
        AuditError(
            code: .readFailed,
            message: "Record \(sequence) of the audit log at \(path) cannot be decoded: \(problem). The file was "
                + "written by a newer version or changed outside AuditLog; run verify() to check the chain.")
    }

    static func closed(path: String) -> AuditError {
        AuditError(
            code: .closed,
            message: "The audit log at \(path) was closed. Open a new AuditLog on the file to use it again.")
    }
}
