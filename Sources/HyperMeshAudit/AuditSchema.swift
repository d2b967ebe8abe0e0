import GRDB

/// The tables of the audit log, created and upgraded by a GRDB `DatabaseMigrator`.
///
/// - `audit_record`: one row per record. `sequence` is the primary key; `time_ms` is integer
///   milliseconds since 1970; `extension_id` is `NULL` when absent; `details` is the JSON text of
///   ``AuditDetailsJSON``; `previous_hash` and `hash` are 64 lowercase hex characters. The only
///   secondary index is on `time_ms`, which grows with the sequence, so each batch touches one
///   index page. An index on `extension_id` would touch one page per distinct extension in every
///   batch, which costs more write throughput than it saves in reads, so filtering by extension
///   (or kind) reads the whole table.
/// - `audit_head`: exactly one row (`id = 1`) holding the sequence and hash of the newest record
///   (0 and 64 zeros for an empty log). It is updated in the same transaction as every batch, so
///   deleting the newest records leaves a head that no longer matches the table.
enum AuditSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("audit_chain_v1") { db in
            try db.execute(sql: """
                CREATE TABLE audit_record (
                    sequence INTEGER PRIMARY KEY NOT NULL,
                    time_ms INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    extension_id TEXT,
                    message TEXT NOT NULL,
                    details TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_record_by_time ON audit_record(time_ms);
                CREATE TABLE audit_head (
                    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                    last_sequence INTEGER NOT NULL,
                    last_hash TEXT NOT NULL
                );
                """)
            try db.execute(
                sql: "INSERT INTO audit_head (id, last_sequence, last_hash) VALUES (1, 0, ?)",
                arguments: [AuditRecord.genesisHash])
        }
        return migrator
    }
}
