import NIOPosix

/// Runs blocking file work (the store, OCI layouts, materializing packages) on NIO's thread pool,
/// so that no cooperative thread waits on the disk.
///
/// The pool is `NIOThreadPool.singleton` (its size is set by NIO, two threads or more here).
/// Not guaranteed: an order between jobs submitted by different tasks.
public enum BlockingIO {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws(RegistryError) -> T) async throws(RegistryError) -> T {
        let result: Result<T, RegistryError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { () -> Result<T, RegistryError> in
                do throws(RegistryError) { return .success(try work()) } catch { return .failure(error) }
            }
        } catch {
            throw RegistryError(.fileFailed, "the file I/O thread pool is not running", cause: "\(error)")
        }
        return try result.get()
    }

    /// The same for work with any error (an audit append, a SQLite read): its error is rethrown as is.
    public static func run<T: Sendable, Failure: Error>(throwing _: Failure.Type, _ work: @escaping @Sendable () throws(Failure) -> T) async throws -> T {
        let result = try await NIOThreadPool.singleton.runIfActive { () -> Result<T, Failure> in
            do throws(Failure) { return .success(try work()) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
