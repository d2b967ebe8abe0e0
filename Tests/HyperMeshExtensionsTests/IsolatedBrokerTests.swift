import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshSandbox
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport
import Logging
import Testing
@testable import HyperMeshExtensions

/// An extension in a worker process whose host calls are answered by the host's broker with its
/// HostContext: grants, refusals and violations are the broker's, as in-process.
@Suite struct IsolatedBrokerTests {
    static let extensionID = "org.hypermesh.tests.isolated"

    func context(capabilities: Set<Capability>) throws -> HostContext {
        let store = try StateStore(directory: ExtensionBuilder.temporaryDirectory())
        let security = SecurityContext(
            extensionID: Self.extensionID, signer: nil, grant: .everythingDeclared(capabilities), quotas: Quotas(),
            networkHosts: [], anomaly: .standard, violations: .standard, audit: .none(logger: Logger(label: "test")),
            events: EventBus(), logger: Logger(label: "test"))
        return HostContext(security: security, storage: store.storage(for: Self.extensionID),
                           filesDirectory: store.directory.appendingPathComponent("files"), events: EventBus(),
                           assets: AssetManager(), logger: Logger(label: "test"))
    }

    func worker(_ context: HostContext) throws -> WorkerProcess {
        let folder = ExtensionBuilder.temporaryDirectory()
        let library = try ExtensionBuilder.buildC(
            source: ExtensionBuilder.repositoryRoot.appendingPathComponent("Tests/Fixtures/c/isolated_extension.c"),
            output: folder.appendingPathComponent("libisolated.\(ExtensionBuilder.libraryFileExtension)"))
        let configuration = WorkerConfiguration(libraryPath: library.path, extensionID: Self.extensionID, version: "1.0.0",
                                                standardErrorPath: folder.appendingPathComponent("worker-stderr.log").path)
        return try WorkerProcess(configuration, hostCalls: BrokerHostCalls.handler(for: context))
    }

    @Test func aGrantedHostCallFromTheWorkerReachesTheExtensionsStorage() throws {
        let host = try context(capabilities: [.storage])
        let worker = try worker(host)
        defer { worker.shutdown() }
        let reply = try worker.call(method: "put", input: Array("hello".utf8))
        #expect(reply.status == HYPERMESH_OK)
        #expect(String(decoding: reply.output, as: UTF8.self) == "hello")
        #expect(try host.storage.list() == ["greeting"])
        #expect(host.counters.denialCount == 0)
    }

    @Test func aRefusedHostCallIsTheBrokersRefusalAndCountsAsAViolation() throws {
        let host = try context(capabilities: [])
        let worker = try worker(host)
        defer { worker.shutdown() }
        let reply = try worker.call(method: "put", input: Array("hello".utf8))
        #expect(reply.status == HYPERMESH_ERR_PERMISSION_DENIED)
        #expect(reply.message?.contains("'storage'") == true, "\(reply.message ?? "")")
        #expect(host.counters.denialCount == 1)
        #expect(try host.storage.list() == [])
    }

    @Test func aWorkerThatDoesNotFollowTheProtocolGetsInvalidArgument() throws {
        let host = try context(capabilities: [.storage])
        let unknown = BrokerHostCalls.answer(HostCallRequest(function: "format_disk", arguments: []), context: host)
        #expect(unknown.status == HYPERMESH_ERR_INVALID_ARGUMENT)
        let short = BrokerHostCalls.answer(HostCallRequest(function: "storage_put", arguments: [Array("k".utf8)]), context: host)
        #expect(short.status == HYPERMESH_ERR_INVALID_ARGUMENT)
        #expect(try host.storage.list() == [])
        let get = BrokerHostCalls.answer(HostCallRequest(function: "storage_get", arguments: [Array("none".utf8)]), context: host)
        #expect(get.status == HYPERMESH_ERR_NOT_FOUND)
    }
}
