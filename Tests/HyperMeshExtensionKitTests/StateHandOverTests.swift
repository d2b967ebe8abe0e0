import CHyperMeshABI
import Foundation
import HyperMeshExtensionKit
import Testing

/// The Kit's C glue for the optional state hand-over entries: set only for types that adopt
/// `StateHandOver`; the exported bytes reach a new instance; a thrown error becomes a status and a
/// message, never a crash.
@Suite struct StateHandOverTests {
    final class Counter: StateHandOver {
        var count = 0
        init(host: ExtensionHost) throws(ExtensionError) {}
        func handle(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] {
            count += 1
            return Array("\(count)".utf8)
        }
        func exportState() throws(ExtensionError) -> [UInt8] { Array("v1:\(count)".utf8) }
        func importState(_ state: [UInt8]) throws(ExtensionError) {
            let text = String(decoding: state, as: UTF8.self)
            guard text.hasPrefix("v1:"), let value = Int(text.dropFirst(3)) else {
                throw .invalidArgument("unknown state format: \(text)")
            }
            count = value
        }
    }

    final class Plain: HyperMeshExtension {
        init(host: ExtensionHost) throws(ExtensionError) {}
        func handle(method: String, input: [UInt8]) throws(ExtensionError) -> [UInt8] { [] }
    }

    static let counterExport = ExtensionExport(Counter.self, id: "org.tests.counter", version: "1.0.0")
    static let plainExport = ExtensionExport(Plain.self, id: "org.tests.plain", version: "1.0.0")

    /// A host table with only the allocator: enough for these entries.
    nonisolated(unsafe) static let api: UnsafeMutablePointer<hypermesh_host_api> = {
        let api = UnsafeMutablePointer<hypermesh_host_api>.allocate(capacity: 1)
        UnsafeMutableRawPointer(api).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<hypermesh_host_api>.size)
        api.pointee.struct_size = UInt32(MemoryLayout<hypermesh_host_api>.size)
        api.pointee.abi_version = HYPERMESH_ABI_VERSION
        api.pointee.alloc = { malloc($0) }
        api.pointee.free = { free($0) }
        return api
    }()

    static func create<T>(_ export: ExtensionExport<T>) throws -> UnsafeMutablePointer<hypermesh_extension> {
        let raw = try #require(export.create(UnsafeRawPointer(api), nil, nil))
        return raw.assumingMemoryBound(to: hypermesh_extension.self)
    }

    static func call(_ instance: UnsafeMutablePointer<hypermesh_extension>) -> String {
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        _ = instance.pointee.handle?(instance.pointee.instance, "count", 5, nil, 0, &output, &error)
        defer { free(output.data) }
        return String(decoding: UnsafeBufferPointer(start: output.data, count: output.len), as: UTF8.self)
    }

    @Test func theStateMovesToANewInstance() throws {
        let old = try Self.create(Self.counterExport)
        defer { Self.counterExport.destroy(UnsafeMutableRawPointer(old)) }
        #expect(hypermesh_extension_has_export_state(old) != 0 && hypermesh_extension_has_import_state(old) != 0)
        _ = Self.call(old)
        #expect(Self.call(old) == "2")
        var state = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        #expect(old.pointee.export_state?(old.pointee.instance, &state, &error) == HYPERMESH_OK)
        defer { free(state.data) }

        let new = try Self.create(Self.counterExport)
        defer { Self.counterExport.destroy(UnsafeMutableRawPointer(new)) }
        #expect(new.pointee.import_state?(new.pointee.instance, state.data, state.len, &error) == HYPERMESH_OK)
        #expect(Self.call(new) == "3")
    }

    @Test func aRefusedStateIsAStatusWithTheMessage() throws {
        let instance = try Self.create(Self.counterExport)
        defer { Self.counterExport.destroy(UnsafeMutableRawPointer(instance)) }
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let garbage: [UInt8] = Array("v9:?".utf8)
        let status = garbage.withUnsafeBufferPointer { instance.pointee.import_state?(instance.pointee.instance, $0.baseAddress, $0.count, &error) }
        #expect(status == HYPERMESH_ERR_INVALID_ARGUMENT)
        let message = try #require(error.message)
        #expect(String(cString: message).contains("unknown state format"))
        free(message)
    }

    @Test func aTypeWithoutTheProtocolHasNoEntries() throws {
        let instance = try Self.create(Self.plainExport)
        defer { Self.plainExport.destroy(UnsafeMutableRawPointer(instance)) }
        #expect(hypermesh_extension_has_export_state(instance) == 0)
        #expect(hypermesh_extension_has_import_state(instance) == 0)
        #expect(hypermesh_extension_has_health(instance) != 0)
    }
}
