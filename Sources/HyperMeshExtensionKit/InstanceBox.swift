#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
internal import CHyperMeshABI

/// The `instance` of a `hypermesh_extension` created by ``ExtensionExport``: the Swift object and
/// its host, retained from create until destroy. The C trampolines below recover it from the
/// `void *instance` the host passes back.
final class InstanceBox {
    let object: any HyperMeshExtension
    let host: ExtensionHost

    init(object: any HyperMeshExtension, host: ExtensionHost) {
        self.object = object
        self.host = host
    }

    /// Allocates the `hypermesh_extension` struct whose `instance` holds a retained box of `object`.
    static func makeExtension(_ object: any HyperMeshExtension, host: ExtensionHost) -> UnsafeMutablePointer<hypermesh_extension> {
        let box = Unmanaged.passRetained(InstanceBox(object: object, host: host))
        let pointer = UnsafeMutablePointer<hypermesh_extension>.allocate(capacity: 1)
        pointer.initialize(to: hypermesh_extension(
            struct_size: UInt32(MemoryLayout<hypermesh_extension>.size),
            instance: box.toOpaque(),
            handle: { instance, method, methodLength, input, inputLength, output, error in
                guard let box = InstanceBox.from(instance) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
                return box.handle(method, methodLength, input, inputLength, output, error)
            },
            activate: { instance, error in
                guard let box = InstanceBox.from(instance) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
                return box.run(error) { () throws(ExtensionError) in try box.object.activate() }
            },
            deactivate: { instance, error in
                guard let box = InstanceBox.from(instance) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
                return box.run(error) { () throws(ExtensionError) in try box.object.deactivate() }
            },
            health: { instance, report, error in
                guard let box = InstanceBox.from(instance) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
                return box.health(report, error)
            },
            export_state: nil, import_state: nil))
        if object is any StateHandOver {
            pointer.pointee.export_state = { instance, stateOut, errorOut in
                guard let box = InstanceBox.from(instance) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
                return box.exportState(stateOut, errorOut)
            }
            pointer.pointee.import_state = { instance, state, stateLength, errorOut in
                guard let box = InstanceBox.from(instance) else { return HYPERMESH_ERR_INVALID_ARGUMENT }
                let bytes = state.map { Array(UnsafeBufferPointer(start: $0, count: stateLength)) } ?? []
                return box.run(errorOut) { () throws(ExtensionError) in try (box.object as? any StateHandOver)?.importState(bytes) }
            }
        }
        return pointer
    }

    /// Releases the box and the struct made by ``makeExtension(_:host:)``.
    static func destroyExtension(_ pointer: UnsafeMutablePointer<hypermesh_extension>) {
        if let instance = pointer.pointee.instance {
            Unmanaged<InstanceBox>.fromOpaque(instance).release()
        }
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }

    private static func from(_ instance: UnsafeMutableRawPointer?) -> InstanceBox? {
        guard let instance else { return nil }
        return Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
    }

    private func handle(
        _ method: UnsafePointer<CChar>?, _ methodLength: Int, _ input: UnsafePointer<UInt8>?, _ inputLength: Int,
        _ output: UnsafeMutablePointer<hypermesh_bytes>?, _ errorOut: UnsafeMutablePointer<hypermesh_error>?
    ) -> hypermesh_status {
        output?.pointee = hypermesh_bytes(data: nil, len: 0)
        let name = method.map {
            String(decoding: UnsafeRawBufferPointer(start: $0, count: methodLength), as: UTF8.self)
        } ?? ""
        let bytes = input.map { Array(UnsafeBufferPointer(start: $0, count: inputLength)) } ?? []
        let result: [UInt8]
        do throws(ExtensionError) {
            result = try object.handle(method: name, input: bytes)
        } catch {
            return host.table.report(error, into: errorOut)
        }
        return deliver(result, into: output, errorOut)
    }

    private func health(
        _ report: UnsafeMutablePointer<hypermesh_bytes>?, _ errorOut: UnsafeMutablePointer<hypermesh_error>?
    ) -> hypermesh_status {
        report?.pointee = hypermesh_bytes(data: nil, len: 0)
        let encoded: Data
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoded = try encoder.encode(object.health())
        } catch {
            return host.table.report(.internal("cannot encode the health report", cause: "\(error)"), into: errorOut)
        }
        return deliver(Array(encoded), into: report, errorOut)
    }

    private func exportState(
        _ stateOut: UnsafeMutablePointer<hypermesh_bytes>?, _ errorOut: UnsafeMutablePointer<hypermesh_error>?
    ) -> hypermesh_status {
        stateOut?.pointee = hypermesh_bytes(data: nil, len: 0)
        guard let object = object as? any StateHandOver else { return HYPERMESH_ERR_INVALID_ARGUMENT }
        let state: [UInt8]
        do throws(ExtensionError) {
            state = try object.exportState()
        } catch {
            return host.table.report(error, into: errorOut)
        }
        return deliver(state, into: stateOut, errorOut)
    }

    private func run(
        _ error: UnsafeMutablePointer<hypermesh_error>?, _ body: () throws(ExtensionError) -> Void
    ) -> hypermesh_status {
        do throws(ExtensionError) {
            try body()
            return HYPERMESH_OK
        } catch let failure {
            return host.table.report(failure, into: error)
        }
    }

    /// Copies `bytes` into a host-allocated buffer in `output`. An empty result leaves `output`
    /// empty; a NULL `output` drops the result (the host asked for none).
    private func deliver(
        _ bytes: [UInt8], into output: UnsafeMutablePointer<hypermesh_bytes>?,
        _ error: UnsafeMutablePointer<hypermesh_error>?
    ) -> hypermesh_status {
        guard !bytes.isEmpty, let output else { return HYPERMESH_OK }
        let copy = bytes.withUnsafeBytes { host.table.copyToHost($0, nulTerminated: false) }
        guard let copy else {
            return host.table.report(.internal("the host allocator failed for \(bytes.count) output bytes"), into: error)
        }
        output.pointee = hypermesh_bytes(data: copy.assumingMemoryBound(to: UInt8.self), len: bytes.count)
        return HYPERMESH_OK
    }
}
