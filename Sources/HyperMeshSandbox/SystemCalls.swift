#if canImport(Glibc)
import Glibc
#endif

/// Linux calls that Swift does not import (variadic in the C headers), resolved once with `dlsym`
/// and called with five word-sized arguments, as the kernel takes them.
enum SystemCalls {
    private typealias PrctlFunction = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32

    private static let prctlFunction: PrctlFunction? = {
        guard let symbol = dlsym(nil, "prctl") else { return nil }
        return unsafeBitCast(symbol, to: PrctlFunction.self)
    }()

    /// `prctl(option, a, b, c, d)`: the result and `errno` (0 on success). ENOSYS if libc has no prctl.
    static func prctl(_ option: Int32, _ a: UInt = 0, _ b: UInt = 0, _ c: UInt = 0, _ d: UInt = 0) -> (result: Int32, errno: Int32) {
        guard let prctlFunction else { return (-1, ENOSYS) }
        errno = 0
        let result = prctlFunction(option, a, b, c, d)
        return (result, result == -1 ? errno : 0)
    }

    static let PR_SET_DUMPABLE: Int32 = 4
    static let PR_GET_SECCOMP: Int32 = 21
    static let PR_SET_SECCOMP: Int32 = 22
    static let PR_SET_NO_NEW_PRIVS: Int32 = 38
    static let PR_GET_NO_NEW_PRIVS: Int32 = 39
    static let SECCOMP_MODE_FILTER: UInt = 2

    /// `strerror(code)` as a Swift string, with the symbolic value.
    static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
