import Foundation
import HyperMeshExtensions
import HyperMeshTestSupport
import Testing

/// `execute` runs a `wasm-module` asset through the host's VM (capability vmExecution) with its own
/// budget; whatever the module does, the Catalog answers with a typed error and goes on.
@Suite struct ExecuteTests {
    /// `Tests/Fixtures/wasm/guests.c`, as Base64; `pure` builds it without its storage imports.
    static func guestModule(pure: Bool) throws -> String {
        let folder = ExtensionBuilder.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = try WasmGuestBuilder.buildGuestFixture(defines: pure ? ["GUEST_NO_STORAGE": ""] : [:],
                                                         output: folder.appendingPathComponent("guest.wasm"))
        return try Data(contentsOf: url).base64EncodedString()
    }

    static func addModule(_ host: CatalogHost, name: String = "guests", content: String, encoding: String = "base64") async throws {
        try await host.call("add", #"{"type":"wasm-module","name":"\#(name)","version":"1.0.0","encoding":"\#(encoding)","content":"\#(content)"}"#)
    }

    struct Result: Decodable {
        let asset: String
        let output: String?
        let fuelUsed: UInt64
    }

    @Test func aModuleRunsWithItsOwnBudgetAndAnswers() async throws {
        let host = try await CatalogHost.start()
        try await Self.addModule(host, content: try Self.guestModule(pure: true))
        let result = try await host.call("execute", #"{"name":"guests","method":"compute","input":"1"}"#, as: Result.self)
        #expect(result.asset == "wasm-module/guests@1.0.0")
        #expect(result.output == "8748534153485358512")
        #expect(result.fuelUsed > 0)
        let echo = try await host.call("execute", #"{"name":"guests","method":"echo","inputBase64":"//4="}"#)
        #expect(echo.contains(#""outputBase64":"\/\/4=""#) || echo.contains(#""outputBase64":"//4=""#), "bytes that are not UTF-8 come back as Base64: \(echo)")
        await host.registry.shutdown()
    }

    @Test func aModuleThatLoopsForeverRunsOutOfFuelAndTheCatalogGoesOn() async throws {
        let host = try await CatalogHost.start()
        try await Self.addModule(host, content: try Self.guestModule(pure: true))
        expectMethodFailure(await host.failure("execute", #"{"name":"guests","method":"spin","fuel":200000}"#),
                            status: "QUOTA_EXCEEDED", mentions: ["wasm.out_of_fuel"])
        expectMethodFailure(await host.failure("execute", #"{"name":"guests","method":"grow","memoryBytes":1048576}"#),
                            status: "QUOTA_EXCEEDED", mentions: ["wasm.memory_limit", "1048576"])
        expectMethodFailure(await host.failure("execute", #"{"name":"guests","method":"unreachable"}"#),
                            status: "INVALID_ARGUMENT", mentions: ["wasm.unreachable"])
        expectMethodFailure(await host.failure("execute", #"{"name":"guests","method":"nope"}"#),
                            status: "UNKNOWN_METHOD", mentions: ["unknown method"])
        let info = try await host.registry.info(host.id)
        #expect(info.state == .active)
        #expect(info.security?.violations.isEmpty ?? true, "what the module does is not the Catalog's violation")
        #expect(try await host.call("list", "{}").contains("guests"))
        await host.registry.shutdown()
    }

    @Test func aModuleGetsNoCapabilityOfItsOwn() async throws {
        let host = try await CatalogHost.start()
        try await Self.addModule(host, content: try Self.guestModule(pure: false))
        expectMethodFailure(await host.failure("execute", #"{"name":"guests","method":"noop"}"#),
                            status: "INVALID_ARGUMENT", mentions: ["wasm.import_refused", "hypermesh.storage_put"])
        await host.registry.shutdown()
    }

    @Test func contentThatIsNotAModuleIsMalformed() async throws {
        let host = try await CatalogHost.start()
        try await Self.addModule(host, name: "text", content: "just text", encoding: "utf8")
        expectMethodFailure(await host.failure("execute", #"{"name":"text","method":"noop"}"#),
                            status: "INVALID_ARGUMENT", mentions: ["wasm.malformed_module"])
        expectMethodFailure(await host.failure("execute", #"{"name":"absent","method":"noop"}"#), status: "NOT_FOUND")
        expectMethodFailure(await host.failure("execute", #"{"name":"text","method":"noop","input":"a","inputBase64":"YQ=="}"#),
                            status: "INVALID_ARGUMENT", mentions: ["not both"])
        await host.registry.shutdown()
    }

    @Test func withoutVMExecutionTheHostRefusesNamingIt() async throws {
        let host = try await CatalogHost.start(capabilities: ["assetManagement", "events", "storage"])
        try await Self.addModule(host, content: try Self.guestModule(pure: true))
        expectMethodFailure(await host.failure("execute", #"{"name":"guests","method":"noop"}"#),
                            status: "PERMISSION_DENIED", mentions: ["'vmExecution'"])
        await host.registry.shutdown()
    }
}
