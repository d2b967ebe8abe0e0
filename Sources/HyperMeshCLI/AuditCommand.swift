import HyperMeshErrors
import ArgumentParser
import Foundation
import HyperMeshNodeClient
import HyperMeshAudit

/// `hypermesh audit …`
public struct AuditCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read and check the audit trail (audit.sqlite in the state dir).",
        discussion: """
            The audit log holds lifecycle changes, verification results, grants, denials,
            violations, anomalies, suspensions, resumes, consensus decisions and, per extension and
            serving period, a count of its host calls. Each record carries the SHA-256 of the one
            before it, so `audit verify` finds a record that was edited, inserted or deleted.
            """,
        subcommands: [AuditList.self, AuditVerify.self])

    public init() {}
}

/// `hypermesh audit list`
public struct AuditList: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "list", abstract: "List audit records, oldest first.")

    @OptionGroup public var host: HostOptions
    @Option(name: .customLong("extension"), help: "Only records about this extension id.") public var extensionID: String?
    @Option(help: ArgumentHelp("Only records at or after this time: ISO 8601 (2026-12-02T10:00:00Z) or seconds ago (e.g. 3600s).", valueName: "time"))
    public var since: String?
    @Option(help: ArgumentHelp("Only records of these kinds (repeatable): \(AuditKind.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "kind"))
    public var kind: [String] = []
    @Option(help: "At most this many records (the oldest that match).") public var limit: Int?
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        let records: [AuditRecord]
        do {
            let kinds = try kind.map { name throws -> AuditKind in
                guard let kind = AuditKind(rawValue: name) else {
                    throw ValidationError("unknown kind '\(name)'; known: \(AuditKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return kind
            }
            let filter = ExtensionDocuments.AuditFilter(extensionID: extensionID, since: try since.map(Self.parseTime),
                                                        kinds: kinds.isEmpty ? nil : Set(kinds), limit: limit)
            if let node = try await NodeConnection.client(for: host) {
                // The kinds were checked above against AuditKind, which the document's enum mirrors.
                let query = Operations.ListAudit.Input.Query(
                    _extension: extensionID, since: since,
                    kind: kinds.isEmpty ? nil : kinds.compactMap { Components.Schemas.AuditKind(rawValue: $0.rawValue) }, limit: limit)
                records = try await node.perform("GET /v1/audit") { client in
                    switch try await client.listAudit(query: query) {
                    case .ok(let answer): return try NodeDocument.convert(try answer.body.json)
                    case let other: throw NodeConnection.unexpected("GET /v1/audit", other)
                    }
                }
            } else {
                records = try ExtensionDocuments.auditRecords(host, filter)
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(records))
            return
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let rows = [["#", "TIME", "KIND", "EXTENSION", "MESSAGE"]] + records.map {
            ["\($0.sequence)", formatter.string(from: $0.time), $0.kind.rawValue, $0.extensionID ?? "-", $0.message]
        }
        Console.current.out(records.isEmpty ? "No audit records." : TextTable.render(rows))
    }

    package static func parseTime(_ text: String) throws -> Date {
        guard let date = AuditSince.parse(text) else {
            throw ValidationError("--since must be ISO 8601 (2026-12-02T10:00:00Z) or seconds ago (3600s), not '\(text)'")
        }
        return date
    }
}

/// `hypermesh audit verify`
public struct AuditVerify: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain of the audit log; exit 1 if a record was edited, inserted or deleted.",
        discussion: "Prints the head (last sequence and hash): keep it elsewhere, and a later verify that shows another history is evidence of a rewrite. Tamper-evident, not tamper-proof: whoever can write the file can rebuild the whole chain.")

    @OptionGroup public var host: HostOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    package struct Output: Codable {
        var intact: Bool
        var records: Int64
        var headSequence: Int64
        var headHash: String
        var problems: [String]
    }

    public func run() async throws {
        let output: Output
        do {
            if let node = try await NodeConnection.client(for: host) {
                output = try await node.perform("GET /v1/audit/verify") { client in
                    switch try await client.verifyAudit() {
                    case .ok(let answer): return try NodeDocument.convert(try answer.body.json)
                    case let other: throw NodeConnection.unexpected("GET /v1/audit/verify", other)
                    }
                }
            } else {
                output = try ExtensionDocuments.auditVerification(host)
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(output))
        } else if output.intact {
            Console.current.out("audit log intact: \(output.records) record(s), head #\(output.headSequence) \(output.headHash)")
        } else {
            Console.current.out((["audit log NOT intact (\(output.problems.count) problem(s)):"] + output.problems.map { "  \($0)" }).joined(separator: "\n"))
        }
        // A broken chain is tampering (or damage): the integrity exit code.
        if !output.intact { throw ExitCode(HyperMeshExitCode.integrityFailure) }
    }
}


/// A `since` of the audit log, as the CLI (`--since`) and the node (`?since=`) read it: ISO 8601
/// (`2026-12-02T10:00:00Z`, fractional seconds allowed) or seconds ago (`3600s`).
package enum AuditSince {
    /// The time `text` names, or nil if it is neither form (the empty string included).
    package static func parse(_ text: String, now: Date = Date()) -> Date? {
        if text.hasSuffix("s"), let seconds = Double(text.dropLast()), seconds.isFinite, seconds >= 0 {
            return now.addingTimeInterval(-seconds)
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
