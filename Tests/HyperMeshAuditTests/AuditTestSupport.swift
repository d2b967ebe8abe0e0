import Foundation
import GRDB
import HyperMeshAudit

/// Runs `body` with a new empty folder that is removed afterwards.
func withTemporaryFolder<Value>(_ body: (URL) throws -> Value) throws -> Value {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("hypermesh-audit-tests", isDirectory: true)
        .appendingPathComponent(UUID().uuidString, isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// Runs `body` with a new log in a new temporary folder; the log is closed afterwards.
func withTemporaryLog<Value>(
    flushInterval: Duration = .milliseconds(50), _ body: (AuditLog, URL) throws -> Value
) throws -> Value {
    try withTemporaryFolder { folder in
        let file = folder.appendingPathComponent("audit.sqlite")
        let log = try AuditLog(file: file, flushInterval: flushInterval)
        defer { log.close() }
        return try body(log, file)
    }
}

/// Changes the file with raw SQL through a separate connection, as someone editing it would.
func tamper(_ file: URL, _ sql: String, arguments: StatementArguments = []) throws {
    let database = try DatabaseQueue(path: file.path)
    try database.write { db in try db.execute(sql: sql, arguments: arguments) }
    try database.close()
}

/// Reads one value from the file through a separate connection.
func rawValue<Value: DatabaseValueConvertible>(_ file: URL, _ sql: String) throws -> Value? {
    let database = try DatabaseQueue(path: file.path)
    defer { try? database.close() }
    return try database.read { db in try Value.fetchOne(db, sql: sql) }
}

/// Appends `count` simple entries and returns their records.
@discardableResult
func appendSamples(_ log: AuditLog, count: Int, extensionID: String? = "com.example.sample") throws -> [AuditRecord] {
    try (1...count).map { index in
        try log.append(AuditEntry(
            kind: .lifecycle, extensionID: extensionID, message: "event \(index)", details: ["index": "\(index)"]))
    }
}

/// Runs `body(threadIndex)` on `threads` new threads at once and returns when all have finished.
func runOnThreads(_ threads: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<threads {
        group.enter()
        Thread {
            body(index)
            group.leave()
        }.start()
    }
    group.wait()
}

/// Polls `condition` until it holds or `attempts` polls (10 ms apart) have failed.
func eventually(attempts: Int = 1000, _ condition: () throws -> Bool) rethrows -> Bool {
    for _ in 0..<attempts {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return try condition()
}

/// The error `body` throws, or `nil` when it returns normally.
///
/// The tests pass closures only outside `#expect(...)`: a closure written inside a macro argument
/// can be given the same symbol as a later closure in the same function by this compiler, which
/// then runs the wrong code.
func caughtAuditError<Value>(_ body: () throws(AuditError) -> Value) -> AuditError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// A problem reduced to what the tests compare: kind, sequence, related sequence.
struct ProblemSummary: Equatable, CustomStringConvertible {
    let kind: AuditProblem.Kind
    let sequence: Int64
    let related: Int64?

    init(_ kind: AuditProblem.Kind, _ sequence: Int64, _ related: Int64?) {
        self.kind = kind
        self.sequence = sequence
        self.related = related
    }

    var description: String { "\(kind.rawValue)(\(sequence), \(related.map(String.init) ?? "nil"))" }
}

func summaries(_ verification: AuditVerification) -> [ProblemSummary] {
    verification.problems.map { ProblemSummary($0.kind, $0.sequence, $0.relatedSequence) }
}
