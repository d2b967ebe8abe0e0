/// Compares the newest record with the head row, which is moved in the same transaction as every
/// batch, to find deleted or added newest records and a changed head.
enum AuditHeadCheck {
    static func problems(
        newest: (sequence: Int64, hash: String)?, headSequence: Int64?, headHash: String?, headExists: Bool
    ) -> [AuditProblem] {
        let newestSequence = newest?.sequence ?? 0
        let newestHash = newest?.hash ?? AuditRecord.genesisHash
        guard headExists, let headSequence, let headHash else {
            return [AuditProblem(
                kind: .headMismatch, sequence: newestSequence, relatedSequence: nil,
                message: "The head row is missing or unreadable, so deleting the newest records cannot be "
                    + "ruled out; the newest record in the table is \(newestSequence).")]
        }
        if headSequence == newestSequence && headHash == newestHash { return [] }
        let found: String
        if headSequence > newestSequence {
            let first = newestSequence + 1
            let missing = first == headSequence ? "record \(first) was" : "records \(first) through \(headSequence) were"
            found = "the head names record \(headSequence) but the newest record is \(newestSequence): \(missing) deleted"
        } else if headSequence < newestSequence {
            found = "the newest record is \(newestSequence) but the head names \(headSequence): records after "
                + "\(headSequence) were added outside AuditLog, or the head was set back"
        } else {
            found = "the head's hash \(headHash) differs from record \(newestSequence)'s hash \(newestHash): the "
                + "newest record or the head was changed"
        }
        return [AuditProblem(
            kind: .headMismatch, sequence: newestSequence, relatedSequence: headSequence,
            message: "The head does not match the chain: \(found).")]
    }
}
