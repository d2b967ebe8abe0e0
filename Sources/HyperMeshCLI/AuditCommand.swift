import HyperMeshErrors
import ArgumentParser
import Foundation
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
            if let node = try NodeConnection.client(for: host) {
                var query: [URLQueryItem] = []
                if let extensionID { query.append(URLQueryItem(name: "extension", value: extensionID)) }
                if let since { query.append(URLQueryItem(name: "since", value: since)) }
                query += kind.map { URLQueryItem(name: "kind", value: $0) }
                if let limit { query.append(URLQueryItem(name: "limit", value: String(limit))) }
                var components = URLComponents()
                components.path = "/v1/audit"
                components.queryItems = query.isEmpty ? nil : query
                records = try node.document("GET", components.string ?? "/v1/audit", as: [AuditRecord].self)
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

    static func parseTime(_ text: String) throws -> Date {
        if text.hasSuffix("s"), let seconds = Double(text.dropLast()) { return Date().addingTimeInterval(-seconds) }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw ValidationError("--since must be ISO 8601 (2026-12-02T10:00:00Z) or seconds ago (3600s), not '\(text)'")
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

    struct Output: Codable {
        var intact: Bool
        var records: Int64
        var headSequence: Int64
        var headHash: String
        var problems: [String]
    }

    public func run() async throws {
        let output: Output
        do {
            if let node = try NodeConnection.client(for: host) {
                output = try node.document("GET", "/v1/audit/verify", as: Output.self)
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
