import Foundation
import HyperMeshAudit
import HyperMeshExtensions
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshTestSupport
import Synchronization
import Testing

/// An application's own host function (`app:notify`), offered to the registry with
/// `hostFunctions:`, called from a native, an isolated and a wasm extension: granted, refused by
/// the policy (audited, a violation), rate limited like every host function, absent.
@Suite struct AppFunctionTests {
    static let id = "org.tests.app-caller"
    static let notify = Capability.app("notify")!

    /// How the calling extension runs.
    enum Transport: String, CaseIterable, CustomTestStringConvertible {
        case native, isolated, wasm
        var testDescription: String { rawValue }
    }

    /// Records the calls the application's `notify` received: (caller, input).
    final class Received: Sendable {
        private let calls = Mutex<[(String, String)]>([])
        var all: [(String, String)] { calls.withLock { $0 } }
        func add(_ caller: String, _ input: String) { calls.withLock { $0.append((caller, input)) } }
    }

    /// The application's function set: `notify` answers "notified: <input>".
    static func appFunctions(_ received: Received) throws -> HostFunctionSet {
        HostFunctionSet(name: "app", functions: [
            try HostFunction.app("notify") { call in
                let text = String(decoding: call.input, as: UTF8.self)
                received.add(call.extensionID, text)
                return Array("notified: \(text)".utf8)
            },
        ])
    }

    /// Stages the caller for `transport` with `capabilities` and `quotas`.
    static func stage(_ host: SecurityHost, _ transport: Transport, capabilities: [String] = ["app:notify"],
                      quotas: [String: Any] = [:]) throws {
        switch transport {
        case .native, .isolated:
            let library = host.root.appendingPathComponent("build/app_extension.so")
            try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
            try ExtensionBuilder.buildC(source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/app_extension.c"),
                                        defines: ["APP_ID": ExtensionBuilder.cString(id)], output: library)
            var manifest: [String: Any] = [
                "id": id, "name": "App caller", "version": "1.0.0", "kind": "native", "entry": "libapp.so",
                "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": capabilities,
                "isolation": transport == .isolated ? "process" : "in-process",
            ]
            if !quotas.isEmpty { manifest["quotas"] = quotas }
            try PackageStager.stage(manifest: manifest, payload: library, entryName: "libapp.so",
                                    into: host.extensionsDirectory.appendingPathComponent(id))
        case .wasm:
            var manifest: [String: Any] = ["capabilities": capabilities]
            if !quotas.isEmpty { manifest["quotas"] = quotas }
            try host.stageWasmGuest(id: id, fixture: .appGuest, manifest: manifest)
        }
    }

    /// Calls the application's `notify` with `input` the caller's way.
    static func callNotify(_ registry: ExtensionRegistry, _ transport: Transport, _ input: String) async throws -> String {
        if transport == .wasm { return try await registry.callText(id, "notify", input) }
        return try await registry.callText(id, "call", "notify\n\(input)")
    }

    static func failure(_ registry: ExtensionRegistry, _ transport: Transport, _ input: String) async -> ExtensionError? {
        if transport == .wasm { return await registry.failure(id, "notify", input) }
        return await registry.failure(id, "call", "notify\n\(input)")
    }

    static func policy(allow: Set<Capability> = [notify], deny: Set<Capability> = []) -> SecurityPolicy {
        var policy = SecurityPolicy()
        policy.extensions[id] = PolicyRule(allow: allow, deny: deny, violations: ViolationSettings(windowSeconds: 60, threshold: 1_000))
        return policy
    }

    @Test("a granted app function answers the extension, which it sees as the caller", arguments: Transport.allCases)
    func granted(_ transport: Transport) async throws {
        let host = SecurityHost()
        try Self.stage(host, transport)
        let received = Received()
        let registry = try await host.start(policy: Self.policy(), hostFunctions: [try Self.appFunctions(received)])
        try await registry.activate(Self.id)
        if transport != .wasm {
            #expect(try await registry.info(Self.id).isolation == (transport == .isolated ? "process" : "in-process"))
        }
        #expect(try await Self.callNotify(registry, transport, "hello") == "notified: hello")
        #expect(received.all.map(\.0) == [Self.id])
        #expect(received.all.map(\.1) == ["hello"])
        #expect(try await registry.info(Self.id).hostCalls >= 1)
        #expect(try await registry.info(Self.id).hostDenials == 0)
        await registry.shutdown()
    }

    @Test("an app function the policy refuses is denied, audited and counted as a violation", arguments: Transport.allCases)
    func refused(_ transport: Transport) async throws {
        let host = SecurityHost()
        try Self.stage(host, transport)
        let received = Received()
        // A refused capability is a decision: the extension activates without it.
        let registry = try await host.start(policy: Self.policy(allow: [], deny: [Self.notify]), hostFunctions: [try Self.appFunctions(received)])
        try await registry.activate(Self.id)
        let error = try #require(await Self.failure(registry, transport, "hello"))
        #expect(error.code == .methodFailed, "\(error)")
        #expect(error.message.hasSuffix("PERMISSION_DENIED"), "\(error)")
        #expect(error.cause?.contains("refuses \(Self.id) the 'app:notify' capability") == true, "\(error)")
        #expect(received.all.isEmpty)
        let denials = try host.auditRecords(of: Self.id, kinds: [.denial])
        #expect(denials.count == 1)
        #expect(denials.first?.details["capability"] == "app:notify")
        #expect(try await registry.info(Self.id).hostDenials == 1)
        #expect(try await registry.info(Self.id).security?.violations["capability_denied"] == 1)
        await registry.shutdown()
    }

