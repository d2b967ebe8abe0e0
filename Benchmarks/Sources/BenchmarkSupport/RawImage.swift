import CHyperMeshABI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The floor of loading: `dlopen` (`RTLD_NOW | RTLD_LOCAL`, as the runtime's loader) and `dlsym` of
/// the three entry points, nothing else: no manifest, no digest, no metadata check, no instance.
public enum RawImage {
    /// Opens `path` and resolves the three entry points; returns the `dlopen` handle, which the
    /// caller passes to ``close(_:)``.
    public static func open(_ path: String) throws(BenchmarkSetupError) -> UnsafeMutableRawPointer {
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw BenchmarkSetupError(.libraryLoadFailed, "cannot dlopen \(path)", cause: lastError())
        }
        guard dlsym(library, HYPERMESH_SYMBOL_METADATA) != nil,
              dlsym(library, HYPERMESH_SYMBOL_CREATE) != nil,
              dlsym(library, HYPERMESH_SYMBOL_DESTROY) != nil else {
            let cause = lastError()
            dlclose(library)
            throw BenchmarkSetupError(.libraryLoadFailed, "\(path) lacks an entry point of hypermesh_extension.h", cause: cause)
        }
        return library
    }

    /// `dlclose`: a C library is unmapped once no handle holds it.
    public static func close(_ library: UnsafeMutableRawPointer) {
        dlclose(library)
    }

    static func lastError() -> String {
        guard let message = dlerror() else { return "no dlerror() message" }
        return String(cString: message)
    }
}
