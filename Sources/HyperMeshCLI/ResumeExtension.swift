import HyperMeshNodeClient
import ArgumentParser
import HyperMeshExtensions

/// `hypermesh ext resume ID`: lifts a suspension (an operator's act, written to the audit log).
public struct ResumeExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Lift the suspension of an extension (suspended by the security layer or an operator).",
        discussion: "A suspension outlives the host process: the extension stays suspended, and its calls are refused with security.suspended, until this command. The violation window is cleared; the audit log records the resume. An extension suspended by the crash-loop breaker of its isolated worker goes back to failed with its last cause (the breaker closes); activate it to start a new worker.")

    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id.") public var id: String
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func run() async throws {
        var session: HostSession?
        do {
            if let node = try await NodeConnection.client(for: host) {
                try await node.perform("POST /v1/extensions/\(id)/resume") { client in
                    switch try await client.resumeExtension(path: .init(id: id)) {
                    case .ok: return
                    case let other: throw NodeConnection.unexpected("POST /v1/extensions/\(id)/resume", other)
                    }
                }
            } else {
                let opened = try await HostSession.open(host)
                session = opened
                _ = try await ExtensionDocuments.resume(opened, id: id)
                await opened.host.shutdown()
            }
        } catch {
            await session?.host.shutdown()
            throw CommandFailure.report(error, json: format.json)
        }
        if format.json {
            Console.current.out(JSONOutput.string(["id": id, "state": "resumed"]))
        } else {
            Console.current.out("\(id): resumed")
        }
    }
}
