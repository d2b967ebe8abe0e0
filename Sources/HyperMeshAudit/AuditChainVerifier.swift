import GRDB

/// Walks `audit_record` in sequence order, recomputing every hash and link, then compares the
/// newest record with the head row. Reads one snapshot, so concurrent appends do not disturb it.
struct AuditChainVerifier {
    private var hasher = AuditRecordHasher()
    private var problems: [AuditProblem] = []
    private var previous: (sequence: Int64, hash: String)?
    private var recordCount: Int64 = 0

    mutating func verify(_ db: Database) throws -> AuditVerification {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT \(AuditStoredRow.selection) FROM audit_record ORDER BY sequence")
        while let row = try rows.next() {
            let stored = AuditStoredRow(row)
            recordCount += 1
            checkSequence(of: stored)
            checkContent(of: stored)
            checkLink(of: stored)
            previous = (stored.sequence, stored.hash)
        }
        let head = try Row.fetchOne(db, sql: "SELECT last_sequence, CAST(last_hash AS BLOB) FROM audit_head WHERE id = 1")
        let headSequence = head.flatMap { AuditStoredRow.integer($0[0]) }
        let headHash = head.flatMap { AuditSQLText.string($0, 1) }
        problems += AuditHeadCheck.problems(
            newest: previous, headSequence: headSequence, headHash: headHash, headExists: head != nil)
        return AuditVerification(
            recordCount: recordCount, headSequence: headSequence ?? 0,
            headHash: headHash ?? AuditRecord.genesisHash, problems: problems)
    }

    private mutating func checkSequence(of stored: AuditStoredRow) {
        let before = previous?.sequence ?? 0
        let expected = before + 1
        if stored.sequence > expected {
            let missing = expected == stored.sequence - 1
                ? "record \(expected) is missing" : "records \(expected) through \(stored.sequence - 1) are missing"
            problems.append(AuditProblem(
                kind: .sequenceGap, sequence: stored.sequence, relatedSequence: before,
                message: "Sequence jumps from \(before) to \(stored.sequence): \(missing) (deleted)."))
        } else if stored.sequence < expected {
            problems.append(AuditProblem(
                kind: .sequenceGap, sequence: stored.sequence, relatedSequence: before,
                message: "Record \(stored.sequence) is out of range: sequences start at 1."))
        }
    }

    private mutating func checkContent(of stored: AuditStoredRow) {
        let found: String
        if let timeMilliseconds = stored.timeMilliseconds,
           let details = try? AuditDetailsJSON.decode(stored.detailsJSON) {
            let computed = hasher.hash(
                sequence: stored.sequence, timeMilliseconds: timeMilliseconds, kind: stored.kind,
                extensionID: stored.extensionID, message: stored.message, details: details,
                previousHash: stored.previousHash)
            if computed == stored.hash { return }
            found = "its content hashes to \(computed) but the stored hash is \(stored.hash)"
        } else if stored.timeMilliseconds == nil {
            found = "its time_ms is not an integer"
        } else {
            found = "its details are not a JSON object of strings"
        }
        problems.append(AuditProblem(
            kind: .edited, sequence: stored.sequence, relatedSequence: nil,
            message: "Record \(stored.sequence) was edited: \(found)."))
    }

    private mutating func checkLink(of stored: AuditStoredRow) {
        let expected = previous?.hash ?? AuditRecord.genesisHash
        guard stored.previousHash != expected else { return }
        let before = previous.map { "the hash of record \($0.sequence), \($0.hash)" }
            ?? "64 zeros, as the first record's must"
        problems.append(AuditProblem(
            kind: .brokenLink, sequence: stored.sequence, relatedSequence: previous?.sequence,
            message: "Record \(stored.sequence)'s previous hash \(stored.previousHash) is not \(before): a record "
                + "was inserted or deleted before it, or the record before it was re-hashed after an edit."))
    }
}
