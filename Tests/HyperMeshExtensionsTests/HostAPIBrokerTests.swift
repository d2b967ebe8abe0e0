import CHyperMeshABI
import Foundation
import HyperMeshManifest
import HyperMeshSecurity
import HyperMeshState
import HyperMeshTestSupport
import Logging
import Testing
@testable import HyperMeshExtensions

/// Bad arguments to the host table from a misbehaving extension: a status, a message naming the
/// problem, and never a crash.
@Suite struct HostAPIBrokerTests {
    let table = HostAPIBroker.table.pointee

    func context(capabilities: Set<Capability> = [.storage, .events]) throws -> HostContext {
        let store = try StateStore(directory: ExtensionBuilder.temporaryDirectory())
        let security = SecurityContext(
            extensionID: "org.tests.broker", signer: nil, grant: .everythingDeclared(capabilities), quotas: Quotas(),
            networkHosts: [], anomaly: .standard, violations: .standard, audit: .none(logger: Logger(label: "test")),
            events: EventBus(), logger: Logger(label: "test"))
        return HostContext(security: security, storage: store.storage(for: "org.tests.broker"),
                           filesDirectory: store.directory.appendingPathComponent("files"), events: EventBus(),
                           assets: AssetManager(), logger: Logger(label: "test"))
    }

    /// Takes the message out of `error` (freeing it, as an extension must).
    func message(_ error: inout hypermesh_error) -> String {
        defer { table.free(error.message) }
        return error.message.map { String(cString: $0) } ?? ""
    }

    @Test func nullContextIsRefused() {
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = table.storage_put(nil, "k", 1, nil, 0, &error)
        #expect(status == HYPERMESH_ERR_INVALID_ARGUMENT)
        #expect(message(&error).contains("NULL context"))
    }

    @Test func nullValueWithALengthIsRefused() throws {
        let host = try context()
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = table.storage_put(HostAPIBroker.handle(for: host), "k", 1, nil, 5, &error)
        #expect(status == HYPERMESH_ERR_INVALID_ARGUMENT)
        #expect(message(&error).contains("value is NULL with length 5"))
    }

    @Test func malformedBatchIsRefusedWhole() throws {
        let host = try context()
        let handle = HostAPIBroker.handle(for: host)
        for batch in [#"{"not":"an array"}"#, #"[{"op":"put","key":"k"}]"#, #"[{"op":"rename","key":"k"}]"#] {
            var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
            let bytes = Array(batch.utf8)
            let status = table.storage_apply(handle, bytes, bytes.count, &error)
            #expect(status == HYPERMESH_ERR_INVALID_ARGUMENT, "\(batch)")
            #expect(message(&error).contains("batch"), "\(batch)")
        }
        #expect(try host.storage.list() == [])
    }

    @Test func invalidUTF8KeyIsRefused() throws {
        let host = try context()
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let bytes: [CChar] = [CChar(bitPattern: 0xC3), CChar(bitPattern: 0x28)]
        let status = table.storage_delete(HostAPIBroker.handle(for: host), bytes, bytes.count, &error)
        #expect(status == HYPERMESH_ERR_INVALID_ARGUMENT)
        #expect(message(&error).contains("not valid UTF-8"))
    }

    @Test func deniedCallNamesTheExtensionAndTheCapability() throws {
        let host = try context(capabilities: [])
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = table.emit_event(HostAPIBroker.handle(for: host), "t", 1, nil, 0, &error)
        #expect(status == HYPERMESH_ERR_PERMISSION_DENIED)
        let text = message(&error)
        #expect(text.contains("org.tests.broker"))
        #expect(text.contains("'events'"))
        #expect(host.counters.denialCount == 1)
    }

    @Test func missingKeyIsNotFoundAndErrorPointerMayBeNull() throws {
        let host = try context()
        var output = hypermesh_bytes(data: nil, len: 0)
        let status = table.storage_get(HostAPIBroker.handle(for: host), "absent", 6, &output, nil)
        #expect(status == HYPERMESH_ERR_NOT_FOUND)
        #expect(output.data == nil)
    }
}
