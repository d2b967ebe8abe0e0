import ArgumentParser
import Foundation
import HyperMeshNodeClient
import HyperMeshExtensions
import HyperMeshManifest
import OpenAPIRuntime

/// `hypermesh ext call ID METHOD [INPUT]`: load ID and its dependencies, activate them in order,
/// call, print the response, then deactivate and unload everything again.
public struct CallExtension: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a method of an extension and print the response.",
        discussion: """
            Loads the extension and its dependencies, activates them in dependency order, sends
            INPUT (JSON by convention; default {}) to METHOD, prints the response (pretty-printed
            when it is JSON), then deactivates and unloads in reverse order. A failure prints a typed
            error on stderr and exits with its category's status. With --json the response is printed
            as-is (the extension's own bytes, not wrapped), and an error as the JSON error document on
            stdout.

            Example: hypermesh ext call org.hypermesh.catalog search '{"query":"logo"}'
            """)

    @OptionGroup public var host: HostOptions
    @Argument(help: "The extension id, e.g. org.hypermesh.catalog.") public var id: String
    @Argument(help: "The method to call.") public var method: String
    @Argument(help: "The request body (JSON by convention). Default: {}.") public var input: String?
    @Option(name: .customLong("input-file"), help: "Read the request body from a file ('-' for stdin).")
    public var inputFile: String?
    @OptionGroup public var format: OutputOptions

    public init() {}

    public func validate() throws {
        if input != nil && inputFile != nil {
            throw ValidationError("give the input either as an argument or with --input-file, not both")
        }
    }

    /// Most bytes of a call's output taken from a node: 256 MiB (an extension's output is not
    /// limited by the host; this bounds what the CLI holds in memory).
    static let maximumOutputBytes = 256 << 20

    public func run() async throws {
        let console = Console.current
        let body: [UInt8]
        do {
            body = try requestBody()
        } catch {
            throw CommandFailure.report(error, json: format.json)
        }
        var session: HostSession?
        do {
            if let node = try await NodeConnection.client(for: host) {
                let operation = "POST /v1/extensions/\(id)/call/\(method)"
                let output = try await node.perform(operation) { client in
                    switch try await client.callExtension(path: .init(id: id, method: method), body: .any(HTTPBody(body))) {
                    case .ok(let answer): return try await [UInt8](collecting: try answer.body.binary, upTo: Self.maximumOutputBytes)
                    case let other: throw NodeConnection.unexpected(operation, other)
                    }
                }
                console.out(ResponseFormatter.format(output, pretty: !format.json))
                return
            }
            let opened = try await HostSession.open(host)
            session = opened
            try await opened.requireUsable(id)
            try await opened.registry.activate(id)
            opened.logger.info("call \(method) (\(body.count) byte(s) in)", metadata: ["extension": "\(id)"])
            let output = try await opened.registry.call(id, method: method, input: body)
            opened.logger.info("call \(method) returned \(output.count) byte(s)", metadata: ["extension": "\(id)"])
            console.out(ResponseFormatter.format(output, pretty: !format.json))
            await opened.host.shutdown()
        } catch {
            await session?.host.shutdown()
            throw CommandFailure.report(error, json: format.json)
        }
    }

    private func requestBody() throws -> [UInt8] {
        if let inputFile {
            let data = inputFile == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: inputFile))
            return Array(data)
        }
        return Array((input ?? "{}").utf8)
    }
}

/// Prints an extension's response: pretty JSON when it parses as JSON, else the text, else a
/// note with the byte count.
package enum ResponseFormatter {
    package static func format(_ bytes: [UInt8], pretty: Bool) -> String {
        if pretty, let formatted = JSONFormatting.prettyPrinted(Data(bytes)) {
            return String(decoding: formatted.dropLast(), as: UTF8.self)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return "<\(bytes.count) bytes of binary output>"
    }
}
