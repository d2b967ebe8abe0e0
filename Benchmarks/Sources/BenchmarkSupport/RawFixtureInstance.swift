import CHyperMeshABI
import HyperMeshExtensions
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The floor of a call: one fixture library opened with `dlopen`, one instance made by its
/// `hypermesh_extension_create` (the host's table, a NULL context), and its `handle` function
/// called through the C function pointer, the output released with `free`.
///
/// Only methods that never call the host may be used (the context is NULL): `echo` and `fail`.
/// Not thread-safe; not a runtime component: no admission, no metrics, no error mapping.
public final class RawFixtureInstance {
    private let library: UnsafeMutableRawPointer
    private let destroy: hypermesh_extension_destroy_fn
    private var created: UnsafeMutablePointer<hypermesh_extension>?
    private let instance: UnsafeMutableRawPointer?
    private let handle: HandleFunction

    private typealias HandleFunction = @convention(c) (
        UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int, UnsafePointer<UInt8>?, Int,
        UnsafeMutablePointer<hypermesh_bytes>?, UnsafeMutablePointer<hypermesh_error>?
    ) -> hypermesh_status

    /// Opens `libraryPath` (`RTLD_NOW | RTLD_LOCAL`) and creates one instance.
    public init(libraryPath: String) throws(BenchmarkSetupError) {
        guard let library = dlopen(libraryPath, RTLD_NOW | RTLD_LOCAL) else {
            throw BenchmarkSetupError(.libraryLoadFailed, "cannot dlopen \(libraryPath)", cause: RawImage.lastError())
        }
        guard let createSymbol = dlsym(library, HYPERMESH_SYMBOL_CREATE),
              let destroySymbol = dlsym(library, HYPERMESH_SYMBOL_DESTROY) else {
            dlclose(library)
            throw BenchmarkSetupError(.libraryLoadFailed, "\(libraryPath) lacks the create or destroy entry point", cause: RawImage.lastError())
        }
        let create = unsafeBitCast(createSymbol, to: hypermesh_extension_create_fn.self)
        let destroy = unsafeBitCast(destroySymbol, to: hypermesh_extension_destroy_fn.self)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        guard let created = create(HostAPIBroker.table, nil, &error), let handle = created.pointee.handle else {
            free(error.message)
            dlclose(library)
            throw BenchmarkSetupError(.instanceCreateFailed, "hypermesh_extension_create of \(libraryPath) returned no usable instance")
        }
        self.library = library
        self.destroy = destroy
        self.created = created
        self.instance = created.pointee.instance
        self.handle = handle
    }

    /// Calls `method` (`methodLength` bytes, no NUL needed) with `input` and frees the output.
    /// Returns the output's length, or -1 if the method failed (its message is freed too).
    @inline(__always)
    public func call(method: UnsafePointer<CChar>, methodLength: Int, input: UnsafeBufferPointer<UInt8>) -> Int {
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let status = handle(instance, method, methodLength, input.baseAddress, input.count, &output, &error)
        free(output.data)
        free(error.message)
        return status == HYPERMESH_OK ? output.len : -1
    }

    /// The floor plus the marshalling the runtime does around the same C call: the method name
    /// passed with `withCString`, the input passed from a `[UInt8]`, the output copied into a
    /// new `[UInt8]` and freed. No admission, no call gate, no clock, no metrics. Returns nil if
    /// the method failed.
    public func callMarshalled(method: String, input: [UInt8]) -> [UInt8]? {
        var output = hypermesh_bytes(data: nil, len: 0)
        var error = hypermesh_error(code: HYPERMESH_OK, message: nil)
        let methodLength = method.utf8.count
        let status = method.withCString { name in
            input.withUnsafeBufferPointer { bytes in
                handle(instance, name, methodLength, bytes.baseAddress, bytes.count, &output, &error)
            }
        }
        defer {
            free(output.data)
            free(error.message)
        }
        guard status == HYPERMESH_OK else { return nil }
        guard let data = output.data, output.len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: output.len))
    }

    /// Destroys the instance and closes the library. Idempotent.
    public func close() {
        guard let created else { return }
        destroy(created)
        self.created = nil
        dlclose(library)
    }

    deinit { close() }
}