    @Test("an app function is rate limited with the extension's other host functions", arguments: Transport.allCases)
    func rateLimited(_ transport: Transport) async throws {
        let host = SecurityHost()
        try Self.stage(host, transport, quotas: ["operationsPerSecond": 5])
        let received = Received()
        let registry = try await host.start(policy: Self.policy(), hostFunctions: [try Self.appFunctions(received)])
        try await registry.activate(Self.id)
        let answer = try await registry.callText(Self.id, "flood", transport == .wasm ? "40" : "notify\n40")
        let counts = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Int], "\(answer)")
        // The bucket admits its burst of 5 (and a token that may come back while the loop runs).
        #expect((5..<10).contains(counts["ok"] ?? 0), "\(answer)")
        #expect(counts["last"] == 5, "QUOTA_EXCEEDED: \(answer)")
        #expect(received.all.count == counts["ok"])
        let violations = try host.auditRecords(of: Self.id, kinds: [.violation])
        #expect(violations.count == 40 - (counts["ok"] ?? 0))
        #expect(violations.allSatisfy { $0.details["violation"] == "rate_limited" })
        #expect(try await registry.info(Self.id).hostDenials == 40 - (counts["ok"] ?? 0))
        await registry.shutdown()
    }

    @Test("an app function the host does not offer answers UNAVAILABLE after admission", arguments: Transport.allCases)
    func notOffered(_ transport: Transport) async throws {
        let host = SecurityHost()
        try Self.stage(host, transport)
        let registry = try await host.start(policy: Self.policy())
        try await registry.activate(Self.id)
        let error = try #require(await Self.failure(registry, transport, "hello"))
        #expect(error.message.hasSuffix("UNAVAILABLE"), "\(error)")
        #expect(error.cause?.contains("this host offers no app function 'notify'") == true, "\(error)")
        #expect(try await registry.info(Self.id).hostDenials == 0)
        await registry.shutdown()
    }

    @Test("a native extension calling an app capability it did not declare is told to declare it", arguments: [Transport.native, .isolated])
    func undeclaredAtRunTime(_ transport: Transport) async throws {
        let host = SecurityHost()
        try Self.stage(host, transport, capabilities: ["app:notify"])
        let registry = try await host.start(policy: Self.policy(), hostFunctions: [try Self.appFunctions(Received())])
        try await registry.activate(Self.id)
        let error = try #require(await registry.failure(Self.id, "call", "secret\nx"))
        #expect(error.message.hasSuffix("PERMISSION_DENIED"), "\(error)")
        #expect(error.cause?.contains("'app:secret'") == true, "\(error)")
        #expect(error.cause?.contains("declare it in extension.json") == true, "\(error)")
        let invalid = try #require(await registry.failure(Self.id, "call", "Not Valid\nx"))
        #expect(invalid.message.hasSuffix("INVALID_ARGUMENT"), "\(invalid)")
        #expect(try await registry.callText(Self.id, "has_app_call", "") == "yes")
        await registry.shutdown()
    }

    @Test("a wasm module importing an app function its manifest does not declare is refused at load")
    func undeclaredWasmImport() async throws {
        let host = SecurityHost()
        try Self.stage(host, .wasm, capabilities: ["storage"])
        var policy = SecurityPolicy()
        policy.allow([.storage], for: Self.id)
        let registry = try await host.start(policy: policy, hostFunctions: [try Self.appFunctions(Received())])
        let error = await #expect(throws: ExtensionError.self) { try await registry.activate(Self.id) }
        #expect(error?.code.rawValue == "wasm.import_refused", "\(String(describing: error))")
        #expect(error?.message.contains("app.notify") == true, "\(String(describing: error))")
        #expect(error?.message.contains("'app:notify'") == true, "\(String(describing: error))")
        await registry.shutdown()
    }

    @Test("the Swift Kit calls app functions with bytes and with Codable values, and lists files")
    func swiftKit() async throws {
        let host = SecurityHost()
        let id = "org.tests.kit-app-caller"
        let library = host.root.appendingPathComponent("build/libkit-app-caller.so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ExtensionBuilder.buildSwift(sources: [ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/swift/AppCaller.swift")],
                                        moduleName: "AppCaller", output: library)
        try PackageStager.stage(
            manifest: ["id": id, "name": "Kit app caller", "version": "1.0.0", "kind": "native", "entry": "libkit-app-caller.so",
                       "abi": ["min": 1, "max": 1], "category": "testing", "capabilities": ["app:notify", "fileSystemAccess"]],
            payload: library, entryName: "libkit-app-caller.so", into: host.extensionsDirectory.appendingPathComponent(id))
        var policy = SecurityPolicy()
        policy.allow([Self.notify, .fileSystemAccess], for: id)
        struct Message: Decodable { var text: String }
        let notify = try HostFunction.app("notify") { call in
            guard let message = try? JSONDecoder().decode(Message.self, from: Data(call.input)) else {
                throw HostCallFailure.invalidArgument("notify takes {\"text\":…}")
            }
            return Array(try JSONEncoder().encode("notified: \(message.text)"))
        }
        let registry = try await host.start(policy: policy, hostFunctions: [HostFunctionSet(name: "app", functions: [notify])])
        try await registry.activate(id)
        #expect(try await registry.callText(id, "typed", "hi") == #"{"reply":"notified: hi"}"#)
        #expect(try await registry.callText(id, "notify", #"{"text":"raw"}"#) == #""notified: raw""#)
        let refused = try #require(await registry.failure(id, "notify", "not json"))
        #expect(refused.message.hasSuffix("INVALID_ARGUMENT"), "\(refused)")
        #expect(refused.cause?.contains("notify takes") == true, "\(refused)")
        #expect(try await registry.callText(id, "files", "") == #"[{"kind":"file","name":"a.txt"},{"kind":"folder","name":"sub"}]"#)
        await registry.shutdown()
    }
}
