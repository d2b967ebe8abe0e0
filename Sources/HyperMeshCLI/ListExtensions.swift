import HyperMeshNodeClient
import ArgumentParser
import HyperMeshExtensions
import HyperMeshTrust

/// `hypermesh ext list`: every package found on the search paths, and every broken one with why.
public struct ListExtensions: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the extensions found on the search paths, and the broken packages with the reason.",
        discussion: "Nothing is loaded: packages are found, their manifests decoded and each package verified (files, signature, chain, validity, code signing, revocation). TRUST shows the result; refused packages are listed with the check that failed.")

    @OptionGroup public var host: HostOptions
    @OptionGroup public var format: OutputOptions

    public init() {}

    package struct Output: Codable {
        struct Entry: Codable {
            var id, name, version, kind, category, state, directory: String
            var capabilities: [String]
            var dependencies: [String: String]
            /// verified, unsigned-allowed
            var verification: String
            /// The signer's certificate subject, when signed.
            var signer: String?
            /// Declared capabilities the policy has not decided: activation waits for a grant.
            var pendingCapabilities: [String]
            var suspension: String?
        }
        struct Problem: Codable {
            var directory: String
            var error: ErrorRecord
        }
        var extensions: [Entry]
        var problems: [Problem]
        var searchPaths: [String]
    }

    public func run() async throws {
        let output: Output
        do {
            if let node = try await NodeConnection.client(for: host) {
                output = try await node.perform("GET /v1/extensions") { client in
                    switch try await client.listExtensions() {
                    case .ok(let answer): return try NodeDocument.convert(try answer.body.json)
                    case let other: throw NodeConnection.unexpected("GET /v1/extensions", other)
                    }
                }
            } else {
                output = await ExtensionDocuments.list(try await HostSession.open(host))
            }
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        let console = Console.current
        if format.json {
            console.out(JSONOutput.string(output))
            return
        }
        if output.extensions.isEmpty {
            console.out("No extensions found. Searched: \(output.searchPaths.joined(separator: ", "))")
        } else {
            let rows = [["ID", "VERSION", "KIND", "CATEGORY", "STATE", "TRUST", "PATH"]]
                + output.extensions.map {
                    [$0.id, $0.version, $0.kind, $0.category,
                     $0.suspension != nil ? "suspended" : ($0.pendingCapabilities.isEmpty ? $0.state : "\($0.state), grant pending"),
                     $0.verification == "verified" ? "signed: \($0.signer ?? "?")" : "UNSIGNED (allowed)", $0.directory]
                }
            console.out(TextTable.render(rows))
        }
        for problem in output.problems {
            console.out("broken: \(problem.directory)\n  \(problem.error.text.replacingOccurrences(of: "\n", with: "\n  "))")
        }
    }
}
