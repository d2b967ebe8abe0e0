import GRDB

/// A row of `audit_record` exactly as stored, before any interpretation, so that verification
/// can hash what is on disk and a damaged row never crashes the reader.
struct AuditStoredRow {
    /// The columns to select, in the order ``init(_:)`` reads them.
    static let selection = """
        sequence, time_ms, CAST(kind AS BLOB), CAST(extension_id AS BLOB), CAST(message AS BLOB), \
        CAST(details AS BLOB), CAST(previous_hash AS BLOB), CAST(hash AS BLOB)
        """

    let sequence: Int64
    /// `nil` when the stored value is not an integer.
    let timeMilliseconds: Int64?
    let kind: String
    let extensionID: String?
    let message: String
    let detailsJSON: String
    let previousHash: String
    let hash: String

    init(_ row: Row) {
        sequence = Self.integer(row[0]) ?? 0
        timeMilliseconds = Self.integer(row[1])
        kind = AuditSQLText.string(row, 2) ?? ""
        extensionID = AuditSQLText.string(row, 3)
        message = AuditSQLText.string(row, 4) ?? ""
        detailsJSON = AuditSQLText.string(row, 5) ?? ""
        previousHash = AuditSQLText.string(row, 6) ?? ""
        hash = AuditSQLText.string(row, 7) ?? ""
    }

    /// The value when it is stored as an INTEGER, else `nil`.
    static func integer(_ value: DatabaseValue) -> Int64? {
        guard case .int64(let integer) = value.storage else { return nil }
        return integer
    }

    /// The record this row describes; throws when a field cannot be interpreted.
    func record(path: String) throws(AuditError) -> AuditRecord {
        guard let timeMilliseconds else {
            throw AuditError.undecodableRecord(path: path, sequence: sequence, problem: "time_ms is not an integer")
        }
        guard let kind = AuditKind(rawValue: kind) else {
            throw AuditError.undecodableRecord(path: path, sequence: sequence, problem: "unknown kind '\(self.kind)'")
        }
        let details: [String: String]
        do {
            details = try AuditDetailsJSON.decode(detailsJSON)
        } catch {
            throw AuditError.undecodableRecord(
                path: path, sequence: sequence, problem: "details are not a JSON object of strings (\(error))")
        }
        return AuditRecord(
            sequence: sequence, time: AuditTime.date(milliseconds: timeMilliseconds), kind: kind,
            extensionID: extensionID, message: message, details: details, previousHash: previousHash, hash: hash)
    }
}
